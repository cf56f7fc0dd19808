import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import Plotting
import Reporting
import WeightSpace

/// `surface sharpness`: Keskar's ε-sharpness of a checkpoint, as the Knee paper's code measures it
/// (`KeskarSharpness`, the function chapter 6 calls).
struct SharpnessTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sharpness",
        abstract: "Keskar sharpness of a checkpoint: the largest rise of the training loss in the box |w − w0| ≤ ε(|w0| + 1).",
        discussion: """
            Projected gradient ascent on minibatches of the training images (no augmentation, BN frozen at the \
            checkpoint's statistics); L0 and L1 on a fixed subset of the training images. Sharpness = 100·(L1 − L0)/(1 + L0). \
            The Knee paper (Iyer et al. 2020) uses ε = 1e-4.
            """)

    @Argument(help: "The checkpoint (safetensors).")
    var checkpoint: String
    @Option(help: "Relative box size ε.")
    var epsilon: Double = 1e-4
    @Option(help: "Ascent steps.")
    var steps: Int = 1_000
    @Option(help: "Rate of each gradient-ascent step.")
    var ascentRate: Double = 0.01
    @Option(help: "Minibatch size of the ascent.")
    var batchSize: Int = 128
    @Option(help: "Measure the loss every this many steps (and after the last).")
    var evaluateEvery: Int = 100
    @Option(help: "Training images (a fixed subset) L0 and L1 are measured on.")
    var images: Int = 1_000
    @Option(help: "Seed of the ascent's batch order.")
    var seed: UInt64 = 1
    @OptionGroup var options: ToolOptions

    func validate() throws {
        guard epsilon > 0, steps >= 1, ascentRate > 0, batchSize >= 1, evaluateEvery >= 1, images >= 1 else {
            throw ValidationError("need ε > 0, --steps ≥ 1, --ascent-rate > 0, --batch-size ≥ 1, --evaluate-every ≥ 1, --images ≥ 1")
        }
    }

    func run() throws {
        let started = Date(), data = try options.prepare()
        let file = try options.checkpoint(checkpoint, data: data).network(for: "sharpness")
        let settings = SharpnessOptions(epsilon: epsilon, steps: steps, ascentRate: ascentRate, batchSize: batchSize, evaluateEvery: evaluateEvery)
        let evaluation = data.train.fixedSubset(count: min(images, data.train.count), seed: 29)
        let identity = "sharpness of \(file.sha256) \(settings) seed \(seed), L on \(evaluation.count) of \(data.train.count) \(data.name) training images"
        let result = try options.cache.pointEvaluations(key: ArtifactCache.pointsKey("sharpness", identity: identity), identity: identity,
                                                        count: 1, label: "sharpness") { _ in
            KeskarSharpness.measure(network: file.network, parameters: file.snapshot.parameters, state: file.snapshot.state, ascent: data.train,
                                    evaluation: evaluation, options: settings, seed: seed)
        }[0]
        var report = try ToolReport(title: "Keskar sharpness of \(file.name)", inputs: [file], settings: [
            ("ε", "\(epsilon)"), ("ascent", "\(steps) steps at rate \(ascentRate), batches of \(batchSize), order seed \(seed)"),
            ("L0, L1 measured on", "\(evaluation.count) training images (fixed subset), every \(evaluateEvery) steps"),
        ], path: options.folder("sharpness"))
        report.summaryTable(header: ["L0", "L1", "L1 at step", "sharpness"],
                            rows: [[format(result.l0), format(result.l1), "\(result.step)", String(format: "%.4g", result.sharpness)]])
        if let trajectory = result.trajectory {
            let figure = Figure(size: .singleColumn(aspect: 0.7))
            let panel = figure[0, 0]
            panel.line(x: trajectory.map { Double($0.step) }, y: trajectory.map(\.loss), label: "training loss in the box", style: .automatic(0))
            panel.scatter(x: [Double(result.step)], y: [result.l1], label: "L1", style: MarkerStyle(shape: .circle, size: 5, fill: .ink))
            panel.xAxis = Axis(label: "ascent step")
            panel.yAxis = Axis(label: "training loss")
            try report.figure(figure, name: "ascent", caption: "The training loss along the projected ascent; L1 is its largest measured value.")
            try report.data(CSVTable(columns: [("step", trajectory.map { Double($0.step) }), ("loss", trajectory.map(\.loss))]),
                            name: "ascent", what: "Loss after every measured step")
        }
        try report.data(json: result, name: "sharpness", what: "The result")
        try report.finish(data: data, seconds: Date().timeIntervalSince(started))
    }
}

func format(_ value: Double) -> String { String(format: "%.5g", value) }
