import Networks
import Tensor
import Testing
import Training
@testable import WeightSpace

@Suite struct CurveTests {
    @Test(arguments: CurveKind.allCases, [2, 3, 5])
    func coefficientsSumToOneAndHitTheEndpoints(kind: CurveKind, bends: Int) {
        let curve = Curve(kind, bends: bends)
        for k in 0...20 {
            let c = curve.coefficients(at: Double(k) / 20)
            #expect(abs(c.reduce(0, +) - 1) < 1e-6)
            #expect(c.allSatisfy { $0 >= 0 })
        }
        let c0 = curve.coefficients(at: 0), c1 = curve.coefficients(at: 1)
        #expect(c0[0] == 1 && c0.dropFirst().allSatisfy { $0 == 0 })
        #expect(c1[bends - 1] == 1 && c1.dropLast().allSatisfy { $0 == 0 })
    }

    @Test func polychainAtABendIsThatBend() {
        // n = 5: bend i sits at t = i/4 with coefficient e_i.
        let curve = Curve(.polychain, bends: 5)
        for i in 0..<5 {
            let c = curve.coefficients(at: Double(i) / 4)
            for j in 0..<5 { #expect(abs(c[j] - (i == j ? 1 : 0)) < 1e-6) }
        }
    }

    @Test func quadraticBezierCoefficients() {
        // n = 3 at t = 0.25: (0.75², 2·0.25·0.75, 0.25²) = (0.5625, 0.375, 0.0625).
        let c = Curve(.bezier, bends: 3).coefficients(at: 0.25)
        #expect(abs(c[0] - 0.5625) < 1e-7 && abs(c[1] - 0.375) < 1e-7 && abs(c[2] - 0.0625) < 1e-7)
    }

    @Test(arguments: [3, 4])
    func aFreshBezierIsTheSegment(bends: Int) {
        var rng = RandomGenerator(seed: 3)
        let a = (0..<50).map { _ in rng.normal() }, b = (0..<50).map { _ in rng.normal() }
        let curve = Curve(.bezier, bends: bends)
        let w = curve.linearBends(start: a, end: b)
        let segment = Curve(.bezier, bends: 2)
        for t in stride(from: 0.0, through: 1.0, by: 0.125) {
            let p = curve.point(at: t, bendVector: w, parameterCount: 50)
            let q = segment.point(at: t, bendVector: a + b, parameterCount: 50)
            for k in 0..<50 { #expect(abs(p[k] - q[k]) < 1e-5) }
        }
    }

    @Test func seriesSummaryFollowsGAR() {
        // values 1, 3, 2 with dl 0, 1, 3: int = (½(1+3)·1 + ½(3+2)·3)/4 = (2 + 7.5)/4 = 2.375.
        let s = SeriesSummary(values: [1, 3, 2], segmentLengths: [0, 1, 3])
        #expect(s.start == 1 && s.end == 2 && s.min == 1 && s.max == 3 && s.mean == 2)
        #expect(abs(s.integral - 2.375) < 1e-12)
        #expect(abs(s.barrier - 1.5) < 1e-12)
    }
}
