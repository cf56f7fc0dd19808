import Testing
@testable import Statistics

/// Welch's and the paired t-test against SciPy 1.17 (`scipy.stats.ttest_ind(equal_var=False)`,
/// `scipy.stats.ttest_rel`), run on the same numbers.
@Suite struct TTestTests {
    let a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]
    let b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]

    @Test func welchMatchesAWorkedExample() throws {
        let test = try #require(TTest.welch(a, b, alternative: .less))
        #expect(abs(test.t - -2.455356398286006) < 1e-10)
        #expect(abs(test.degreesOfFreedom - 24.988529290231416) < 1e-9)
        #expect(abs(test.p - 0.010689000731433496) < 1e-10)
        #expect(abs(test.interval.lowerBound - -3.984096267140929) < 1e-9)
        #expect(abs(test.interval.upperBound - -0.3492370661924069) < 1e-9)
        #expect(!test.paired && test.n == 15)
        // The other direction is the complement.
        let greater = try #require(TTest.welch(a, b, alternative: .greater))
        #expect(abs(greater.p - (1 - test.p)) < 1e-12)
    }

    /// Three seeds of two arms that share them: a small gap within the seeds' spread is no evidence.
    @Test func pairedMatchesAWorkedExample() throws {
        let test = try #require(TTest.paired([12.38, 12.01, 12.75], [12.47, 12.30, 12.71], alternative: .less))
        #expect(abs(test.t - -1.1808688098002245) < 1e-10)
        #expect(test.degreesOfFreedom == 2)
        #expect(abs(test.p - 0.17953037303784947) < 1e-10)
        #expect(abs(test.interval.lowerBound - -0.5262784225687511) < 1e-9)
        #expect(abs(test.interval.upperBound - 0.2996117559020834) < 1e-9)
    }

    /// A margin shifts what is tested: "a exceeds b by more than 3" with a gap of 4 ± small noise.
    @Test func aMarginIsPartOfTheClaim() throws {
        let x = [14.0, 14.1, 13.9, 14.05], y = [10.0, 10.05, 9.95, 10.0]
        let beyond = try #require(TTest.welch(x, y, alternative: .greater, margin: 3))
        #expect(beyond.p < 1e-4)
        let tooFar = try #require(TTest.welch(x, y, alternative: .greater, margin: 5))
        #expect(tooFar.p > 0.999)
        let within = try #require(TTest.welch(y, x, alternative: .less, margin: 3))
        #expect(abs(within.p - beyond.p) < 1e-12)
    }

    @Test func oneValueAnArmIsNoTest() {
        #expect(TTest.welch([1], [2, 3], alternative: .less) == nil)
        #expect(TTest.paired([1], [2], alternative: .less) == nil)
    }

    @Test func noSpreadDecidesByTheSign() throws {
        let test = try #require(TTest.paired([2, 3, 4], [1, 2, 3], alternative: .greater))
        #expect(test.p == 0 && test.standardError == 0)
        #expect(try #require(TTest.paired([2, 3, 4], [1, 2, 3], alternative: .less)).p == 1)
    }
}
