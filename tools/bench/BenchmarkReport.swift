import AtomicFile
import Foundation
import Reporting

/// PyTorch's rates under one OpenMP wait policy in one round.
struct PyTorchVariant: Codable, Equatable, Sendable {
    var waitPolicy: WaitPolicy
    var train: Rate
    var eval: Rate
}

/// One network's measurements in one round: the engine's, then (with `--pytorch`) the twin's,
/// back to back, with the sgemm ceiling measured at the start of the round.
struct RoundMeasurement: Codable, Equatable, Sendable {
    /// Training and evaluation images per second.
    var engineTrain: Rate
    var engineEval: Rate
    /// Evaluation on the training graph's eval-mode forward (nil in reports from before the inference path).
    var engineEvalGraph: Rate?
    /// PyTorch's faster wait policy of the round (by wall-clock rate), for training and for
    /// evaluation separately: what the engine is compared with.
    var pytorchTrain: Rate?
    var pytorchEval: Rate?
    /// PyTorch under each wait policy measured, in the order run.
    var pytorchVariants: [PyTorchVariant]?
    /// The round's sgemm on all threads, GFLOP/s.
    var sgemm: Rate
    /// The round's ceiling: one thread's sgemm GFLOP per CPU-second × threads
    /// (`EngineBenchmark.sgemmCeiling`); nil in older reports, which read against `sgemm.cpu`.
    var ceiling: Double?

    var ceilingPerCPU: Double { ceiling ?? sgemm.cpu }
}

/// PyTorch's side of one network: its medians over the rounds and the engine's rate over it.
struct PyTorchComparison: Codable, Equatable, Sendable {
    var trainSamplesPerSecond: Double
    var evalSamplesPerSecond: Double
    /// PyTorch's training GFLOP/s (same FLOP count as the engine's) over the round's sgemm ceiling, per CPU-second.
    var fractionOfSgemm: Double
    /// Engine over PyTorch, per round, wall time: median and range.
    var trainRatio: Spread
    var evalRatio: Spread
    /// The same per CPU-second × threads.
    var trainRatioPerCPU: Spread
    var evalRatioPerCPU: Spread
}

/// One network's measured speed: medians over the interleaved rounds.
struct NetworkSpeed: Codable, Sendable {
    var model: String
    var parameters: Int
    var forwardMFLOPsPerSample: Double
    /// Forward + backward + SGD step, samples per second.
    var trainSamplesPerSecond: Double
    var evalSamplesPerSecond: Double
    /// Evaluation on the training graph (nil in older reports), and the inference path over it per round.
    var evalGraphSamplesPerSecond: Double?
    var inferenceOverGraph: Spread?
    /// Evaluation GFLOP (direct multiply-adds) per CPU-second × threads over the round's ceiling (nil in older reports).
    var evalFractionOfSgemm: Double?
    /// Training GFLOP/s counting backward as twice the forward.
    var trainGFLOPs: Double
    /// Training GFLOP per CPU-second × threads over the ceiling of the same round (`RoundMeasurement.ceiling`).
    var fractionOfSgemm: Double
    /// Seconds to recompute BN statistics on 10 000 images (nil when `--no-extras` skipped it).
    var batchNormSecondsPer10k: Double?
    /// Time of a curve-training step (3 bends) over a plain training step (nil when skipped).
    var curveStepOverTrainStep: Double?
    /// Time of one Hessian-vector product on the training batch over a plain training step (nil when skipped or in older reports).
    var hessianProductOverTrainStep: Double?
    /// Training samples per CPU-second × threads.
    var trainSamplesPerCPUSecond: Double?
    /// Every round, in order (nil in reports from before the interleaved rounds).
    var rounds: [RoundMeasurement]?
    /// Nil without `--pytorch`.
    var pytorch: PyTorchComparison?

    /// Medians (and PyTorch's ratios, where measured in every round) of `rounds`.
    init(model: String, parameters: Int, forwardMFLOPsPerSample: Double, rounds: [RoundMeasurement],
         batchNormSecondsPer10k: Double? = nil, curveStepOverTrainStep: Double? = nil, hessianProductOverTrainStep: Double? = nil) {
        precondition(!rounds.isEmpty, "a network speed needs at least one round")
        self.model = model
        self.parameters = parameters
        self.forwardMFLOPsPerSample = forwardMFLOPsPerSample
        self.rounds = rounds
        self.batchNormSecondsPer10k = batchNormSecondsPer10k
        self.curveStepOverTrainStep = curveStepOverTrainStep
        self.hessianProductOverTrainStep = hessianProductOverTrainStep
        let trainFLOPs = 3 * forwardMFLOPsPerSample * 1e6
        func median(_ values: [Double]) -> Double { Spread(values).median }
        trainSamplesPerSecond = median(rounds.map(\.engineTrain.wall))
        trainSamplesPerCPUSecond = median(rounds.map(\.engineTrain.cpu))
        evalSamplesPerSecond = median(rounds.map(\.engineEval.wall))
        trainGFLOPs = trainFLOPs * trainSamplesPerSecond / 1e9
        fractionOfSgemm = median(rounds.map { trainFLOPs * $0.engineTrain.cpu / 1e9 / $0.ceilingPerCPU })
        evalFractionOfSgemm = median(rounds.map { forwardMFLOPsPerSample * 1e6 * $0.engineEval.cpu / 1e9 / $0.ceilingPerCPU })
        let graph = rounds.compactMap(\.engineEvalGraph)
        if graph.count == rounds.count {
            evalGraphSamplesPerSecond = median(graph.map(\.wall))
            inferenceOverGraph = .ofRatios(rounds.map(\.engineEval.wall), over: graph.map(\.wall))
        }
        let train = rounds.compactMap(\.pytorchTrain), eval = rounds.compactMap(\.pytorchEval)
        guard train.count == rounds.count, eval.count == rounds.count else { pytorch = nil; return }
        pytorch = PyTorchComparison(
            trainSamplesPerSecond: median(train.map(\.wall)), evalSamplesPerSecond: median(eval.map(\.wall)),
            fractionOfSgemm: median(zip(train, rounds).map { trainFLOPs * $0.cpu / 1e9 / $1.ceilingPerCPU }),
            trainRatio: .ofRatios(rounds.map(\.engineTrain.wall), over: train.map(\.wall)),
            evalRatio: .ofRatios(rounds.map(\.engineEval.wall), over: eval.map(\.wall)),
            trainRatioPerCPU: .ofRatios(rounds.map(\.engineTrain.cpu), over: train.map(\.cpu)),
            evalRatioPerCPU: .ofRatios(rounds.map(\.engineEval.cpu), over: eval.map(\.cpu)))
    }
}

/// The PyTorch side of a run: which build ran, from which interpreter.
struct PyTorchRun: Codable, Equatable, Sendable {
    var python: String
    var waitPolicies: [WaitPolicy]
    var build: TwinMeasurement.Build
}

/// The result of one `bench` run.
struct BenchmarkReport: Codable, Sendable {
    var blas: String
    var sgemmSize: Int
    /// Median over the rounds, GFLOP/s.
    var sgemmGFLOPs: Double
    var sgemmGFLOPsPerCPU: Double?
    /// Median of the rounds' ceilings (`RoundMeasurement.ceiling`), GFLOP/s.
    var ceilingGFLOPs: Double?
    var batchSize: Int
    var networks: [NetworkSpeed]
    /// Peak resident set of the bench process, MiB.
    var peakResidentMiB: Double?
    /// Per-operation profiles (`bench --layers`); nil when not asked for.
    var layerProfiles: [NetworkLayerProfile]?
    /// Per-operation profiles of an evaluation batch on the inference path (nil when not asked for, and in older reports).
    var evaluationProfiles: [NetworkLayerProfile]?
    /// Interleaved rounds, seconds per measurement, threads and the optimizer (nil in older reports).
    var rounds: Int?
    var secondsPerMeasurement: Double?
    var threads: Int?
    var optimizer: BenchOptimizer?
    var cpu: String?
    /// The code the convolutions ran on (`ConvolutionBackend.description`; nil in older reports).
    var convolutions: String?
    /// Nil without `--pytorch`.
    var pytorch: PyTorchRun?

    /// The engine's own table, then (with `--pytorch`) the comparison: the "over PyTorch"
    /// columns exist only when PyTorch was measured in this run.
    func table() -> String {
        var lines = [blas, String(format: "sgemm %d×%d: %.1f GFLOP/s wall, %.1f per CPU-second × threads; one thread's per CPU-second × threads "
                                  + "(the ceiling of \"of sgemm\"): %.1f; medians of %d round(s)",
                                  sgemmSize, sgemmSize, sgemmGFLOPs, sgemmGFLOPsPerCPU ?? .nan, ceilingGFLOPs ?? .nan, rounds ?? 1), ""]
        lines += markdownTable(header: Self.engineHeader, rows: networks.map(engineRow))
        if pytorch != nil {
            lines += ["", "engine over PyTorch \(pytorch.map { $0.build.version } ?? ""), per interleaved round: median (range)", ""]
            lines += markdownTable(header: Self.comparisonHeader, rows: networks.compactMap(comparisonRow))
        }
        if let peakResidentMiB { lines += ["", String(format: "peak resident set: %.0f MiB", peakResidentMiB)] }
        lines += ["", "of sgemm uses CPU-time rates (training FLOPs per CPU-second × threads over one thread's sgemm FLOPs per",
                  "CPU-second × threads, in the same round), so other jobs time-slicing the machine cancel out."]
        for profile in (layerProfiles ?? []) + (evaluationProfiles ?? []) {
            lines += ["", profile.table(sgemmGFLOPs: ceilingGFLOPs ?? sgemmGFLOPs)]
        }
        return lines.joined(separator: "\n")
    }

    static let engineHeader = ["network", "params", "MFLOP/sample (fwd)", "train samples/s", "train samples/CPU-s×threads",
                               "eval samples/s", "eval on the training graph", "inference path over graph", "train GFLOP/s", "train of sgemm",
                               "eval of sgemm", "BN recal s/10k", "curve step / train step", "Hessian-vector product / train step"]

    func engineRow(_ n: NetworkSpeed) -> [String] {
        [n.model, String(n.parameters), String(format: "%.2f", n.forwardMFLOPsPerSample), String(format: "%.0f", n.trainSamplesPerSecond),
         String(format: "%.0f", n.trainSamplesPerCPUSecond ?? .nan), String(format: "%.0f", n.evalSamplesPerSecond),
         n.evalGraphSamplesPerSecond.map { String(format: "%.0f", $0) } ?? "—", n.inferenceOverGraph?.formatted() ?? "—",
         String(format: "%.1f", n.trainGFLOPs), String(format: "%.1f%%", 100 * n.fractionOfSgemm),
         n.evalFractionOfSgemm.map { String(format: "%.1f%%", 100 * $0) } ?? "—",
         n.batchNormSecondsPer10k.map { String(format: "%.2f", $0) } ?? "—",
         n.curveStepOverTrainStep.map { String(format: "%.2f", $0) } ?? "—",
         n.hessianProductOverTrainStep.map { String(format: "%.2f", $0) } ?? "—"]
    }

    static let comparisonHeader = ["network", "engine train img/s", "PyTorch train img/s", "train over PyTorch",
                                   "engine eval img/s", "PyTorch eval img/s", "eval over PyTorch",
                                   "train over PyTorch per CPU-s", "eval over PyTorch per CPU-s"]

    func comparisonRow(_ n: NetworkSpeed) -> [String]? {
        guard let p = n.pytorch else { return nil }
        return [n.model, String(format: "%.0f", n.trainSamplesPerSecond), String(format: "%.0f", p.trainSamplesPerSecond),
                p.trainRatio.formatted(), String(format: "%.0f", n.evalSamplesPerSecond), String(format: "%.0f", p.evalSamplesPerSecond),
                p.evalRatio.formatted(), p.trainRatioPerCPU.formatted(), p.evalRatioPerCPU.formatted()]
    }

    private func markdownTable(header: [String], rows: [[String]]) -> [String] {
        ["| " + header.joined(separator: " | ") + " |", "|---|" + String(repeating: "---:|", count: header.count - 1)]
            + rows.map { "| " + $0.joined(separator: " | ") + " |" }
    }

    func write(json path: String) throws {
        try AtomicFile.write(try JSONOutput.encode(self), to: path)
    }

    /// This run over an earlier one, as ratios (> 1 is faster now), with both runs' sgemm ceilings
    /// so a noisy machine shows.
    func comparison(with path: String) throws -> String {
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
