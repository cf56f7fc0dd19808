import Datasets
import Foundation
import Networks
import Tensor
import Training

/// One operation's share of a training step (forward in train mode, loss, backward), measured by
/// the engine's own per-operation timer (`LayerTimes`): `bench --layers`.
struct LayerSpeed: Codable, Sendable {
    var kind: String
    var detail: String
    /// Wall milliseconds per step (batch).
    var forwardMilliseconds: Double
    var backwardMilliseconds: Double
    /// Achieved GFLOP/s (2 FLOPs per multiply-add); nil for operations without multiply-adds.
    var forwardGFLOPs: Double?
    var backwardGFLOPs: Double?
}

extension EngineBenchmark {
    /// Times every operation of `model`'s training step for `minimumSeconds`.
    func layerProfile(_ model: ModelName) -> (layers: [LayerSpeed], stepMilliseconds: Double) {
        let network = Network.make(model)
        var (parameters, state) = network.initialParameters(seed: 7)
        let data = SyntheticData.gaussianBlobs(count: batchSize, classes: network.classes, dimensions: network.inputShape.reduce(1, *),
                                              shape: network.inputShape, seed: 3)
        let objective = NetworkObjective(network: network, state: state, batchCapacity: batchSize)
        var gradient = parameters, rng = RandomGenerator(seed: 7)
        let step = { _ = EngineBenchmark.step(objective, &parameters, &gradient, data.images, data.labels, &rng) }
        step()  // warm-up, untimed
        let times = LayerTimes(operations: network.graph.layerSummaries().count)
        objective.layerTimes = times
        var steps = 0
        let start = Date()
        repeat { step(); steps += 1 } while Date().timeIntervalSince(start) < minimumSeconds
        let stepMilliseconds = Date().timeIntervalSince(start) * 1000 / Double(steps)
        let layers = network.graph.layerSummaries().enumerated().map { i, s -> LayerSpeed in
            let forward = times.forward[i] / Double(steps), backward = times.backward[i] / Double(steps)
            func gflops(_ macs: Int, _ seconds: Double) -> Double? {
                macs == 0 || seconds == 0 ? nil : 2 * Double(macs * batchSize) / seconds / 1e9
            }
            return LayerSpeed(kind: s.kind, detail: s.detail, forwardMilliseconds: forward * 1000, backwardMilliseconds: backward * 1000,
                              forwardGFLOPs: gflops(s.multiplyAddsPerSample, forward),
                              backwardGFLOPs: gflops(s.backwardMultiplyAddsPerSample, backward))
        }
        return (layers, stepMilliseconds)
    }
}

/// The layer profile of one network, as printed by `bench --layers`.
struct NetworkLayerProfile: Codable, Sendable {
    var model: String
    var stepMilliseconds: Double
    var layers: [LayerSpeed]

    /// Per-operation rows for the operations with multiply-adds, then the step's time by kind.
    func table(sgemmGFLOPs ceiling: Double) -> String {
        var lines = [String(format: "%@: %.1f ms per training step; wall GFLOP/s per operation and their share of the sgemm ceiling (%.0f GFLOP/s)",
                            model, stepMilliseconds, ceiling), "",
                     "| operation | forward ms | forward GFLOP/s | of sgemm | backward ms | backward GFLOP/s | of sgemm |",
                     "|---|---:|---:|---:|---:|---:|---:|"]
        func cell(_ g: Double?) -> String { g.map { String(format: "%.1f | %.0f%%", $0, 100 * $0 / ceiling) } ?? "— | —" }
        for l in layers where l.forwardGFLOPs != nil {
            lines.append(String(format: "| %@ %@ | %.2f | %@ | %.2f | %@ |", l.kind, l.detail, l.forwardMilliseconds, cell(l.forwardGFLOPs),
                                l.backwardMilliseconds, cell(l.backwardGFLOPs)))
        }
        var byKind: [String: Double] = [:]
        for l in layers { byKind[l.kind, default: 0] += l.forwardMilliseconds + l.backwardMilliseconds }
        let timed = byKind.values.reduce(0, +)
        let shares = byKind.sorted { $0.value > $1.value }.map { String(format: "%@ %.0f%%", $0.key, 100 * $0.value / stepMilliseconds) }
        lines += ["", "share of the step: " + shares.joined(separator: ", ")
                  + String(format: ", outside the operations (loss, input copy) %.0f%%", 100 * (1 - timed / stepMilliseconds))]
        return lines.joined(separator: "\n")
    }
}
