import AtomicFile
import ChapterKit
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
    /// Seconds to recompute BN statistics on 10 000 images (nil when `--no-extras` skipped it).
    public var batchNormSecondsPer10k: Double?
    /// Time of a curve-training step (3 bends) over a plain training step (nil when skipped).
    public var curveStepOverTrainStep: Double?
    /// Training samples per second of process CPU time × threads: what the run would reach with the
    /// cores to itself (robust to other jobs time-slicing the machine). Nil in older reports.
    public var trainSamplesPerCPUSecond: Double?
    /// Training throughput over PyTorch 2.x's on this machine (`pytorchTrainSamplesPerSecond`), both
    /// scaled to the sgemm ceiling measured in this run (PyTorch's figure was taken at 405 GFLOP/s).
    public var overPyTorch: Double?
}

/// PyTorch 2.x training throughput on this machine (2 threads, batch 128, 1×28×28), issue 6, at an
/// sgemm ceiling of 405 GFLOP/s: the middle of the quoted ranges.
public let pytorchTrainSamplesPerSecond: [String: Double] = ["mlp": 34_500, "tinyten": 3_200, "preresnet20": 1_000]
public let pytorchSgemmGFLOPs = 405.0

/// The result of one `bench` run.
public struct BenchmarkReport: Codable, Sendable {
    public var blas: String
    public var sgemmSize: Int
    public var sgemmGFLOPs: Double
    public var batchSize: Int
    public var networks: [NetworkSpeed]
    /// sgemm GFLOP/s per CPU-second × threads (see `NetworkSpeed.trainSamplesPerCPUSecond`).
    public var sgemmGFLOPsPerCPU: Double?
    /// Peak resident set of the bench process, MiB.
    public var peakResidentMiB: Double?
    /// Per-operation profiles (`bench --layers`); nil when not asked for.
    public var layerProfiles: [NetworkLayerProfile]?

    public func table() -> String {
        var lines = ["\(blas)", String(format: "sgemm %d×%d: %.1f GFLOP/s wall, %.1f per CPU-second × threads (the ceiling below)",
                                          sgemmSize, sgemmSize, sgemmGFLOPs, sgemmGFLOPsPerCPU ?? .nan), "",
                     "| network | params | MFLOP/sample (fwd) | train samples/s | train samples/CPU-s×threads | eval samples/s | train GFLOP/s | of sgemm | over PyTorch | BN recal s/10k | curve step / train step |",
                     "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for n in networks {
            let extras = [n.batchNormSecondsPer10k, n.curveStepOverTrainStep].map { $0.map { String(format: "%.2f", $0) } ?? "—" }
            lines.append(String(format: "| %@ | %d | %.2f | %.0f | %.0f | %.0f | %.1f | %.1f%% | %.2f | %@ | %@ |", n.model, n.parameters,
                                n.forwardMFLOPsPerSample, n.trainSamplesPerSecond, n.trainSamplesPerCPUSecond ?? .nan,
                                n.evalSamplesPerSecond, n.trainGFLOPs, 100 * n.fractionOfSgemm, n.overPyTorch ?? .nan,
                                extras[0], extras[1]))
        }
        if let peakResidentMiB { lines += ["", String(format: "peak resident set: %.0f MiB", peakResidentMiB)] }
        lines += ["", "of sgemm and over PyTorch use CPU-time rates (samples or FLOPs per CPU-second × threads), so other jobs",
                  "time-slicing the machine cancel out; PyTorch's figures are scaled by this run's ceiling / 405 GFLOP/s."]
        for profile in layerProfiles ?? [] { lines += ["", profile.table(sgemmGFLOPs: sgemmGFLOPs)] }
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
        var lines = [String(format: "sgemm now/before: %.2f wall, %.2f per CPU-second", sgemmGFLOPs / old.sgemmGFLOPs,
                            (sgemmGFLOPsPerCPU ?? .nan) / (old.sgemmGFLOPsPerCPU ?? .nan)),
                     "| network | train now/before | train per CPU-s now/before | eval now/before | of-sgemm now/before |",
                     "|---|---:|---:|---:|---:|"]
        for n in networks {
            guard let o = old.networks.first(where: { $0.model == n.model }) else { continue }
            lines.append(String(format: "| %@ | %.2f | %.2f | %.2f | %.2f |", n.model, n.trainSamplesPerSecond / o.trainSamplesPerSecond,
                                (n.trainSamplesPerCPUSecond ?? .nan) / (o.trainSamplesPerCPUSecond ?? .nan),
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
    /// Also measure BN recalibration and the curve step (the slow parts of a run).
    public let extras: Bool

    public init(batchSize: Int = 128, minimumSeconds: Double = 3, extras: Bool = true) {
        self.batchSize = batchSize
        self.minimumSeconds = minimumSeconds
        self.extras = extras
    }

    /// Calls per second of wall time and per CPU-second × threads.
    struct Rate { var wall: Double; var cpu: Double }

    /// Repeats `body` until `minimumSeconds` have passed.
    func rate(_ body: () -> Void) -> Rate {
        body()  // warm-up
        var calls = 0
        let start = Date(), cpuStart = Self.processCPUSeconds()
        repeat { body(); calls += 1 } while Date().timeIntervalSince(start) < minimumSeconds
        let wall = Date().timeIntervalSince(start), cpu = Self.processCPUSeconds() - cpuStart
        return Rate(wall: Double(calls) / wall, cpu: Double(calls) * Double(BLAS.threads) / max(cpu, 1e-9))
    }

    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// Peak resident set of this process so far, MiB.
    public static func peakResidentMiB() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    public func sgemm(size n: Int = 2048) -> (wall: Double, cpu: Double) {
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
        let flops = 2 * Double(n * n * n) / 1e9
        return (perSecond.wall * flops, perSecond.cpu * flops)
    }

    /// Measures `models`; with `layers`, also each operation of their training step.
    public func run(models: [ModelName], layers: Bool = false) -> BenchmarkReport {
        let ceiling = sgemm()
        let speeds = models.map { measure($0, ceiling: ceiling) }
        let profiles = layers ? models.map { m -> NetworkLayerProfile in
            let (speeds, step) = layerProfile(m)
            return NetworkLayerProfile(model: m.rawValue, stepMilliseconds: step, layers: speeds)
        } : nil
        return BenchmarkReport(blas: BLASRuntime.summary, sgemmSize: 2048, sgemmGFLOPs: ceiling.wall, batchSize: batchSize,
                               networks: speeds, sgemmGFLOPsPerCPU: ceiling.cpu, peakResidentMiB: Self.peakResidentMiB(),
                               layerProfiles: profiles)
    }

    func measure(_ model: ModelName, ceiling: (wall: Double, cpu: Double)) -> NetworkSpeed {
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
        var bnSeconds: Double?, curveRatio: Double?
        if extras {
            let start = Date()
            _ = evaluator.recalibrateBatchNorm(parameters: parameters, state: state, on: data)
            bnSeconds = Date().timeIntervalSince(start)

            let curve = Curve(.bezier, bends: 3)
            let curveObjective = CurveObjective(curve: curve, network: network, state: state, weightDecay: 5e-4, batchCapacity: batchSize)
            var bends = curve.linearBends(start: parameters, end: parameters)
            var bendGradient = bends
            let curveSteps = rate { _ = step(curveObjective, &bends, &bendGradient, x, y, &rng) }
            curveRatio = trainSteps.cpu / curveSteps.cpu
        }

        let flops = Double(network.forwardFLOPsPerSample)
        let trainRate = trainSteps.wall * Double(batchSize), trainRateCPU = trainSteps.cpu * Double(batchSize)
        let gflops = 3 * flops * trainRate / 1e9
        let pytorch = pytorchTrainSamplesPerSecond[model.rawValue].map { $0 * ceiling.cpu / pytorchSgemmGFLOPs }
        return NetworkSpeed(model: model.rawValue, parameters: network.layout.parameterCount, forwardMFLOPsPerSample: flops / 1e6,
                            trainSamplesPerSecond: trainRate, evalSamplesPerSecond: evalPasses.wall * Double(evalData.count),
                            trainGFLOPs: gflops, fractionOfSgemm: 3 * flops * trainRateCPU / 1e9 / ceiling.cpu,
                            batchNormSecondsPer10k: bnSeconds, curveStepOverTrainStep: curveRatio,
                            trainSamplesPerCPUSecond: trainRateCPU, overPyTorch: pytorch.map { trainRateCPU / $0 })
    }

    func step(_ objective: TrainingObjective, _ w: inout [Float], _ g: inout [Float], _ x: [Float], _ y: [Int32],
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
