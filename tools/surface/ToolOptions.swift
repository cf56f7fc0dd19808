import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import Networks
import Plotting
import Reporting
import WeightSpace

/// The options every tool takes: data (and how much of it), the network when it cannot be
/// inferred, where the output goes, figure formats, and the engine's threads and cache.
struct ToolOptions: ParsableArguments {
    @Option(help: "Output folder (default: surface/<tool> in the current folder).")
    var output: String?

    @Option(help: "Network of the checkpoints (default: inferred from their tensor names): \(ModelName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelName?

    @Option(help: "Use the first N training images only (BN recomputation, train metrics, training).")
    var trainLimit: Int?

    @Option(help: "Use the first N test images only.")
    var testLimit: Int?

    @OptionGroup var figures: FigureOptions

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        for (name, value) in [("--train-limit", trainLimit), ("--test-limit", testLimit)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1, got \(value)") }
        }
        if let model { try engine.validate(model: model) }
    }

    /// Threads, convolution code and figure output; then the data.
    func prepare() throws -> TrainingData {
        Provenance.recordStartingGitState()
        engine.prepareRuntime()
        figures.apply()
        return try TrainingData.load(engine.dataSource, trainLimit: trainLimit, testLimit: testLimit)
    }

    var cache: ArtifactCache { ArtifactCache(root: engine.cache) }

    /// The folder `tool` writes into (created; nothing in it is touched before the work is done).
    func folder(_ tool: String) -> String { output ?? FileManager.default.currentDirectoryPath + "/surface/" + tool }

    /// Reads and validates a checkpoint for `data` (every file before any work starts).
    func checkpoint(_ path: String, data: TrainingData) throws -> CheckpointFile {
        try CheckpointFile.read(path, inputShape: data.train.shape, classes: data.train.classes, dataName: data.name, model: model)
    }

    /// Reads every file, then checks that they are the same network (architecture and width).
    func checkpoints(_ paths: [String], data: TrainingData) throws -> [CheckpointFile] {
        let files = try paths.map { try checkpoint($0, data: data) }
        if let first = files.first, let other = files.first(where: { $0.network.model != first.network.model || $0.network.width != first.network.width }) {
            throw CheckpointFileError(path: other.path, reason: "is a \(other.architectureDescription), but \(first.path) is a \(first.architectureDescription); "
                                      + "a tool's checkpoints must be the same network")
        }
        return files
    }
}
