import Datasets
import Networks
import Tensor
import Testing
import TestSupport
import Training
@testable import WeightSpace

/// Keskar sharpness: projected ascent stays in its box and finds known maxima.
@Suite struct SharpnessTests {
    let w0: [Float] = [0.5, -2, 0, 3, -0.25]

    @Test func theBoxIsEpsilonTimesOnePlusTheMagnitude() {
        let (lower, upper) = KeskarSharpness.box(around: w0, epsilon: 0.1)
        // w = 3: radius 0.1·(3 + 1) = 0.4; w = 0: radius 0.1.
        expectClose(upper[3], 3.4, rtol: 1e-6)
        expectClose(lower[3], 2.6, rtol: 1e-6)
        expectClose(upper[2], 0.1, rtol: 1e-6)
        expectClose(lower[1], -2.3, rtol: 1e-6)
    }

    @Test func aLinearObjectiveIsMaximisedAtTheBoxCornerItPointsTo() {
        // f(w) = c·w: the maximum over the box is at w0 + ε(|w0| + 1)·sign(c).
        let c: [Float] = [1, -2, 0.5, -0.1, 3]
        func f(_ w: [Float]) -> Double { zip(c, w).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
        let (lower, upper) = KeskarSharpness.box(around: w0, epsilon: 0.01)
        var inside = true
        let r = KeskarSharpness.ascend(from: w0, epsilon: 0.01, steps: 50, rate: 0.01, evaluateEvery: 10, gradient: { _, _ in c },
                                       measure: f, observe: { w in inside = inside && w.indices.allSatisfy { lower[$0] <= w[$0] && w[$0] <= upper[$0] } })
        #expect(inside)
        let corner = w0.indices.map { c[$0] > 0 ? upper[$0] : lower[$0] }
        expectClose(r.l1, f(corner), rtol: 1e-6)
        expectClose(r.l0, f(w0), rtol: 1e-9)
    }

    @Test func aQuadraticWithItsMaximumInsideTheBoxConvergesToIt() {
        // f(w) = −‖w − m‖² with m inside the box: ascent at rate 0.25 halves the distance each step.
        let (lower, upper) = KeskarSharpness.box(around: w0, epsilon: 0.1)
        let m = w0.indices.map { lower[$0] + 0.3 * (upper[$0] - lower[$0]) }
        func f(_ w: [Float]) -> Double { -zip(w, m).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } }
        var inside = true
        let r = KeskarSharpness.ascend(from: w0, epsilon: 0.1, steps: 40, rate: 0.25, evaluateEvery: 5,
                                       gradient: { w, _ in w.indices.map { -2 * (w[$0] - m[$0]) } }, measure: f,
                                       observe: { w in inside = inside && w.indices.allSatisfy { lower[$0] <= w[$0] && w[$0] <= upper[$0] } })
        #expect(inside)
        #expect(abs(r.l1) < 1e-9 && r.l1 > r.l0)
    }

    @Test func anUnchangedNetworkHasSharpnessZero() {
        // No gradient: the ascent never leaves w0, so L1 = L0 and the sharpness is exactly 0.
        let r = KeskarSharpness.ascend(from: w0, epsilon: 1e-4, steps: 20, rate: 1, evaluateEvery: 5,
                                       gradient: { w, _ in [Float](repeating: 0, count: w.count) }, measure: { _ in 0.7 })
        #expect(SharpnessResult(l0: r.l0, l1: r.l1, step: r.step).sharpness == 0 && r.step == 0)
        // A real network in a box too small to move any float: sharpness 0 as well.
        let network = Network.make(.mlp)
        let (w, s) = network.initialParameters(seed: 3)
        let data = SyntheticData.gaussianBlobs(count: 64, classes: 10, dimensions: 784, separation: 0.5, shape: [1, 28, 28], seed: 5)
        let tiny = KeskarSharpness.measure(network: network, parameters: w, state: s, ascent: data, evaluation: data,
                                           options: SharpnessOptions(epsilon: 1e-12, steps: 3, batchSize: 32, evaluateEvery: 1), seed: 1)
        #expect(abs(tiny.sharpness) < 1e-6)
    }

    @Test func aTrainedNetworksLossRisesInsideItsBox() {
        let network = Network.make(.mlp)
        let (w, s) = network.initialParameters(seed: 3)
        let data = SyntheticData.gaussianBlobs(count: 64, classes: 10, dimensions: 784, separation: 0.5, shape: [1, 28, 28], seed: 5)
        let r = KeskarSharpness.measure(network: network, parameters: w, state: s, ascent: data, evaluation: data,
                                        options: SharpnessOptions(epsilon: 1e-2, steps: 10, ascentRate: 0.1, batchSize: 32, evaluateEvery: 5), seed: 1)
        #expect(r.l1 > r.l0 && r.sharpness > 0 && r.step > 0)
    }
}
