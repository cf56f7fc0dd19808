import Datasets
import Networks
import Tensor
import Testing
import TestSupport
import Training
@testable import WeightSpace

/// GAR's plane through three points and LL's filter-normalised plane, on real network layouts.
@Suite struct PlaneTests {
    static func randomVector(_ n: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        return (0..<n).map { _ in scale * rng.normal() }
    }

    let n = 5_000
    var w0: [Float] { Self.randomVector(n, seed: 1) }
    var w1: [Float] { Self.randomVector(n, seed: 2) }
    var w2: [Float] { Self.randomVector(n, seed: 3) }

    @Test func theBasisIsOrthonormal() {
        let plane = Plane.through(w0, w1, w2)
        expectClose(Plane.dot(plane.u, plane.u), 1, rtol: 1e-6)
        expectClose(Plane.dot(plane.v, plane.v), 1, rtol: 1e-6)
        #expect(abs(Plane.dot(plane.u, plane.v)) < 1e-6)
    }

    @Test func thePointsLandWhereGARPutsThem() {
        let plane = Plane.through(w0, w1, w2)
        let origin = plane.coordinates(of: w0), end = plane.coordinates(of: w2), bend = plane.coordinates(of: w1)
        #expect(origin.x == 0 && origin.y == 0)
        expectClose(end.x, plane.dx, rtol: 1e-6)
        #expect(abs(end.y) < 1e-4)
        // dx = ‖w2 − w0‖; the bend sits above the x axis at height dy.
        expectClose(plane.dx, Plane.norm(Plane.difference(w2, w0)), rtol: 1e-9)
        #expect(bend.y > 0)
        expectClose(bend.y, plane.dy, rtol: 1e-6)
        // All three lie in the plane; a point off it is as far as its orthogonal part.
        for w in [w0, w1, w2] { #expect(plane.distance(of: w) < 1e-4) }
        var normal = Self.randomVector(n, seed: 9)
        let (nu, nv) = (Plane.dot(normal, plane.u), Plane.dot(normal, plane.v))
        for i in normal.indices { normal[i] -= Float(nu) * plane.u[i] + Float(nv) * plane.v[i] }
        let length = Plane.norm(normal)
        var off = w0
        for i in off.indices { off[i] += 0.5 * plane.u[i] + Float(3 / length) * normal[i] }
        expectClose(plane.distance(of: off), 3, rtol: 1e-4)
        expectClose(plane.coordinates(of: off).x, 0.5, rtol: 1e-4)
    }

    @Test func gridPointsMapBackToTheirCoordinates() {
        let plane = Plane.through(w0, w1, w2)
        let p = plane.gridPoint(alpha: 0.3, beta: -0.1)
        let (x, y) = plane.coordinates(of: p)
        expectClose(x, 0.3 * plane.dx, rtol: 1e-5)
        expectClose(y, -0.1 * plane.dy, rtol: 1e-4)
        // (α, β) = (1, 0) is w2 and (0, 0) is w0 itself.
        expectClose(plane.gridPoint(alpha: 1, beta: 0), w2, rtol: 1e-4, atol: 1e-5)
        #expect(plane.gridPoint(alpha: 0, beta: 0) == w0)
    }

    @Test func aQuadraticBezierLiesInThePlaneOfItsBends() {
        // Nearly collinear bends, where one Gram–Schmidt pass loses orthogonality in float.
        var bend = Curve(.bezier, bends: 2).point(at: 0.5, bendVector: w0 + w2, parameterCount: n)
        for i in bend.indices { bend[i] += 1e-4 * w1[i] }
        let plane = Plane.through(w0, bend, w2)
        for t in stride(from: 0.0, through: 1.0, by: 0.125) {
            let theta = Curve(.bezier, bends: 3).point(at: t, bendVector: w0 + bend + w2, parameterCount: n)
            #expect(plane.distance(of: theta) < 1e-5 * plane.dx, "t = \(t)")
        }
    }

    @Test(arguments: [ModelName.mlp, .tinyten, .preresnet20])
    func aFilterNormalisedDirectionHasTheWeightsFilterNorms(model: ModelName) {
        let network = Network.make(model)
        let theta = network.initialParameters(seed: 4).parameters
        var rng = RandomGenerator(seed: 5)
        let d = FilterNormalization.direction(for: theta, layout: network.layout, rng: &rng)
        for entry in network.layout.parameters {
            if entry.role != .weight {
                #expect(d[entry.range].allSatisfy { $0 == 0 }, "\(entry.name) should have direction 0")
                continue
            }
            let filters = entry.shape[0], size = entry.count / filters
            for f in 0..<filters {
                let range = (entry.offset + f * size)..<(entry.offset + (f + 1) * size)
                let dn = Plane.norm(Array(d[range])), wn = Plane.norm(Array(theta[range]))
                expectClose(dn, wn, rtol: 1e-5, "\(entry.name) filter \(f)")
            }
        }
    }

    @Test func theRandomPlaneIsCentredOnTheNetworkAndDrawnFromItsSeed() {
        let network = Network.make(.tinyten)
        let theta = network.initialParameters(seed: 4).parameters
        let a = FilterNormalizedPlane(center: theta, layout: network.layout, seed: 7)
        let b = FilterNormalizedPlane(center: theta, layout: network.layout, seed: 7)
        #expect(a.point(x: 0, y: 0) == theta)
        #expect(a.delta == b.delta && a.eta == b.eta && a.delta != a.eta)
    }

    @Test func theGridValuesAreGARs() {
        let spec = PlaneGridSpec(points: 21)
        // linspace(−0.2, 1.2, 21): step 0.07, so α = 0.5 is index 10.
        expectClose(spec.values[10], 0.5, atol: 1e-12)
        #expect(spec.values.first == -0.2 && spec.values.last == 1.2)
    }
}
