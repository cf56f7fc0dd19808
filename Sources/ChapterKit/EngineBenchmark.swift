import AtomicFile
import Datasets
import Foundation
import Networks
import Tensor
import Training
import WeightSpace

/// One network's measured speed.
public struct NetworkSpeed: Codable, Sendable {
    public var model: String
    public var parameters: Int
    public var forwardMFLOPsPerSample: Double
    /// Forward + backward + SGD step, samples per second.
    public var trainSamplesPerSecond: Double
    public var evalSamplesPerSecond: Double
    /// Training GFLOP/s counting backward as twice the forward.
    public var trainGFLOPs: Double
    /// `trainGFLOPs` over the sgemm ceiling measured in the same run.
    public var fractionOfSgemm: Double
    /// Seconds to recompute BN statistics on 10 000 images.
    public var batchNormSecondsPer10k: Double
    /// Time of a curve-training step (3 bends) over a plain training step.
    public var curveStepOverTrainStep: Double
}

/// The result of one `bench` run.
public struct BenchmarkReport: Codable, Sendable {
    public var blas: String
    public var sgemmSize: Int
    public var sgemmGFLOPs: Double
    public var batchSize: Int
    public var networks: [NetworkSpeed]

    public func table() -> String {
        var lines = ["\(blas)", String(format: "sgemm %d×%d: %.1f GFLOP/s (the ceiling below)", sgemmSize, sgemmSize, sgemmGFLOPs), "",
                     "| network | params | MFLOP/sample (fwd) | train samples/s | eval samples/s | train GFLOP/s | of sgemm | BN recal s/10k | curve step / train step |",
                     "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for n in networks {
            lines.append(String(format: "| %@ | %d | %.2f | %.0f | %.0f | %.1f | %.1f%% | %.2f | %.2f |", n.model, n.parameters,
                                n.forwardMFLOPsPerSample, n.trainSamplesPerSecond, n.evalSamplesPerSecond, n.trainGFLOPs,
                                100 * n.fractionOfSgemm, n.batchNormSecondsPer10k, n.curveStepOverTrainStep))
        }
        return lines.joined(separator: "\n")
    }

    public func write(json path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try encoder.encode(self), to: path)
    }

    /// This run over an earlier one, as ratios (> 1 is faster now), with both runs' sgemm ceilings
    /// so a noisy machine shows.
    public func comparison(with path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw AtomicFile.WriteError(path: path, reason: "cannot read") }
        let old = try JSONDecoder().decode(BenchmarkReport.self, from: data)
        var lines = [String(format: "sgemm now/before: %.2f", sgemmGFLOPs / old.sgemmGFLOPs),
                     "| network | train now/before | eval now/before | of-sgemm now/before |", "|---|---:|---:|---:|"]
        for n in networks {
            guard let o = old.networks.first(where: { $0.model == n.model }) else { continue }
            lines.append(String(format: "| %@ | %.2f | %.2f | %.2f |", n.model, n.trainSamplesPerSecond / o.trainSamplesPerSecond,
                                n.evalSamplesPerSecond / o.evalSamplesPerSecond, n.fractionOfSgemm / o.fractionOfSgemm))
        }
        return lines.joined(separator: "\n")
    }
}

/// Measures the engine: the sgemm ceiling, then each network's training and evaluation
/// throughput, BN recalibration and a curve step, on synthetic 1×28×28 batches.
public struct EngineBenchmark {
    public let batchSize: Int
    public let minimumSeconds: Double

    public init(batchSize: Int = 128, minimumSeconds: Double = 3) {
        self.batchSize = batchSize
        self.minimumSeconds = minimumSeconds
    }

    /// Repeats `body` until `minimumSeconds` have passed; returns calls per second.
    func rate(_ body: () -> Void) -> Double {
        body()  // warm-up
        var calls = 0
        let start = Date()
        repeat { body(); calls += 1 } while Date().timeIntervalSince(start) < minimumSeconds
        return Double(calls) / Date().timeIntervalSince(start)
    }

    public func sgemm(size n: Int = 2048) -> Double {
        var rng = RandomGenerator(seed: 1)
        let a = (0..<(n * n)).map { _ in rng.uniformFloat() }, b = a
        var c = [Float](repeating: 0, count: n * n)
        let perSecond = rate {
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        BLAS.gemm(m: n, n: n, k: n, a: ap.baseAddress!, lda: n, b: bp.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: n)
                    }
                }
            }
        }
        return perSecond * 2 * Double(n * n * n) / 1e9
    }

    public func run(models: [ModelName]) -> BenchmarkReport {
        let ceiling = sgemm()
        let speeds = models.map { measure($0, ceiling: ceiling) }
        return BenchmarkReport(blas: BLASRuntime.summary, sgemmSize: 2048, sgemmGFLOPs: ceiling, batchSize: batchSize, networks: speeds)
    }

    func measure(_ model: ModelName, ceiling: Double) -> NetworkSpeed {
        let network = Network.make(model)
        var parameters = [Float](repeating: 0, count: network.layout.parameterCount)
        var state = [Float](repeating: 0, count: network.layout.stateCount)
        var rng = RandomGenerator(seed: 7)
        network.initialize(parameters: &parameters, state: &state, rng: &rng)
        let data = SyntheticData.gaussianBlobs(count: 10_000, classes: network.classes, dimensions: network.inputShape.reduce(1, *),
                                              shape: network.inputShape, seed: 3)
        let x = Array(data.images.prefix(batchSize * data.sampleSize)), y = Array(data.labels.prefix(batchSize))

        let objective = NetworkObjective(network: network, state: state, batchCapacity: batchSize)
        var optimizer = SGD(momentum: 0.9, weightDecay: 5e-4)
        var gradient = parameters
        let trainSteps = rate {
            _ = step(objective, &parameters, &gradient, x, y, &rng)
            optimizer.step(parameters: &parameters, gradient: &gradient, learningRate: 0.01)
        }
        let evaluator = Evaluator(network: network, batchSize: batchSize)
        let evalData = data.prefix(batchSize * 8)
        let evalPasses = rate { _ = evaluator.evaluate(parameters: parameters, state: state, on: evalData) }
        let start = Date()
        _ = evaluator.recalibrateBatchNorm(parameters: parameters, state: state, on: data)
        let bnSeconds = Date().timeIntervalSince(start)

        let curve = Curve(.bezier, bends: 3)
        let curveObjective = CurveObjective(curve: curve, network: network, state: state, weightDecay: 5e-4, batchCapacity: batchSize)
        var bends = curve.linearBends(start: parameters, end: parameters)
        var bendGradient = bends
        let curveSteps = rate { _ = step(curveObjective, &bends, &bendGradient, x, y, &rng) }

        let flops = Double(network.forwardFLOPsPerSample)
        let trainRate = trainSteps * Double(batchSize)
        let gflops = 3 * flops * trainRate / 1e9
        return NetworkSpeed(model: model.rawValue, parameters: network.layout.parameterCount, forwardMFLOPsPerSample: flops / 1e6,
                            trainSamplesPerSecond: trainRate, evalSamplesPerSecond: evalPasses * Double(evalData.count),
                            trainGFLOPs: gflops, fractionOfSgemm: gflops / ceiling, batchNormSecondsPer10k: bnSeconds,
                            curveStepOverTrainStep: trainSteps / curveSteps)
    }

    private func step(_ objective: TrainingObjective, _ w: inout [Float], _ g: inout [Float], _ x: [Float], _ y: [Int32],
                      _ rng: inout RandomGenerator) -> Float {
        let n = y.count
        return w.withUnsafeBufferPointer { wp in
            g.withUnsafeMutableBufferPointer { gp in
                x.withUnsafeBufferPointer { xp in
                    y.withUnsafeBufferPointer { yp in
                        objective.lossAndGradient(parameters: wp.baseAddress!, gradient: gp.baseAddress!, images: xp.baseAddress!,
                                                  labels: yp.baseAddress!, batch: n, rng: &rng).loss
                    }
                }
            }
        }
    }
}
