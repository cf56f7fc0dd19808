import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import Plotting
import Reporting
import Safetensors
import Training
import WeightSpace

/// `surface average`: the uniform average of checkpoints' parameters with BN recomputed for it
/// (SWA's average of given snapshots, `torch.optim.swa_utils.AveragedModel` + `update_bn`), or
/// Stochastic Weight Averaging from one checkpoint through chapter 4's SWA code (`--epochs`).
struct AverageTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "average",
        abstract: "Average checkpoints' parameters, or run SWA from one checkpoint (--epochs); recompute BN for the average and compare it with the inputs.",
        discussion: """
            With --epochs N, SGD continues from the one checkpoint (with its momentum buffer when it has one) for N \
            epochs at --swa-lr (constant, or annealed from --lr with --anneal, as torch.optim.swa_utils.SWALR), and the \
            checkpoint and the network after every epoch are averaged (the SWA paper's train.py). The average's BN statistics are recomputed by one pass over the training images in order \
            (swa_utils.update_bn: the equal-weight average of the batches' statistics). Every network is then \
            evaluated on the training images (or --train-images of them) and the test images; the inputs with their own \
            BN statistics. Writes average.safetensors (the network's tensors only: loads into PyTorch with strict=True).
            """)

    @Argument(help: "The checkpoints to average (safetensors; the same network), or the one SWA starts from.")
    var checkpoints: [String]
    @Option(help: "SWA: epochs of SGD from the checkpoint, averaging after every epoch (default: none, average the checkpoints given).")
    var epochs: Int?
    @Option(help: "SWA's learning rate.")
    var swaLr: Double = 0.01
    @Option(help: "SWA: anneal to --swa-lr (cosine or linear, as SWALR) instead of starting at it.")
    var anneal: AnnealShape?
    @Option(help: "SWA: epochs of the anneal.")
    var annealEpochs: Double = 1
    @Option(name: .customLong("lr"), help: "SWA: the rate the anneal starts from (default: the checkpoint's recipe's last rate, else 0.05).")
    var learningRate: Double?
    @Option(help: "Training images (a fixed subset) the average's BN statistics are recomputed on (default: every loaded training image).")
    var bnImages: Int?
    @Option(help: "Training images (a fixed subset) train loss and error are measured on (default: every loaded training image).")
    var trainImages: Int?
    @OptionGroup var options: ToolOptions

    func validate() throws {
        guard !checkpoints.isEmpty else { throw ValidationError("give at least one checkpoint") }
        if let epochs {
            guard checkpoints.count == 1 else { throw ValidationError("SWA (--epochs) starts from one checkpoint, got \(checkpoints.count)") }
            guard epochs >= 1, swaLr > 0, annealEpochs > 0 else { throw ValidationError("need --epochs ≥ 1, --swa-lr > 0, --anneal-epochs > 0") }
        }
        for (name, value) in [("--bn-images", bnImages), ("--train-images", trainImages)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1, got \(value)") }
        }
    }

    func run() throws {
        let started = Date(), data = try options.prepare()
        let files = try options.checkpoints(checkpoints, data: data).map { try $0.network(for: "average") }
        let network = files[0].network, evaluator = Evaluator(network: network)
        let swa = try epochs.map { try weightAveraging(files[0], epochs: $0, data: data) }
        let averaged: [Float]
        if let swa {
            averaged = swa.run.averages[swa.run.averages.keys.max()!]!  // all the run's networks
        } else {
            var uniform = WeightAverage(dimension: network.layout.parameterCount)
            for file in files { uniform.collect(file.snapshot.parameters) }
            averaged = uniform.average
        }
        let bn = data.train.fixedSubset(count: min(bnImages ?? data.train.count, data.train.count), seed: 17)
        let state = evaluator.recalibrateBatchNorm(parameters: averaged, state: files[0].snapshot.state, on: bn)
        let train = data.train.fixedSubset(count: min(trainImages ?? data.train.count, data.train.count), seed: 29)
        let title = swa == nil ? "The average of \(files.count) checkpoint\(files.count == 1 ? "" : "s")" : "Stochastic Weight Averaging from \(files[0].name)"
        var report = try ToolReport(title: title, inputs: files, settings: [
            ("average", swa?.settings ?? "uniform, parameters only"), ("BN of the average", "recomputed on \(bn.count) training images"),
            ("train metrics on", "\(train.count) training images"),
        ], path: options.folder("average"))
        let file = try report.folder.write(data: StateDict.encode(network: network, parameters: averaged, state: state,
                                                                  metadata: ["average_of": files.map(\.sha256).joined(separator: ",")]),
                                           name: "average.safetensors")
        var names: [String] = [], rows: [[String]] = [], testErrors: [Double] = []
        let compared = files.map { ($0.name, $0.snapshot.parameters, $0.snapshot.state) }
            + (swa.map { [("SGD after \($0.run.recipe.epochs) epochs", $0.run.final.parameters, $0.run.final.state)] } ?? [])
        for (name, parameters, state) in compared + [(swa == nil ? "average" : "SWA", averaged, state)] {
            let trainEval = evaluator.evaluate(parameters: parameters, state: state, on: train)
            let testEval = evaluator.evaluate(parameters: parameters, state: state, on: data.test)
            names.append(name)
            testErrors.append(100 * testEval.error)
            rows.append([name, format4(trainEval.loss), format2(100 * trainEval.error), format4(testEval.loss), format2(100 * testEval.error)])
        }
        report.summaryTable(header: ["network", "train loss", "train error (%)", "test NLL", "test error (%)"], rows: rows)
        report.results.fileLink("The average (safetensors)", to: file)
        let figure = Figure(size: .singleColumn(aspect: 0.7))
        figure[0, 0].bars(groups: names, series: ["test error"], values: [testErrors])
        figure[0, 0].yAxis = Axis(label: "test error (%)")
        figure[0, 0].legend = .hidden
        try report.figure(figure, name: "test-error", caption: "Test error of every checkpoint and of their average.")
        try report.finish(data: data, seconds: Date().timeIntervalSince(started))
    }

    /// SWA from `file` through the cache (chapter 4's code): the checkpoint as the run's end, SGD
    /// continued with its momentum buffer (or none), the checkpoint and every epoch's network averaged.
    func weightAveraging(_ file: CheckpointFile, epochs: Int, data: TrainingData) throws -> (run: WeightAveragingRun, settings: String) {
        var base = file.identifyingRecipe(fallback: TrainingRecipe(model: file.network.model, data: data.name, trainImages: data.train.count, seed: 1, epochs: 1))
        if file.recipe == nil || learningRate != nil {
            (base.schedule, base.learningRate) = (.constant, learningRate ?? 0.05)
        }
        base.width = file.network.width
        base.trainImages = data.train.count
        let recipe = WeightAveragingRecipe(base: base, startEpoch: base.epochs, epochs: epochs, swaLR: swaLr, anneal: anneal, annealEpochs: annealEpochs)
        let run = try options.cache.weightAveraging(recipe, data: data, origin: file.snapshot)
        let rate = anneal.map { "annealed (\($0.rawValue), \(annealEpochs) epochs) from \(recipe.schedule(TrainingPosition(epoch: 0, iteration: 0, iterationsPerEpoch: 1))) to \(swaLr)" }
            ?? "constant \(swaLr)"
        let momentum = file.snapshot.momentum.isEmpty ? "no momentum buffer in the checkpoint: starts from zero" : "the checkpoint's momentum buffer"
        return (run, "SWA: \(epochs) epochs of SGD from the checkpoint at \(rate) (batch \(base.batchSize), momentum \(base.momentum), wd \(base.weightDecay), "
                + "\(momentum)); the checkpoint and the network after every epoch averaged (\(epochs + 1) networks)")
    }
}

func format4(_ v: Double) -> String { String(format: "%.4f", v) }
func format2(_ v: Double) -> String { String(format: "%.2f", v) }
