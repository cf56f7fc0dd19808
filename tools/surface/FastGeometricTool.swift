import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import Plotting
import Reporting
import Training
import WeightSpace

/// `surface fge`: Fast Geometric Ensembling from a checkpoint (GAR's `fge.py`), through the code
/// and cache chapter 3's FGE runs use; the ensemble's test error after every member.
struct FastGeometricTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fge",
        abstract: "Fast Geometric Ensembling from a checkpoint: a triangular cyclic learning rate, a member at every lr2, the ensemble's error per member count.",
        discussion: """
            SGD restarts from the checkpoint (with its momentum buffer when the file has one: a cache checkpoint; a \
            bare state dict starts with none) and runs --epochs epochs with the rate going lr1 → lr2 → lr1 over each \
            cycle, set every iteration; the network after every lr2 step is a member. Each member's BN statistics \
            are recomputed on a fixed training subset before its test predictions are averaged into the ensemble. \
            Optimizer settings default to the checkpoint's recorded recipe, else to batch 128, momentum 0.9, wd 5e-4. \
            Resumes when interrupted.
            """)

    @Argument(help: "The checkpoint FGE starts from (safetensors).")
    var checkpoint: String
    @Option(help: "Epochs of the FGE phase.")
    var epochs: Int = 2
    @Option(help: "Cycle length in epochs (GAR: 2 to 4 on CIFAR; the iterations are rounded to an even number).")
    var cycle: Double = 0.5
    @Option(help: "Rate at the start and end of each cycle.")
    var lr1: Double = 0.025
    @Option(help: "Rate at mid-cycle, where each member is taken.")
    var lr2: Double = 0.005
    @Option(help: "Seed of the batches (default: the checkpoint's recipe seed, else 1).")
    var seed: UInt64?
    @Option(help: "Training images (a fixed subset) each member's BN statistics are recomputed on.")
    var bnImages: Int = 2_000
    @OptionGroup var options: ToolOptions

    func validate() throws {
        guard epochs >= 1, cycle > 0, lr1 > 0, lr2 > 0, bnImages >= 1 else { throw ValidationError("need --epochs ≥ 1, --cycle > 0, --lr1, --lr2 > 0, --bn-images ≥ 1") }
    }

    func run() throws {
        let started = Date(), data = try options.prepare()
        let file = try options.checkpoint(checkpoint, data: data).network(for: "fge")
        var base = file.identifyingRecipe(fallback: TrainingRecipe(model: file.network.model, data: data.name, trainImages: data.train.count, seed: 1, epochs: 0))
        base.width = file.network.width
        base.trainImages = data.train.count
        if let seed { base.seed = seed }
        let perEpoch = (data.train.count + base.batchSize - 1) / base.batchSize
        let cycleIterations = FastGeometricCycle.iterations(epochs: cycle, iterationsPerEpoch: perEpoch)
        let recipe = FastGeometricRecipe(base: base, startEpoch: 0, epochs: epochs, cycleIterations: cycleIterations, lr1: lr1, lr2: lr2)
        let run = try options.cache.fastGeometricEnsemble(recipe, data: data, origin: file.snapshot)
        let bn = data.train.fixedSubset(count: min(bnImages, data.train.count), seed: 17)
        let evaluator = Evaluator(network: file.network)
        let ensemble = try evaluator.evaluateEnsemble([run.start] + run.members, batchNorm: bn, test: data.test, progressLabel: "FGE members") { member in
            try options.cache.prediction(of: member, evaluator: evaluator, batchNorm: bn, test: data.test)
        }
        var report = try ToolReport(title: "Fast Geometric Ensembling from \(file.name)", inputs: [file], settings: [
            ("FGE", "\(epochs) epochs, cycle \(cycleIterations) iterations (\(cycle) epochs), lr \(lr1) → \(lr2) → \(lr1), a member at every lr2"),
            ("optimizer", "batch \(base.batchSize), momentum \(base.momentum), wd \(base.weightDecay), batch seed \(base.seed); "
                + (file.snapshot.momentum.isEmpty ? "no momentum buffer in the checkpoint: starts from zero" : "the checkpoint's momentum buffer")),
            ("evaluation", "each network's BN statistics recomputed on \(bn.count) training images; test on \(data.test.count) images"),
        ], path: options.folder("fge"))
        report.summaryTable(header: ["networks", "last network", "its test error (%)", "ensemble test error (%)", "ensemble test NLL"],
                            rows: ensemble.running.indices.map { k in
            [k == 0 ? "the checkpoint" : "\(k + 1)", ensemble.members[k].label, format2(100 * ensemble.members[k].error),
             format2(100 * ensemble.running[k].error), format4(ensemble.running[k].nll)]
        })
        let figure = Figure(size: .singleColumn(aspect: 0.75))
        let panel = figure[0, 0], counts = ensemble.running.map { Double($0.members) }
        panel.line(x: counts, y: ensemble.running.map { 100 * $0.error }, label: "ensemble", style: .automatic(0))
        panel.scatter(x: counts, y: ensemble.members.map { 100 * $0.error }, label: "each network", style: MarkerStyle(shape: .circle, size: 4, fill: Palette.color(1)))
        // Member counts are whole numbers: a tick at each (when few enough to read).
        panel.xAxis = Axis(label: "networks in the ensemble (the checkpoint first)", ticks: counts.count <= 12 ? counts : nil)
        panel.yAxis = Axis(label: "test error (%)")
        try report.figure(figure, name: "ensemble", caption: "Test error of the FGE ensemble as members are added, and of each network alone.")
        try report.data(CSVTable(columns: [("members", counts), ("ensemble_error", ensemble.running.map(\.error)), ("ensemble_nll", ensemble.running.map(\.nll)),
                                           ("network_error", ensemble.members.map(\.error)), ("network_nll", ensemble.members.map(\.nll))]),
                        name: "ensemble", what: "Error and NLL per member count")
        try report.finish(data: data, seconds: Date().timeIntervalSince(started))
    }
}
