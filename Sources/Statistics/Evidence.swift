/// What a run's numbers say about a claim, in one of four words.
public enum Outcome: String, Codable, Sendable, CaseIterable {
    /// In the paper's direction, significant (p < 0.05, or the bound clears the threshold).
    case held
    /// In the paper's direction, not significant: the interval is stated.
    case notShown = "not shown"
    /// Against the paper's direction, not significant.
    case didNotHold = "did not hold"
    /// Against the paper's direction, significant.
    case contradicted
}

/// The evidence a run has for one claim: the test chosen by the design, its n, the estimate with
/// its 95 % interval, the one-sided p in the paper's direction and the one against it. A claim is
/// "a − b > threshold" (or below it), "the mean of x lies above a threshold" or "y rises with x".
public struct Evidence: Sendable, Equatable {
    /// "paired t", "Welch t", "one-sample t", "Spearman, exact" or "Spearman, 10 000 draws".
    public let test: String
    /// Values per arm (pairs for a paired test, points for a trend).
    public let n: Int
    /// The difference (or the mean, or ρ) the claim is about.
    public let estimate: Double
    /// Its two-sided 95 % interval (none for ρ).
    public let interval: ClosedRange<Double>?
    /// One-sided p in the paper's direction, and in the opposite one; nil with too few values to test.
    public let p: Double?
    public let pAgainst: Double?
    /// Whether the estimate lies on the paper's side of the threshold.
    public let inPaperDirection: Bool

    public static let level = 0.05

    public var outcome: Outcome {
        if inPaperDirection { return (p ?? 1) < Self.level ? .held : .notShown }
        return (pAgainst ?? 1) < Self.level ? .contradicted : .didNotHold
    }

    /// The claim "a − b > threshold" (`.greater`) or "a − b < threshold" (`.less`): paired over units
    /// both arms share (the same seeds, the same pairs), Welch's test where they are independent.
    public static func difference(_ a: [Double], _ b: [Double], paired: Bool, claim: Alternative,
                                  threshold: Double = 0) -> Evidence {
        let margin = claim == .greater ? threshold : -threshold
        let opposite: Alternative = claim == .greater ? .less : .greater
        func test(_ direction: Alternative) -> TTest? {
            let m = direction == claim ? margin : -margin
            return paired ? TTest.paired(a, b, alternative: direction, margin: m)
                : TTest.welch(a, b, alternative: direction, margin: m)
        }
        let estimate = MeanStd(a).mean - MeanStd(b).mean
        let forClaim = test(claim)
        return Evidence(test: paired ? "paired t" : "Welch t", n: paired ? a.count : min(a.count, b.count),
                        estimate: estimate, interval: forClaim?.interval, p: forClaim?.p, pAgainst: test(opposite)?.p,
                        inPaperDirection: claim == .greater ? estimate > threshold : estimate < threshold)
    }

    /// The claim "a − b lies within ±`within`" (an equivalence: "lands near", "within 1 point"), by
    /// two one-sided tests: p is the larger of the tests of "a − b < within" and "a − b > −within"
    /// (equivalence at the 5 % level is the 90 % interval inside ±within; the 95 % one is stated).
    /// Against the claim: the difference lies significantly beyond the margin on its side.
    public static func equivalence(_ a: [Double], _ b: [Double], paired: Bool, within: Double) -> Evidence {
        let below = difference(a, b, paired: paired, claim: .less, threshold: within)
        let above = difference(a, b, paired: paired, claim: .greater, threshold: -within)
        let estimate = below.estimate
        let p = below.p.flatMap { l in above.p.map { max(l, $0) } }
        let pAgainst = estimate >= 0 ? below.pAgainst : above.pAgainst
        return Evidence(test: (paired ? "paired t" : "Welch t") + ", equivalence ±\(within.formatted()) (two one-sided tests)",
                        n: below.n, estimate: estimate, interval: below.interval, p: p, pAgainst: pAgainst,
                        inPaperDirection: abs(estimate) < within)
    }

    /// The claim "the mean of `values` lies above (`.greater`) or below (`.less`) `threshold`": the
    /// one-sided confidence bound against the threshold (a one-sample t-test).
    public static func threshold(_ values: [Double], claim: Alternative, threshold: Double) -> Evidence {
        let level = [Double](repeating: threshold, count: values.count)
        let shifted = difference(values, level, paired: true, claim: claim, threshold: 0)
        let mean = MeanStd(values).mean
        return Evidence(test: "one-sample t", n: values.count, estimate: mean,
                        interval: shifted.interval.map { ($0.lowerBound + threshold)...($0.upperBound + threshold) },
                        p: shifted.p, pAgainst: shifted.pAgainst,
                        inPaperDirection: claim == .greater ? mean > threshold : mean < threshold)
    }

    /// The claim "y rises (`.greater`) or falls (`.less`) with x": Spearman's ρ and its permutation
    /// test (exact for n ≤ 8). Nil when either series is constant.
    public static func trend<G: RandomNumberGenerator>(_ x: [Double], _ y: [Double], claim: Alternative,
                                                       draws: Int = 100_000, generator: inout G) -> Evidence? {
        guard let tails = RankCorrelation.bothTails(x, y, draws: draws, generator: &generator) else { return nil }
        let (forClaim, against) = claim == .greater ? (tails.greater, tails.less) : (tails.less, tails.greater)
        return Evidence(test: forClaim.draws == 0 ? "Spearman, exact" : "Spearman, \(forClaim.draws) draws", n: x.count,
                        estimate: forClaim.rho, interval: nil, p: forClaim.p, pAgainst: against.p,
                        inPaperDirection: claim == .greater ? forClaim.rho > 0 : forClaim.rho < 0)
    }
}
