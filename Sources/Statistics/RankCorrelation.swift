/// Spearman's rank correlation ρ and its one-sided test.
public enum RankCorrelation {
    /// The ranks of `values` from 1, ties taking their average rank.
    public static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var r = [Double](repeating: 0, count: values.count), i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            for k in i...j { r[order[k]] = Double(i + j) / 2 + 1 }
            i = j + 1
        }
        return r
    }

    /// Spearman's ρ: Pearson's correlation of the ranks (average ranks for ties); nil when either
    /// series is constant.
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double? {
        precondition(x.count == y.count && x.count >= 2, "rank correlation needs two equal-length series of ≥ 2 values")
        return pearson(ranks(x), ranks(y))
    }

    static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        let sxy = zip(x, y).reduce(0.0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = x.reduce(0.0) { $0 + ($1 - mx) * ($1 - mx) }, syy = y.reduce(0.0) { $0 + ($1 - my) * ($1 - my) }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : nil
    }

    /// The test of ρ against no association, in the direction `alternative` (`.greater`: ρ > 0).
    public struct Test: Sendable, Equatable {
        public let rho: Double
        public let n: Int
        /// One-sided p: the share of pairings of the ranks, under the null hypothesis that every
        /// pairing is equally likely, whose ρ is at least as far in the claimed direction.
        public let p: Double
        /// 0 when `p` is exact (every pairing enumerated), else the number of random pairings drawn.
        public let draws: Int
    }

    /// Largest n whose n! pairings are enumerated for an exact p (8! = 40 320).
    public static let exactLimit = 8

    /// Spearman's test: exact for n ≤ `exactLimit`, Monte Carlo beyond with `draws` random pairings
    /// from `generator` (the p-value then counts the observed pairing too, (k + 1)/(draws + 1), so
    /// it is never 0). Nil when either series is constant.
    public static func test<G: RandomNumberGenerator>(_ x: [Double], _ y: [Double], alternative: Alternative,
                                                      draws: Int = 100_000, generator: inout G) -> Test? {
        bothTails(x, y, draws: draws, generator: &generator).map { alternative == .greater ? $0.greater : $0.less }
    }

    /// The tests in both directions from one pass over the same pairings (what a claim and its
    /// contrary need). Nil when either series is constant.
    public static func bothTails<G: RandomNumberGenerator>(_ x: [Double], _ y: [Double], draws: Int = 100_000,
                                                           generator: inout G) -> (greater: Test, less: Test)? {
        guard let rho = spearman(x, y) else { return nil }
        let rx = ranks(x), ry = ranks(y), n = x.count
        // A pairing is at least as extreme as the observed one in a direction when its ρ is at least
        // as far that way (with a tolerance so that pairings equal to the observed one count).
        var above = 0, below = 0
        func count(_ pairing: [Double]) {
            let r = pearson(rx, pairing) ?? 0
            if r >= rho - 1e-12 { above += 1 }
            if r <= rho + 1e-12 { below += 1 }
        }
        if n <= exactLimit {
            var total = 0, p = ry
            forEachPermutation(&p, count: n) { total += 1; count($0) }
            return (Test(rho: rho, n: n, p: Double(above) / Double(total), draws: 0),
                    Test(rho: rho, n: n, p: Double(below) / Double(total), draws: 0))
        }
        var shuffled = ry
        for _ in 0..<draws {
            shuffled.shuffle(using: &generator)
            count(shuffled)
        }
        return (Test(rho: rho, n: n, p: Double(above + 1) / Double(draws + 1), draws: draws),
                Test(rho: rho, n: n, p: Double(below + 1) / Double(draws + 1), draws: draws))
    }

    /// Calls `body` with every permutation of `values[0..<count]` (Heap's algorithm).
    static func forEachPermutation(_ values: inout [Double], count: Int, _ body: ([Double]) -> Void) {
        var c = [Int](repeating: 0, count: count)
        body(values)
        var i = 0
        while i < count {
            if c[i] < i {
                values.swapAt(i % 2 == 0 ? 0 : c[i], i)
                body(values)
                c[i] += 1
                i = 0
            } else {
                c[i] = 0
                i += 1
            }
        }
    }
}

/// The direction a one-sided test looks in.
public enum Alternative: String, Codable, Sendable {
    /// The first quantity exceeds the second (or ρ > 0).
    case greater
    /// The first quantity falls below the second (or ρ < 0).
    case less
}
