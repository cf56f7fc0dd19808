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
    /// A profile's network, its initial parameters and state, and one synthetic batch.
    func profileSubject(_ model: ModelName) -> (Network, [Float], [Float], Dataset) {
        let network = Network.make(model, inputShape: model.benchInputShape), (parameters, state) = network.initialParameters(seed: 7)
        let data = SyntheticData.gaussianBlobs(count: batchSize, classes: network.classes, dimensions: network.inputShape.reduce(1, *),
                                              shape: network.inputShape, seed: 3)
        return (network, parameters, state, data)
    }

    /// Times every operation of `model`'s training step for `minimumSeconds`.
    func layerProfile(_ model: ModelName) -> (layers: [LayerSpeed], stepMilliseconds: Double) {
        let (network, initial, state, data) = profileSubject(model)
        var parameters = initial
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

/// The layer profile of one network, as printed by `bench --layers`: of a training step, or of
/// an evaluation batch on the inference path (forward only).
struct NetworkLayerProfile: Codable, Sendable {
    var model: String
    var stepMilliseconds: Double
    var layers: [LayerSpeed]
    /// An evaluation batch's profile (nil or false: a training step's).
    var evaluation: Bool?

    init(model: String, stepMilliseconds: Double, layers: [LayerSpeed], evaluation: Bool = false) {
        self.model = model
        self.stepMilliseconds = stepMilliseconds
        self.layers = layers
        self.evaluation = evaluation
    }

    /// Per-operation rows for the operations with multiply-adds, then the step's time by kind.
    func table(sgemmGFLOPs ceiling: Double) -> String {
        if evaluation == true { return evaluationTable(sgemmGFLOPs: ceiling) }
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

extension EngineBenchmark {
    /// Times every operation of `model`'s inference pass (the evaluator's, `InferencePlan`) on one
    /// batch for `minimumSeconds`; GFLOP/s count the direct convolution's multiply-adds, so a
    /// Winograd layer's rate can exceed the sgemm ceiling.
    func evaluationProfile(_ model: ModelName) -> (layers: [LayerSpeed], batchMilliseconds: Double) {
        let (network, parameters, initialState, data) = profileSubject(model)
        var state = initialState
        let plan = network.makeInferencePlan(batchCapacity: batchSize)
        let pass = {
            parameters.withUnsafeBufferPointer { w in state.withUnsafeMutableBufferPointer { s in data.images.withUnsafeBufferPointer { x in
                _ = network.infer(parameters: w.baseAddress!, state: s.baseAddress!, input: x.baseAddress!, batch: batchSize, plan: plan)
            } } }
        }
        pass()
        let summaries = plan.layerSummaries()
        let times = LayerTimes(operations: summaries.count)
        plan.layerTimes = times
        var passes = 0
        let start = Date()
        repeat { pass(); passes += 1 } while Date().timeIntervalSince(start) < minimumSeconds
        let ms = Date().timeIntervalSince(start) * 1000 / Double(passes)
        let layers = summaries.enumerated().map { i, s -> LayerSpeed in
            let forward = times.forward[i] / Double(passes)
            return LayerSpeed(kind: s.kind, detail: s.detail, forwardMilliseconds: forward * 1000, backwardMilliseconds: 0,
                              forwardGFLOPs: s.multiplyAddsPerSample == 0 ? nil : 2 * Double(s.multiplyAddsPerSample * batchSize) / forward / 1e9,
                              backwardGFLOPs: nil)
        }
        return (layers, ms)
    }
}

extension NetworkLayerProfile {
    /// Per-operation rows of an evaluation batch (forward only), then its time by kind.
    func evaluationTable(sgemmGFLOPs ceiling: Double) -> String {
        var lines = [String(format: "%@: %.1f ms per evaluation batch on the inference path; wall GFLOP/s per operation (direct multiply-adds) "
                            + "and their share of the sgemm ceiling (%.0f GFLOP/s)", model, stepMilliseconds, ceiling), "",
                     "| operation | ms | GFLOP/s | of sgemm |", "|---|---:|---:|---:|"]
        for l in layers where l.forwardGFLOPs != nil {
            let g = l.forwardGFLOPs!
            lines.append(String(format: "| %@ %@ | %.2f | %.1f | %.0f%% |", l.kind, l.detail, l.forwardMilliseconds, g, 100 * g / ceiling))
        }
        var byKind: [String: Double] = [:]
        for l in layers where l.detail != "folded into the convolution" { byKind[l.kind, default: 0] += l.forwardMilliseconds }
        let timed = byKind.values.reduce(0, +)
        let shares = byKind.sorted { $0.value > $1.value }.map { String(format: "%@ %.0f%%", $0.key, 100 * $0.value / stepMilliseconds) }
        lines += ["", "share of the batch: " + shares.joined(separator: ", ")
                  + String(format: ", outside the operations (input copy) %.0f%%", 100 * (1 - timed / stepMilliseconds))]
        return lines.joined(separator: "\n")
    }
}
