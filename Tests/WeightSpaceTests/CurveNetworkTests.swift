import Networks
import Tensor
import TestSupport
import Testing
import Training
@testable import WeightSpace

/// Curves on a real network: the endpoints are reproduced and the bend gradient is right.
@Suite struct CurveNetworkTests {
    let network = Network.make(.tinyten)
    let batch = 6

    func randomNetwork(seed: UInt64) -> (parameters: [Float], state: [Float]) {
        var p = [Float](repeating: 0, count: network.layout.parameterCount)
        var s = [Float](repeating: 0, count: network.layout.stateCount)
        var rng = RandomGenerator(seed: seed)
        network.initialize(parameters: &p, state: &s, rng: &rng)
        return (p, s)
    }

    func inputs(seed: UInt64) -> ([Float], [Int32]) {
        var rng = RandomGenerator(seed: seed)
        let x = (0..<(batch * 784)).map { _ in rng.normal() }
        let y = (0..<batch).map { _ in Int32(rng.uniformInt(below: 10)) }
        return (x, y)
    }

    func logits(_ p: [Float], _ s: [Float], _ x: [Float]) -> [Float] {
        let ws = network.makeWorkspace(batchCapacity: batch)
        var s = s
        return p.withUnsafeBufferPointer { w in
            s.withUnsafeMutableBufferPointer { st in
                x.withUnsafeBufferPointer { xp in
                    let out = network.forward(parameters: w.baseAddress!, state: st.baseAddress!, input: xp.baseAddress!, batch: batch,
                                              mode: .eval, workspace: ws)
                    return Array(UnsafeBufferPointer(start: out, count: batch * network.classes))
                }
            }
        }
    }

    @Test(arguments: CurveKind.allCases)
    func theCurveAtZeroAndOneReproducesTheEndpoints(kind: CurveKind) {
        let a = randomNetwork(seed: 1), b = randomNetwork(seed: 2)
        let curve = Curve(kind, bends: 3)
        var bends = curve.linearBends(start: a.parameters, end: b.parameters)
        var rng = RandomGenerator(seed: 9)
        let p = network.layout.parameterCount
        for k in p..<(2 * p) { bends[k] += 0.1 * rng.normal() }   // move the middle bend off the segment
        let (x, _) = inputs(seed: 4)
        for (t, endpoint) in [(0.0, a), (1.0, b)] {
            let theta = curve.point(at: t, bendVector: bends, parameterCount: p)
            let got = logits(theta, endpoint.state, x), want = logits(endpoint.parameters, endpoint.state, x)
            #expect(zip(got, want).allSatisfy { abs($0 - $1) < 1e-4 })
        }
    }

    @Test func theBendGradientMatchesFiniteDifferences() {
        let a = randomNetwork(seed: 1), b = randomNetwork(seed: 2)
        let curve = Curve(.bezier, bends: 3)
        let p = network.layout.parameterCount
        var bends = curve.linearBends(start: a.parameters, end: b.parameters)
        var rng = RandomGenerator(seed: 5)
        for k in p..<(2 * p) { bends[k] += 0.05 * rng.normal() }
        let wd: Float = 0.01, t = 0.3
        let objective = CurveObjective(curve: curve, network: network, state: a.state, weightDecay: wd, batchCapacity: batch)
        let (x, y) = inputs(seed: 6)
        func loss(_ w: [Float]) -> (Double, [Float]) {
            var g = [Float](repeating: 0, count: 3 * p)
            let l = w.withUnsafeBufferPointer { wp in
                g.withUnsafeMutableBufferPointer { gp in
                    x.withUnsafeBufferPointer { xp in
                        y.withUnsafeBufferPointer { yp in
                            objective.lossAndGradient(at: t, parameters: wp.baseAddress!, gradient: gp.baseAddress!,
                                                      images: xp.baseAddress!, labels: yp.baseAddress!, batch: batch).loss
                        }
                    }
                }
            }
            let theta = curve.point(at: t, bendVector: w, parameterCount: p)
            let n = Double(BLAS.norm2(theta))
            return (Double(l) + 0.5 * Double(wd) * n * n, g)
        }
        let (_, gradient) = loss(bends)
        // The fixed endpoints get no gradient.
        #expect(gradient[0..<p].allSatisfy { $0 == 0 } && gradient[(2 * p)...].allSatisfy { $0 == 0 })
        // Directional derivative along a unit direction in the middle bend.
        let (numeric, analytic) = GradientChecker.directionalDerivative(at: bends, gradient: gradient, range: p..<(2 * p), rng: &rng) { loss($0).0 }
        #expect(abs(numeric - analytic) <= 0.02 * max(abs(analytic), 1e-3), "numeric \(numeric) vs analytic \(analytic)")
    }
}
