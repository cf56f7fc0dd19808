import Foundation

/// The power of the one-sided paired t-test (`TTest.paired`) at level α: the chance that n pairs
/// whose differences have standard deviation σ show a true mean difference δ as significant. With
/// ν = n − 1, λ = δ·√n / σ and the critical value t_c = t_{1−α, ν}, the statistic is noncentral t,
/// `T = (Z + λ) / S` with `S = √(χ²_ν / ν)`, so the power is `P(Z > t_c·S − λ) = ∫ Φ(λ − t_c·s) f_S(s) ds`,
/// integrated here by Simpson's rule over S's density. A claim that is not shown can then be read
/// against what its n can resolve: the smallest difference detected with a given power, and the
/// pairs a given difference needs.
public enum PairedPower {
    /// The power of n pairs with difference `difference` and standard deviation `sd` of the differences.
    public static func power(difference: Double, sd: Double, n: Int, level: Double = Evidence.level) -> Double {
        precondition(n >= 2, "a paired t-test needs at least two pairs, got \(n)")
        precondition(sd > 0, "the power needs a positive standard deviation, got \(sd)")
        let nu = Double(n - 1), critical = StudentT(degreesOfFreedom: nu).quantile(1 - level)
        let lambda = difference * Double(n).squareRoot() / sd
        // S's density: 2ν·s·f_χ²(ν·s²), in logs; S has mean ≈ 1 and spread ≈ 1/√(2ν) (half-normal for ν = 1).
        let logNormaliser = log(2.0) + (nu / 2) * log(nu / 2) - lgamma(nu / 2)
        func density(_ s: Double) -> Double {
            if s <= 0 { return nu == 1 ? exp(logNormaliser) : 0 }
            return exp(logNormaliser + (nu - 1) * log(s) - nu * s * s / 2)
        }
        func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.squareRoot()) }
        let spread = 1 / (2 * nu).squareRoot(), lower = max(0, 1 - 12 * spread), upper = 1 + 12 * spread
        let intervals = 4_000, h = (upper - lower) / Double(intervals)
        var sum = 0.0
        for k in 0...intervals {
            let s = lower + Double(k) * h, weight: Double = k == 0 || k == intervals ? 1 : (k % 2 == 1 ? 4 : 2)
            sum += weight * normalCDF(lambda - critical * s) * density(s)
        }
        return min(1, max(0, sum * h / 3))
    }

    /// The smallest difference n pairs detect with `power` (the minimal detectable difference), by bisection.
    public static func detectableDifference(sd: Double, n: Int, power target: Double = 0.8, level: Double = Evidence.level) -> Double {
        precondition(target > level && target < 1, "the target power must lie between the level and 1, got \(target)")
        var low = 0.0, high = sd
        while power(difference: high, sd: sd, n: n, level: level) < target { low = high; high *= 2 }
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if power(difference: middle, sd: sd, n: n, level: level) < target { low = middle } else { high = middle }
        }
        return high
    }

    /// The fewest pairs that detect `difference` with `power`; nil beyond `limit` pairs (or for a
    /// difference that is not positive, which no number of pairs shows in the claim's direction).
    public static func pairsNeeded(difference: Double, sd: Double, power target: Double = 0.8, level: Double = Evidence.level,
                                   limit: Int = 1_000_000) -> Int? {
        guard difference > 0 else { return nil }
        func enough(_ n: Int) -> Bool { power(difference: difference, sd: sd, n: n, level: level) >= target }
        var low = 1, high = 2
        while !enough(high) {
            if high >= limit { return nil }
            low = high
            high = min(limit, high * 2)
        }
        // Power rises with n: the answer lies in (low, high].
        while high - low > 1 {
            let middle = (low + high) / 2
            if enough(middle) { high = middle } else { low = middle }
        }
        return high
    }
}
