import Testing
@testable import Statistics

/// The paired t-test's power against SciPy 1.17's noncentral t (`scipy.stats.nct.sf(t_{0.95, n−1},
/// n − 1, δ·√n/σ)`), and the detectable difference and pairs needed it implies (SciPy's `brentq`
/// on the same power; the first n whose power reaches 0.8).
@Suite struct PowerTests {
    @Test(arguments: [(1.0, 1.0, 10, 0.8975169943396828), (0.5, 1.0, 20, 0.6951493382443412), (1.0, 1.0, 3, 0.32183640914846035),
                      (2.0, 1.0, 2, 0.3419333883289014), (0.4, 0.7, 5, 0.2816498050815712), (0.1, 1.0, 500, 0.7217947929173103),
                      (0.3, 2.0, 300, 0.8282665933187326), (0.01, 1.0, 100_000, 0.9354174715601689)])
    func powerMatchesTheNoncentralT(difference: Double, sd: Double, n: Int, expected: Double) {
        #expect(abs(PairedPower.power(difference: difference, sd: sd, n: n) - expected) < 1e-6)
    }

    /// With no difference the test rejects at its level, whatever n; against the claim's direction, less often.
    @Test func powerAtNoDifferenceIsTheLevel() {
        for n in [2, 3, 5, 30, 1_000] {
            #expect(abs(PairedPower.power(difference: 0, sd: 1, n: n) - 0.05) < 1e-6)
            #expect(PairedPower.power(difference: -0.5, sd: 1, n: n) < 0.05)
        }
    }

    @Test func detectableDifferenceMatchesSciPy() {
        #expect(abs(PairedPower.detectableDifference(sd: 1, n: 3) - 2.29727476730517) < 1e-5)
        #expect(abs(PairedPower.detectableDifference(sd: 1, n: 5) - 1.3594179588549695) < 1e-5)
        #expect(abs(PairedPower.detectableDifference(sd: 2, n: 10) - 2 * 0.8528375122385515) < 1e-5)
    }

    @Test func pairsNeededMatchesSciPy() {
        #expect(PairedPower.pairsNeeded(difference: 0.5, sd: 1) == 27)
        #expect(PairedPower.pairsNeeded(difference: 0.1, sd: 1) == 620)
        #expect(PairedPower.pairsNeeded(difference: 0, sd: 1) == nil)
        #expect(PairedPower.pairsNeeded(difference: 1e-4, sd: 1, limit: 1_000) == nil)
    }
}
