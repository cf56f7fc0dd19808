import Foundation

/// Student's t distribution with `degreesOfFreedom` ν (any positive real, as Welch's test needs).
public struct StudentT: Sendable {
    public let degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) {
        precondition(degreesOfFreedom > 0, "t needs positive degrees of freedom, got \(degreesOfFreedom)")
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// `P(T ≤ t)`: with `x = ν/(ν + t²)`, the tail beyond |t| is `½·I_x(ν/2, ½)`.
    public func cdf(_ t: Double) -> Double {
        if t.isInfinite { return t > 0 ? 1 : 0 }
        let nu = degreesOfFreedom
        let tail = 0.5 * IncompleteBeta.regularized(nu / (nu + t * t), a: nu / 2, b: 0.5)
        return t > 0 ? 1 - tail : tail
    }

    /// `P(T > t)`, computed from the tail directly (no cancellation for large t).
    public func survival(_ t: Double) -> Double { cdf(-t) }

    /// The t with `cdf(t) = p`, by bisection to machine precision (the distribution is symmetric,
    /// so the upper half is solved and mirrored).
    public func quantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "a quantile needs p in (0, 1), got \(p)")
        if p == 0.5 { return 0 }
        if p < 0.5 { return -quantile(1 - p) }
        let tail = 1 - p
        var low = 0.0, high = 1.0
        while survival(high) > tail { low = high; high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle == low || middle == high { break }
            if survival(middle) > tail { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}
