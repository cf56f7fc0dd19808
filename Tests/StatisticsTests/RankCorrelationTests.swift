import Tensor
import Testing
@testable import Statistics

/// Spearman's ρ and its exact and Monte Carlo tests.
@Suite struct RankCorrelationTests {
    @Test func monotoneSeriesCorrelatePerfectly() {
        #expect(RankCorrelation.spearman([1, 2, 3, 4], [10, 20, 25, 100]) == 1)
        #expect(RankCorrelation.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == -1)
    }

    @Test func tiesTakeTheirAverageRank() {
        // x ranks 1.5, 1.5, 3, 4; y ranks 1, 2, 3, 4: ρ = Σ(dx·dy)/√(Σdx²·Σdy²) = 4.5/√(4.5·5).
        let rho = RankCorrelation.spearman([0, 0, 0.5, 1], [1, 2, 3, 4])!
        #expect(abs(rho - 4.5 / (4.5 * 5).squareRoot()) < 1e-12)
        #expect(RankCorrelation.spearman([1, 1, 1], [1, 2, 3]) == nil)
    }

    /// ρ's exact null distribution: the share of the n! pairings with ρ at least the table's
    /// one-sided 5 % critical value (5 of 120 pairings for n = 5; 1 675 of 40 320 for n = 8,
    /// counted by enumeration with SciPy's `spearmanr` over `itertools.permutations`).
    static let criticalValues: [(n: Int, critical: Double, p: Double)] = [
        (5, 0.9, 5.0 / 120), (6, 0.829, 12.0 / 720), (7, 0.714, 222.0 / 5040), (8, 0.643, 1675.0 / 40320),
    ]

    @Test(arguments: criticalValues)
    func exactPValuesMatchTheNullDistribution(n: Int, critical: Double, p: Double) throws {
        // A series whose ρ with 1…n is the smallest value ≥ the critical one: found among the
        // pairings themselves, so the test's own observed ρ is attained exactly.
        let x = (1...n).map(Double.init)
        var best: [Double]? = nil, bestRho = 2.0
        var values = x
        RankCorrelation.forEachPermutation(&values, count: n) { y in
            let r = RankCorrelation.spearman(x, y)!
            if r >= critical - 1e-12 && r < bestRho { bestRho = r; best = y }
        }
        var generator = RandomGenerator(seed: 1)
        let y = try #require(best)
        let test = try #require(RankCorrelation.test(x, y, alternative: .greater, generator: &generator))
        #expect(test.draws == 0 && test.n == n)
        #expect(abs(test.p - p) < 1e-12, "n = \(n): p = \(test.p), expected \(p)")
    }

    @Test func perfectOrderIsTheRarestPairing() throws {
        var generator = RandomGenerator(seed: 1)
        let up = try #require(RankCorrelation.test([1, 2, 3, 4, 5], [2, 4, 6, 8, 10], alternative: .greater, generator: &generator))
        #expect(up.rho == 1 && abs(up.p - 1.0 / 120) < 1e-15)
        let down = try #require(RankCorrelation.test([1, 2, 3, 4, 5], [2, 4, 6, 8, 10], alternative: .less, generator: &generator))
        #expect(down.p == 1)
    }

    /// Beyond n = 8 the p-value is a Monte Carlo estimate, (k + 1)/(draws + 1), close to the exact one:
    /// for a perfectly ordered series of 10 the exact p is 1/10! ≈ 2.8e-7, so no draw reaches it.
    @Test func monteCarloBeyondEight() throws {
        var generator = RandomGenerator(seed: 7)
        let x = (1...10).map(Double.init)
        let test = try #require(RankCorrelation.test(x, x, alternative: .greater, draws: 20_000, generator: &generator))
        #expect(test.draws == 20_000 && test.p == 1.0 / 20_001)
        // No association: p near ½ (the share of pairings with ρ ≥ the observed one).
        let noise = [3.0, 9, 1, 7, 5, 10, 2, 8, 6, 4]
        let exactish = try #require(RankCorrelation.test(x, noise, alternative: .greater, draws: 20_000, generator: &generator))
        #expect(exactish.p > 0.2 && exactish.p < 0.8)
    }
}
