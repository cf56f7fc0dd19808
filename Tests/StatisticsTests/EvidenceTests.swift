import Tensor
import Testing
@testable import Statistics

/// The four outcomes on constructed inputs, for each kind of claim.
@Suite struct EvidenceTests {
    let base = [10.0, 10.4, 9.8, 10.1, 10.3]

    @Test func aClearGapInThePapersDirectionHeld() {
        let lower = base.map { $0 - 1 }
        let e = Evidence.difference(lower, base, paired: true, claim: .less)
        #expect(e.outcome == .held && e.p! < 0.05 && e.test == "paired t" && e.n == 5)
        #expect(e.interval!.upperBound < 0 && abs(e.estimate - -1) < 1e-12)
    }

    @Test func aSmallGapWithinTheSpreadIsNotShown() {
        let noisy = [10.2, 9.6, 10.5, 9.7, 10.1]   // mean 10.02 against 10.12: lower, within the spread
        let e = Evidence.difference(noisy, base, paired: false, claim: .less)
        #expect(e.inPaperDirection && e.outcome == .notShown && e.test == "Welch t")
        #expect(e.interval!.contains(0))
    }

    @Test func aSmallGapAgainstThePaperDidNotHold() {
        let noisy = [10.4, 9.9, 10.6, 9.8, 10.3]   // mean 10.2 against 10.12: higher, within the spread
        #expect(Evidence.difference(noisy, base, paired: false, claim: .less).outcome == .didNotHold)
    }

    @Test func aClearGapAgainstThePaperIsContradicted() {
        let higher = base.map { $0 + 1 }
        let e = Evidence.difference(higher, base, paired: true, claim: .less)
        #expect(e.outcome == .contradicted && e.pAgainst! < 0.05)
    }

    /// "Within 3 points": the gap of 2 ± small noise lies below the threshold 3.
    @Test func aMarginIsTheThresholdTheDifferenceIsTestedAgainst() {
        let curve = [14.1, 14.3, 13.9], ends = [12.1, 12.2, 12.0]
        #expect(Evidence.difference(curve, ends, paired: true, claim: .less, threshold: 3).outcome == .held)
        #expect(Evidence.difference(curve, ends, paired: true, claim: .less, threshold: 1).outcome == .contradicted)
    }

    @Test func aThresholdClaimUsesTheOneSidedBound() {
        let ratios = [5.1, 5.0, 5.15]   // "at least 2×"
        let e = Evidence.threshold(ratios, claim: .greater, threshold: 2)
        #expect(e.outcome == .held && e.test == "one-sample t" && e.interval!.lowerBound > 2)
        #expect(Evidence.threshold([2.1, 1.8, 2.3], claim: .greater, threshold: 2).outcome == .notShown)
    }

    @Test func oneSeedIsNoTestAndDecidesByDirectionOnly() {
        let e = Evidence.difference([9], [10], paired: true, claim: .less)
        #expect(e.p == nil && e.outcome == .notShown)
        #expect(Evidence.difference([11], [10], paired: true, claim: .less).outcome == .didNotHold)
    }

    @Test func aTrendUsesSpearman() throws {
        var generator = RandomGenerator(seed: 3)
        let x = [0.0, 0.25, 0.5, 0.75, 0, 0.25, 0.5, 0.75]
        let rising = try #require(Evidence.trend(x, [1, 2, 3, 4, 1.5, 2.5, 3.5, 4.5], claim: .greater, generator: &generator))
        #expect(rising.outcome == .held && rising.test == "Spearman, exact" && rising.n == 8)
        let falling = try #require(Evidence.trend(x, [4.5, 3.5, 2.5, 1.5, 4, 3, 2, 1], claim: .greater, generator: &generator))
        #expect(falling.outcome == .contradicted)
    }
}

extension EvidenceTests {
    /// "Within 1 point": two one-sided tests; the outcome follows where the difference lies.
    @Test func anEquivalenceClaimUsesTwoOneSidedTests() {
        let c = [88.1, 88.4, 88.2, 88.3], close = [88.15, 88.35, 88.3, 88.25], far = [86.0, 86.4, 86.1, 86.3]
        let near = Evidence.equivalence(close, c, paired: true, within: 1)
        #expect(near.outcome == .held && near.test.contains("equivalence ±1"))
        #expect(Evidence.equivalence(far, c, paired: true, within: 1).outcome == .contradicted)
        let noisy = Evidence.equivalence([88.9, 87.2, 89.5, 87.9], c, paired: true, within: 1)
        #expect(noisy.inPaperDirection && noisy.outcome == .notShown)
    }
}
