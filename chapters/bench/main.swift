// bench — the engine's speed, measured against this machine's own limit in one run.
//
// Speed is quoted as ratios measured in the same process (achieved GFLOP/s over the sgemm
// ceiling, samples/s over a reference), never as a single absolute time: the machines are shared
// and noisy. `--compare FILE` prints this run against an earlier run's JSON as ratios.
import ArgumentParser
import ChapterKit
import Foundation
import Networks

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure sgemm, training and evaluation throughput, BN recalibration and a curve step.")

    @Option(help: "Networks to measure (comma-separated).")
    var models: String = ModelName.allCases.map(\.rawValue).joined(separator: ",")
    @Option(help: "Minibatch size.")
    var batchSize: Int = 128
    @Option(help: "Seconds to spend on each measurement (at least).")
    var seconds: Double = 3
    @Flag(help: "Skip BN recalibration and the curve step (the slow parts).")
    var noExtras = false
    @Flag(help: "Also time every operation of each network's training step: GFLOP/s per convolution and linear layer, time by kind.")
    var layers = false
    @Option(help: "Write the results as JSON here.")
    var json: String?
    @Option(help: "An earlier run's JSON to compare with (ratios this/earlier).")
    var compare: String?
    @Option(help: "Floats in one convolution GEMM chunk's column matrix (default: the engine's).")
    var columnBudget: Int?
    @OptionGroup var engine: EngineOptions

    func run() throws {
        engine.prepareRuntime()
        if let columnBudget {
            guard columnBudget > 0 else { throw ValidationError("--column-budget must be positive") }
            Network.convolutionColumnBudget = columnBudget
        }
        let names = try models.split(separator: ",").map { name -> ModelName in
            guard let m = ModelName(rawValue: String(name)) else { throw ValidationError("unknown model \(name)") }
            return m
        }
        let bench = EngineBenchmark(batchSize: batchSize, minimumSeconds: seconds, extras: !noExtras)
        let report = bench.run(models: names, layers: layers)
        print(report.table())
        if let json { try report.write(json: json); print("wrote \(json)") }
        if let compare { print(try report.comparison(with: compare)) }
    }
}

Bench.main()
