import Datasets
import Foundation
import TestSupport
import Networks
import Tensor
import Testing
import Training
@testable import Experiments

/// PAM's φ step: a curve recipe with a proximal pull keeps its bends nearer their linear
/// initialisation, and recipes without one keep their cache keys.
@Suite struct ProximalCurveTests {
    static let data: TrainingData = {
        let all = SyntheticData.gaussianBlobs(count: 320, classes: 10, dimensions: 784, separation: 0.3, shape: [1, 28, 28], seed: 21)
        return TrainingData(name: "blobs", train: all.prefix(256), test: all.subset(Array(256..<320)))
    }()

    func endpoint(_ seed: UInt64) -> TrainingRecipe {
        var r = TrainingRecipe(model: .mlp, data: "blobs", trainImages: 256, seed: seed, epochs: 1)
        r.batchSize = 64
        return r
    }

    @Test func aRecipeWithoutPullOrAlignmentLeavesThemOutOfItsKey() throws {
        var r = CurveRecipe(kind: .bezier, start: endpoint(1), end: endpoint(2), epochs: 2)
        let json = String(decoding: try JSONEncoder().encode(r), as: UTF8.self)
        #expect(!json.contains("proximalPull") && !json.contains("alignment"))
        let plain = r.cacheKey
        r.proximalPull = 1000
        #expect(r.cacheKey != plain)
    }

    @Test func thePullKeepsTheMiddleBendNearerItsLinearStart() throws {
        let scratch = TemporaryFolder("proximal-curve"), cache = ArtifactCache(root: scratch.path)
        defer { withExtendedLifetime(scratch) {} }
        let a = try cache.trainedNetwork(endpoint(1), data: Self.data), b = try cache.trainedNetwork(endpoint(2), data: Self.data)
        var free = CurveRecipe(kind: .bezier, start: a.recipe, end: b.recipe, epochs: 2)
        free.learningRate = 0.1
        var pulled = free
        pulled.proximalPull = 0.1   // lr/ν = 1: every step halves the distance to the start
        let start = free.curve.linearBends(start: a.parameters, end: b.parameters)
        func distance(_ c: TrainedCurve) -> Float {
            var d = c.bend(1)
            let p = a.parameters.count
            BLAS.axpy(alpha: -1, Array(start[p..<(2 * p)]), &d)
            return BLAS.norm2(d)
        }
        let moved = distance(try cache.trainedCurve(free, start: a, end: b, data: Self.data))
        let held = distance(try cache.trainedCurve(pulled, start: a, end: b, data: Self.data))
        #expect(moved > 0 && held < 0.6 * moved, "pulled \(held) vs free \(moved)")
    }
}
