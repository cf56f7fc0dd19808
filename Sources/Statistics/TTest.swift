import Foundation

/// One-sided t-tests of a difference of means, with the two-sided 95 % confidence interval of the
/// difference: paired over units both arms share (the same seeds, the same pairs), Welch's where
/// the two samples are independent.
public struct TTest: Sendable, Equatable {
    /// `mean(a) − mean(b)` (for a paired test, the mean of the differences).
    public let difference: Double
    public let standardError: Double
    public let degreesOfFreedom: Double
    /// `(difference − margin) / standardError`.
    public let t: Double
    /// One-sided p of `difference > margin` (`.greater`) or `difference < −margin` (`.less`).
    public let p: Double
    /// The two-sided 95 % confidence interval of the difference.
    public let interval: ClosedRange<Double>
    /// Values per arm (pairs for a paired test).
    public let n: Int
    public let margin: Double
    public let alternative: Alternative
    public let paired: Bool

    /// Welch's test of `mean(a) − mean(b)` against `margin` in the direction `alternative`
    /// (`.greater`: a exceeds b by more than `margin`; `.less`: a falls below b by more than it).
    /// Nil when an arm has fewer than two values.
    public static func welch(_ a: [Double], _ b: [Double], alternative: Alternative, margin: Double = 0) -> TTest? {
        guard a.count >= 2, b.count >= 2 else { return nil }
        let ma = MeanStd(a), mb = MeanStd(b)
        let va = ma.std * ma.std / Double(a.count), vb = mb.std * mb.std / Double(b.count)
        let se = (va + vb).squareRoot()
        let df = se == 0 ? Double(a.count + b.count - 2)
            : (va + vb) * (va + vb) / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
        return make(difference: ma.mean - mb.mean, se: se, df: df, n: min(a.count, b.count), margin: margin,
                    alternative: alternative, paired: false)
    }

    /// The paired test of the mean of `a[i] − b[i]` against `margin`. Nil for fewer than two pairs.
    public static func paired(_ a: [Double], _ b: [Double], alternative: Alternative, margin: Double = 0) -> TTest? {
        precondition(a.count == b.count, "a paired test needs as many values in each arm, got \(a.count) and \(b.count)")
        guard a.count >= 2 else { return nil }
        let d = MeanStd(zip(a, b).map { $0 - $1 })
        return make(difference: d.mean, se: d.std / Double(a.count).squareRoot(), df: Double(a.count - 1), n: a.count,
                    margin: margin, alternative: alternative, paired: true)
    }

    static func make(difference: Double, se: Double, df: Double, n: Int, margin: Double, alternative: Alternative,
                     paired: Bool) -> TTest {
        let distribution = StudentT(degreesOfFreedom: df)
        let signed = alternative == .greater ? difference - margin : -(difference + margin)
        let t: Double, p: Double
        if se > 0 {
            t = (alternative == .greater ? signed : -signed) / se
            p = distribution.survival(signed / se)
        } else {
            // No spread: the difference is what every unit shows.
            t = signed == 0 ? 0 : (alternative == .greater ? signed : -signed) * .infinity
            p = signed > 0 ? 0 : 1
        }
        let half = distribution.quantile(0.975) * se
        return TTest(difference: difference, standardError: se, degreesOfFreedom: df, t: t, p: p,
                     interval: (difference - half)...(difference + half), n: n, margin: margin,
                     alternative: alternative, paired: paired)
    }
}
