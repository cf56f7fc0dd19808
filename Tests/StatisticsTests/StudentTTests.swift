import Foundation
import Testing
@testable import Statistics

/// Student's t against the published table of critical values and the regularised incomplete beta
/// against closed forms.
@Suite struct StudentTTests {
    /// Two-sided 5 % critical values t(0.975, ν) of the standard table.
    static let table: [(nu: Double, value: Double)] = [(1, 12.706), (2, 4.303), (5, 2.571), (10, 2.228), (30, 2.042)]

    @Test(arguments: table)
    func quantilesMatchTheTable(nu: Double, value: Double) {
        #expect(abs(StudentT(degreesOfFreedom: nu).quantile(0.975) - value) < 5e-4)
    }

    /// One-sided 5 % critical values t(0.95, ν), and the normal limit for large ν.
    @Test func oneSidedQuantilesAndTheNormalLimit() {
        #expect(abs(StudentT(degreesOfFreedom: 1).quantile(0.95) - 6.314) < 5e-4)
        #expect(abs(StudentT(degreesOfFreedom: 4).quantile(0.95) - 2.132) < 5e-4)
        #expect(abs(StudentT(degreesOfFreedom: 20).quantile(0.95) - 1.725) < 5e-4)
        #expect(abs(StudentT(degreesOfFreedom: 1e7).quantile(0.975) - 1.959964) < 1e-5)
        #expect(StudentT(degreesOfFreedom: 7).quantile(0.025) == -StudentT(degreesOfFreedom: 7).quantile(0.975))
    }

    /// The CDF at points SciPy 1.17 (`scipy.stats.t.cdf`) gives, and the Cauchy case ν = 1 in closed form.
    @Test func cdfValues() {
        #expect(abs(StudentT(degreesOfFreedom: 10).cdf(2.0) - 0.9633059826146299) < 1e-12)
        #expect(abs(StudentT(degreesOfFreedom: 3.7).cdf(-1.5) - 0.10679908460100675) < 1e-12)
        for t in [-3.0, -0.4, 0, 1.2, 8] {
            #expect(abs(StudentT(degreesOfFreedom: 1).cdf(t) - (0.5 + atan(t) / .pi)) < 1e-13)
        }
    }

    /// `I_x(a, 1) = x^a`, `I_x(1, b) = 1 − (1 − x)^b`, and the symmetry `I_x(a, b) = 1 − I_{1−x}(b, a)`.
    @Test func incompleteBetaClosedForms() {
        for x in [0.05, 0.3, 0.5, 0.77, 0.99] {
            #expect(abs(IncompleteBeta.regularized(x, a: 2.5, b: 1) - pow(x, 2.5)) < 1e-13)
            #expect(abs(IncompleteBeta.regularized(x, a: 1, b: 3.5) - (1 - pow(1 - x, 3.5))) < 1e-13)
            let s = IncompleteBeta.regularized(x, a: 4.2, b: 0.5) + IncompleteBeta.regularized(1 - x, a: 0.5, b: 4.2)
            #expect(abs(s - 1) < 1e-13)
        }
    }
}
