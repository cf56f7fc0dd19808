import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import Networks
import Reporting
import Safetensors
import Training
import WeightSpace

/// `surface curve`: a Bezier or PolyChain curve trained between two checkpoints (GAR's `train.py
/// --curve`), through the same code and cache as chapter 2's curves; written as one safetensors
/// file, then evaluated with the segment.
struct CurveTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curve",
        abstract: "Train a Bezier or PolyChain curve of low loss between two checkpoints, write it, and evaluate it beside the segment.",
        discussion: """
            The curve starts as the segment (its inner bends evenly spaced on it) and is trained by SGD on the \
            expected loss over t ~ U(0, 1), endpoints fixed unless --free-start/--free-end. Optimizer settings default to \
            the first checkpoint's recorded recipe (a checkpoint `train` or a chapter wrote), else to GAR's recipe scaled to \
            Fashion-MNIST (lr 0.05, momentum 0.9, wd 5e-4, batch 128, piecewise schedule). Training goes through the \
            artifact cache: typing the same command again resumes an interrupted run or reuses the finished one. \
            The curve is written to curve.safetensors: bend i's tensors under bend{i}.<name>, the curve kind in the \
            metadata; θ(t) = Σ_i c_i(t)·bend_i with the Bernstein basis (Bezier) or hat functions (PolyChain).
            """)

    @Option(help: "The first network's checkpoint (t = 0).")
    var start: String
    @Option(help: "The second network's checkpoint (t = 1).")
    var end: String
    @Option(help: "Curve: bezier or polychain.")
    var kind: CurveKind = .bezier
    @Option(help: "Bends, endpoints included (3: a quadratic Bezier curve, a chain with one bend).")
    var bends: Int = 3
    @Option(help: "Training epochs of the curve.")
    var epochs: Int = 10
    @Option(name: .customLong("lr"), help: "Initial learning rate (default: the start checkpoint's recipe, else 0.05).")
    var learningRate: Double?
    @Option(name: .customLong("wd"), help: "Weight decay (default: the start checkpoint's recipe, else 5e-4).")
    var weightDecay: Double?
    @Option(help: "SGD momentum (default: the start checkpoint's recipe, else 0.9).")
    var momentum: Double?
    @Option(help: "Minibatch size (default: the start checkpoint's recipe, else 128).")
    var batchSize: Int?
    @Option(help: "Learning-rate schedule (default: the start checkpoint's recipe, else piecewise).")
    var schedule: ScheduleKind?
    @Option(help: "Seed of the curve's batches and t samples (default: derived from the endpoints' seeds, as chapter 2's curves).")
    var seed: UInt64?
    @Flag(help: "Train the start network's bend too.")
    var freeStart = false
    @Flag(help: "Train the end network's bend too.")
    var freeEnd = false
    @OptionGroup var path: PathOptions
    @OptionGroup var options: ToolOptions

    func validate() throws {
        guard bends >= 3 else { throw ValidationError("--bends must be at least 3 (2 is the segment), got \(bends)") }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        if let learningRate, learningRate <= 0 { throw ValidationError("--lr must be positive") }
        if let weightDecay, weightDecay < 0 { throw ValidationError("--wd must be non-negative") }
        if let momentum, !(0..<1).contains(momentum) { throw ValidationError("--momentum must lie in [0, 1)") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be positive") }
    }

    func run() throws {
        let started = Date(), data = try options.prepare()
        let files = try options.checkpoints([start, end], data: data).map { try $0.network(for: "curve") }
        let (a, b) = (files[0], files[1])
        let recipe = curveRecipe(a, b, data: data)
        let trained = try options.cache.trainedCurve(recipe, start: a.trainedNetwork(recipe: recipe.start), end: b.trainedNetwork(recipe: recipe.end), data: data)
        var report = try ToolReport(title: "A \(kind.rawValue) curve from \(a.name) to \(b.name)", inputs: files, settings: [
            ("curve", "\(kind.rawValue), \(bends) bends, start \(recipe.fixStart ? "fixed" : "trained"), end \(recipe.fixEnd ? "fixed" : "trained")"),
            ("training", "\(recipe.epochs) epochs on \(data.train.count) images, batch \(recipe.batchSize), lr \(recipe.learningRate) (\(recipe.schedule.rawValue)), "
                + "momentum \(recipe.momentum), wd \(recipe.weightDecay), seed \(recipe.seed)"),
        ] + path.settings, path: options.folder("curve"))
        try report.curveFile(trained)
        let probe = path.probe(network: a.network, state: a.snapshot.state, data: data, cache: options.cache, weightDecay: recipe.weightDecay)
        let segment = try probe.evaluate("segment", curve: .segment, bends: a.snapshot.parameters + b.snapshot.parameters, identity: "\(a.sha256) \(b.sha256)")
        let curve = try probe.evaluate(kind.rawValue, curve: recipe.curve, bends: trained.bendVector, identity: recipe.cacheKey)
        try report.paths([("Segment", segment), (kind.rawValue.capitalized, curve)])
        if !trained.history.isEmpty {
            let last = trained.history.last!
            report.paragraph(String(format: "Last training epoch: loss %.4f, error %.2f %% (averaged over the epoch's random t).", last.trainLoss, 100 * last.trainError))
        }
        try report.finish(data: data, seconds: Date().timeIntervalSince(started))
    }

    /// Chapter 2's recipe when both checkpoints carry theirs (the same curve, bit for bit), with
    /// every option given on the command line applied; the checkpoints' digests in its identity.
    func curveRecipe(_ a: CheckpointFile, _ b: CheckpointFile, data: TrainingData) -> CurveRecipe {
        func fallback(_ seed: UInt64) -> TrainingRecipe {
            TrainingRecipe(model: a.network.model, data: data.name, trainImages: data.train.count, seed: seed, epochs: epochs)
        }
        var startRecipe = a.identifyingRecipe(fallback: fallback(1)), endRecipe = b.identifyingRecipe(fallback: fallback(2))
        startRecipe.width = a.network.width
        endRecipe.width = b.network.width
        var r = CurveRecipe(kind: kind, bends: bends, start: startRecipe, end: endRecipe, epochs: epochs)
        if let learningRate { r.learningRate = learningRate }
        if let weightDecay { r.weightDecay = weightDecay }
        if let momentum { r.momentum = momentum }
        if let batchSize { r.batchSize = batchSize }
        if let schedule { r.schedule = schedule }
        if let seed { r.seed = seed }
        r.fixStart = !freeStart
        r.fixEnd = !freeEnd
        return r
    }
}

extension ToolReport {
    /// Writes the curve as `curve.safetensors`: every bend under `bend{i}.` and the BN buffers
    /// once (no optimizer state), with its kind, bends, network and recipe in the metadata.
    mutating func curveFile(_ curve: TrainedCurve) throws {
        let metadata = ["curve": curve.recipe.kind.rawValue, "bends": String(curve.recipe.bends), "recipe": curve.recipe.canonicalJSON,
                        "parametrisation": curve.recipe.kind == .bezier ? "theta(t) = sum_i C(n-1,i) t^i (1-t)^(n-1-i) bend_i"
                                                                         : "theta(t) = sum_i max(0, 1 - |t(n-1) - i|) bend_i"]
        let file = try folder.write(data: StateDict.encode(network: curve.network, parameters: curve.bendVector, state: curve.state,
                                                           prefixes: (0..<curve.recipe.bends).map { "bend\($0)." }, metadata: metadata),
                                    name: "curve.safetensors")
        results.fileLink("The curve (safetensors; bend i's tensors under bend{i}.)", to: file)
    }
}
