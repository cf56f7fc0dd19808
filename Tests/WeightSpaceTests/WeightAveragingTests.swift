import Datasets
import Networks
import Tensor
import Testing
import TestSupport
import Training
@testable import WeightSpace

/// SWA's running average, BN recalibration of the average, and the random rays of the width probe.
@Suite struct WeightAveragingTests {
    @Test func afterKCollectionsTheAverageIsTheMeanOfTheKVectors() {
        var rng = RandomGenerator(seed: 3)
        let vectors = (0..<7).map { _ in (0..<1_000).map { _ in 3 * rng.normal() + 1 } }
        var average = WeightAverage(dimension: 1_000)
        for (k, v) in vectors.enumerated() {
            average.collect(v)
            #expect(average.count == k + 1)
            // The mean of the first k + 1 vectors, summed in Double.
            let mean = (0..<1_000).map { i in Float(vectors[0...k].reduce(0.0) { $0 + Double($1[i]) } / Double(k + 1)) }
            expectClose(average.average, mean, rtol: 1e-5, atol: 1e-5, "after \(k + 1) collections")
        }
    }

    @Test func theAveragedNetworksBNStatisticsDoNotDependOnTheOldBuffers() {
        let network = Network.make(.tinyten)
        let data = SyntheticData.gaussianBlobs(count: 120, classes: 10, dimensions: 784, separation: 0.5, shape: [1, 28, 28], seed: 3)
        var average = WeightAverage(dimension: network.layout.parameterCount)
        for seed in 1...3 { average.collect(network.initialParameters(seed: UInt64(seed)).parameters) }
        let evaluator = Evaluator(network: network, batchSize: 40)
        let stale = network.initialParameters(seed: 1).state
        let other = [Float](repeating: 42, count: stale.count)
        let a = evaluator.recalibrateBatchNorm(parameters: average.average, state: stale, on: data)
        let b = evaluator.recalibrateBatchNorm(parameters: average.average, state: other, on: data)
        #expect(a == b)
        #expect(a != stale)
    }

    @Test func raysAreUnitDirectionsAndDistanceZeroIsTheSolution() {
        let network = Network.make(.tinyten)
        let (w, state) = network.initialParameters(seed: 5)
        let rays = RandomRays(count: 3, dimension: w.count, seed: 11)
        for d in rays.directions { expectClose(Double(BLAS.norm2(d)), 1, rtol: 1e-5) }
        #expect(rays.directions[0] != rays.directions[1])
        #expect(rays.point(from: w, ray: 2, distance: 0) == w)
        // Logits at distance 0 are the solution's (same BN state).
        let data = SyntheticData.gaussianBlobs(count: 50, classes: 10, dimensions: 784, separation: 0.5, shape: [1, 28, 28], seed: 4)
        let evaluator = Evaluator(network: network, batchSize: 50)
        let here = evaluator.evaluate(parameters: rays.point(from: w, ray: 1, distance: 0), state: state, on: data, keepProbabilities: true)
        let there = evaluator.evaluate(parameters: w, state: state, on: data, keepProbabilities: true)
        #expect(here.probabilities == there.probabilities)
        // Distance s moves exactly s along the ray.
        var step = rays.point(from: w, ray: 1, distance: 2.5)
        BLAS.axpy(alpha: -1, w, &step)
        expectClose(Double(BLAS.norm2(step)), 2.5, rtol: 1e-4)
    }

    @Test func widthIsTheInterpolatedFirstCrossing() throws {
        // 0.10 + 0.05 = 0.15 is crossed between distance 2 (0.12) and 3 (0.18): 2 + 0.03/0.06 = 2.5.
        let width = try #require(RandomRays.width(distances: [0, 1, 2, 3, 4], values: [0.10, 0.11, 0.12, 0.18, 0.5], rise: 0.05))
        expectClose(width, 2.5, rtol: 1e-12)
        #expect(RandomRays.width(distances: [0, 1, 2], values: [0.1, 0.11, 0.12], rise: 0.05) == nil)
    }
}
