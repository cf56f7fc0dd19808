import Foundation

/// The regularised incomplete beta function `I_x(a, b)`, by its continued fraction (evaluated with
/// the modified Lentz method) on the side of `x` where it converges fast, and the symmetry
/// `I_x(a, b) = 1 − I_{1−x}(b, a)` on the other.
public enum IncompleteBeta {
    public static func regularized(_ x: Double, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0, "I_x(a, b) needs a, b > 0, got \(a), \(b)")
        precondition((0...1).contains(x), "I_x(a, b) needs x in [0, 1], got \(x)")
        if x == 0 || x == 1 { return x }
        let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let logFront: Double = a * log(x) + b * log(1 - x) - logBeta
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * continuedFraction(1 - x, a: b, b: a) / b
    }

    /// The continued fraction of `I_x(a, b)`, whose terms alternate between
    /// `d_{2m} = m(b − m)x / ((a + 2m − 1)(a + 2m))` and
    /// `d_{2m+1} = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1))`.
    static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300, tolerance = 1e-15
        func guarded(_ v: Double) -> Double { abs(v) < tiny ? tiny : v }
        var c = 1.0, d = 1 / guarded(1 - (a + b) * x / (a + 1)), h = d
        for m in 1...10_000 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 / guarded(1 + even * d)
            c = guarded(1 + even / c)
            h *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 / guarded(1 + odd * d)
            c = guarded(1 + odd / c)
            let step = d * c
            h *= step
            if abs(step - 1) < tolerance { break }
        }
        return h
    }
}
