// bench — the engine's speed, measured against this machine's own limits in one run.
//
// Speed is quoted as ratios measured in the same process, never as a single absolute time: the
// machines are shared and noisy. Achieved GFLOP/s are read against the sgemm ceiling of the same
// round; with `--pytorch PYTHON` the PyTorch twin of the networks (pytorch_twin.py beside this
// file) runs interleaved with the engine — engine, PyTorch, engine, PyTorch, … for every network
// and round — and each engine/PyTorch ratio pairs two measurements taken back to back. Without
// `--pytorch` there is no PyTorch column: no PyTorch figure is written into this code.
// `--output DIR` writes a report (report.md, figure, CSV, JSON); `--compare FILE` prints this run
// against an earlier run's JSON as ratios.
import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import Networks
import Tensor

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure sgemm, training and evaluation throughput (against PyTorch with --pytorch), BN recalibration, a curve step and a Hessian-vector product.",
        discussion: """
            With --pytorch PYTHON (an interpreter that has torch, e.g. a virtual environment's bin/python), \
            runs tools/bench/pytorch_twin.py interleaved with the engine, at the same batch size, threads \
            and optimizer, and prints the engine/PyTorch ratio per network: the median of the rounds and its range.
            """)

    @Option(help: "Networks to measure (comma-separated; default the three small ones; the papers' networks, on CIFAR-shaped input: \(ModelName.allCases.filter(\.isPaperNetwork).map(\.rawValue).joined(separator: ", "))).")
    var models: String = ModelName.smallNetworks.map(\.rawValue).joined(separator: ",")
    @Option(help: "Minibatch size.")
    var batchSize: Int = 128
    @Option(help: "Seconds to spend on each measurement (at least).")
    var seconds: Double = 3
    @Option(help: "Interleaved rounds (default 5 with --pytorch, at least 3; else 1).")
    var rounds: Int?
    @Option(help: "A Python interpreter with torch: also measure the PyTorch twin, interleaved with the engine.")
    var pytorch: String?
    @Option(help: "PyTorch's OpenMP wait policy: default (as installed), passive (OMP_WAIT_POLICY=PASSIVE) or both, each round, the faster compared.")
    var pytorchWait: String = "both"
    @Flag(help: "Train with Nesterov momentum (both sides; default: the chapters' recipe, without).")
    var nesterov = false
    @Flag(help: "Skip BN recalibration, the curve step and the Hessian-vector product (the slow parts).")
    var noExtras = false
    @Flag(help: "Also time every operation of each network's training step: GFLOP/s per convolution and linear layer, time by kind.")
    var layers = false
    @Option(help: "Write a report here: report.md, the figure (PNG, SVG and PDF), rounds.csv, bench.json (implies --layers).")
    var output: String?
    @Option(help: "Write the results as JSON here.")
    var json: String?
    @Option(help: "An earlier run's JSON to compare with (ratios this/earlier).")
    var compare: String?
    @Option(help: "Measure only the evaluator, at each of these batch sizes (comma-separated), interleaved in every round, against the first.")
    var evaluationBatches: String?
    @Option(help: "Floats in one convolution GEMM chunk's column matrix (default: the engine's).")
    var columnBudget: Int?
    @OptionGroup var engine: EngineOptions

    /// The smallest number of interleaved rounds with PyTorch: a median needs a few.
    static let minimumPyTorchRounds = 3

    var effectiveRounds: Int { rounds ?? (pytorch == nil ? 1 : 5) }

    func modelNames() throws -> [ModelName] {
        let names = try models.split(separator: ",").map { name -> ModelName in
            guard let m = ModelName(rawValue: String(name)) else {
                throw ValidationError("unknown model \(name) (known: \(ModelName.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return m
        }
        guard !names.isEmpty else { throw ValidationError("--models names no network") }
        return names
    }

    func validate() throws {
        _ = try modelNames()
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        guard seconds > 0 else { throw ValidationError("--seconds must be positive, got \(seconds)") }
        if let rounds, rounds < 1 { throw ValidationError("--rounds must be at least 1, got \(rounds)") }
        if pytorch != nil && effectiveRounds < Self.minimumPyTorchRounds {
            throw ValidationError("--pytorch needs at least \(Self.minimumPyTorchRounds) interleaved rounds, got --rounds \(effectiveRounds)")
        }
        do { _ = try WaitPolicy.parse(pytorchWait) } catch { throw ValidationError("\(error)") }
        if let columnBudget, columnBudget <= 0 { throw ValidationError("--column-budget must be positive") }
        if evaluationBatches != nil {
            let sizes = try evaluationBatchSizes()
            guard !sizes.isEmpty, sizes.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--evaluation-batches needs sizes of at least 1") }
        }
    }

    func evaluationBatchSizes() throws -> [Int] {
        try (evaluationBatches ?? "").split(separator: ",").map {
            guard let n = Int($0) else { throw ValidationError("--evaluation-batches: \($0) is not a batch size") }
            return n
        }
    }

    func run() throws {
        engine.prepareRuntime()
        let start = Date()
        if let columnBudget { Network.convolutionColumnBudget = columnBudget }
        var optimizer = BenchOptimizer.recipe
        optimizer.nesterov = nesterov
        let bench = EngineBenchmark(batchSize: batchSize, minimumSeconds: seconds, extras: !noExtras, optimizer: optimizer)
        if evaluationBatches != nil {
            print(EvaluationBatchSweep(bench: bench, models: try modelNames(), batches: try evaluationBatchSizes(), rounds: effectiveRounds).run())
            return
        }
        let policies = try WaitPolicy.parse(pytorchWait)
        let twin = pytorch.map {
            PyTorchTwin(python: $0, script: PyTorchTwin.defaultScript, threads: BLAS.threads, batchSize: batchSize, seconds: seconds,
                        evaluationImages: bench.evaluationImages, optimizer: optimizer, waitPolicies: policies)
        }
        let run = BenchRun(bench: bench, models: try modelNames(), rounds: effectiveRounds, twin: twin, layers: layers || output != nil)
        let report = try run.run()
        print(report.table())
        if let json { try report.write(json: json); print("wrote \(json)") }
        if let compare { print(try report.comparison(with: compare)) }
        if let output {
            try BenchReportWriter(report: report, wallSeconds: Date().timeIntervalSince(start)).write(to: output)
            print("report: \(output)/report.md")
        }
    }
}

Bench.main()
