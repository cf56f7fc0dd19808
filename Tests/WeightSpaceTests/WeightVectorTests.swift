import Testing
@testable import WeightSpace

/// The weight-space vocabulary the chapters use instead of BLAS.
@Suite struct WeightVectorTests {
    let a: [Float] = [1, 2, 3, -4], b: [Float] = [0, 4, 3, 0]

    @Test func differenceAndDistance() {
        #expect(WeightVector.difference(a, b) == [1, -2, 0, -4])
        #expect(abs(WeightVector.distance(a, b) - 21.0.squareRoot()) < 1e-6)
        #expect(WeightVector.distance(a, a) == 0)
    }

    @Test func combinationWeighsEachVector() {
        #expect(WeightVector.combination([0.5, 0.5], of: [a, b]) == [0.5, 3, 3, -2])
        #expect(WeightVector.combination([0, 1], of: [a, b]) == b)
    }

    @Test func interpolationRunsFromOneEndToTheOther() {
        #expect(WeightVector.interpolation(from: a, to: b, at: 0) == a)
        #expect(WeightVector.interpolation(from: a, to: b, at: 1) == b)
        #expect(WeightVector.interpolation(from: a, to: b, at: 0.5) == [0.5, 3, 3, -2])
    }

    @Test func theSegmentIsTheStraightLine() {
        for t in [0.0, 0.25, 0.5, 1.0] {
            let onSegment = Curve.segment.point(at: t, bendVector: a + b, parameterCount: a.count)
            let onLine = WeightVector.interpolation(from: a, to: b, at: t)
            for (x, y) in zip(onSegment, onLine) { #expect(abs(x - y) < 1e-6) }
        }
    }
}
