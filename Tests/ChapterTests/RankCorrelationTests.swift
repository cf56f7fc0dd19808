import Testing
@testable import chapter6

/// Spearman's ρ as chapter 6 decides its density verdicts with it.
@Suite struct RankCorrelationTests {
    @Test func monotoneSeriesCorrelatePerfectly() {
        #expect(spearman([1, 2, 3, 4], [10, 20, 25, 100]) == 1)
        #expect(spearman([1, 2, 3, 4], [4, 3, 2, 1]) == -1)
    }

    @Test func tiesTakeTheirAverageRank() {
        // x ranks 1.5, 1.5, 3, 4; y ranks 1, 2, 3, 4: ρ = Σ(dx·dy)/√(Σdx²·Σdy²) = 4.5/√(4.5·5).
        let rho = spearman([0, 0, 0.5, 1], [1, 2, 3, 4])!
        #expect(abs(rho - 4.5 / (4.5 * 5).squareRoot()) < 1e-12)
        #expect(spearman([1, 1, 1], [1, 2, 3]) == nil)
    }
}
