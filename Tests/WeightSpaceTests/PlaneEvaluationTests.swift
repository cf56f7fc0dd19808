import Datasets
import Networks
import Tensor
import Testing
import TestSupport
import Training
@testable import WeightSpace

/// A plane's grid point at (0, 0), with BN recomputed, is the network itself.
@Suite struct PlaneEvaluationTests {
    @Test func theGridPointAtTheOriginReproducesTheNetworksLogits() throws {
        let network = Network.make(.tinyten)
        let data = SyntheticData.gaussianBlobs(count: 200, classes: 10, dimensions: 784, separation: 0.5, shape: [1, 28, 28], seed: 3)
        let (a, state) = network.initialParameters(seed: 1)
        let b = network.initialParameters(seed: 2).parameters, c = network.initialParameters(seed: 3).parameters
        let evaluator = Evaluator(network: network, batchSize: 50)
        // The network's own BN statistics, recomputed on the same subset the plane uses.
        let ownState = evaluator.recalibrateBatchNorm(parameters: a, state: state, on: data)
        let plane = Plane.through(a, c, b)
        let origin = plane.gridPoint(alpha: 0, beta: 0)
        // Stale buffers (all 7s) must not matter: the point's BN statistics are recomputed.
        let stale = [Float](repeating: 7, count: state.count)
        let restored = evaluator.recalibrateBatchNorm(parameters: origin, state: stale, on: data)
        let want = evaluator.evaluate(parameters: a, state: ownState, on: data, keepProbabilities: true)
        let got = evaluator.evaluate(parameters: origin, state: restored, on: data, keepProbabilities: true)
        let maxDelta = zip(got.probabilities!, want.probabilities!).map { abs($0 - $1) }.max()!
        #expect(maxDelta < 1e-5)
        let metrics = evaluator.metrics(at: origin, state: stale, data: EvaluationData(batchNorm: data, train: data, test: data), weightDecay: 5e-4)
        expectClose(metrics.trainNLL, want.loss, rtol: 1e-6)
        let norm = Plane.norm(a)
        expectClose(metrics.trainLoss, want.loss + 0.5 * 5e-4 * norm * norm, rtol: 1e-6)
    }

    @Test func aGridKeepsItsRowMajorLayout() {
        let xs = [0.0, 1, 2], ys = [10.0, 20]
        let cells = PlaneGrid.coordinates(xs: xs, ys: ys)
        #expect(cells.count == 6 && cells[1].x == 1 && cells[1].y == 10 && cells[3].x == 0 && cells[3].y == 20)
        let points = cells.map { PointMetrics(trainLoss: $0.x + $0.y, trainNLL: 0, trainError: 0, testLoss: 0, testNLL: 0, testError: 0) }
        let field = PlaneGrid(xs: xs, ys: ys, points: points).field(\.trainLoss)
        #expect(field == [[10, 11, 12], [20, 21, 22]])
    }
}
