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
/// (SWA's average of given snapshots, `torch.optim.swa_utils.AveragedModel` + `update_bn`).
struct AverageTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "average",
        abstract: "Average checkpoints' parameters (SWA over given snapshots), recompute BN for the average, and compare it with them.",
        discussion: """
            The average's BN statistics are recomputed by one pass over the training images in order \
            (swa_utils.update_bn: the equal-weight average of the batches' statistics). Every network is then \
            evaluated on the training images (or --train-images of them) and the test images; the inputs with their own \
            BN statistics. Writes average.safetensors (the network's tensors only: loads into PyTorch with strict=True).
            """)

    @Argument(help: "The checkpoints to average (safetensors; the same network).")
    var checkpoints: [String]
    @Option(help: "Training images (a fixed subset) the average's BN statistics are recomputed on (default: every loaded training image).")
    var bnImages: Int?
    @Option(help: "Training images (a fixed subset) train loss and error are measured on (default: every loaded training image).")
    var trainImages: Int?
    @OptionGroup var options: ToolOptions

    func validate() throws {
        guard !checkpoints.isEmpty else { throw ValidationError("give at least one checkpoint") }
        for (name, value) in [("--bn-images", bnImages), ("--train-images", trainImages)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1, got \(value)") }
        }
    }

    func run() throws {
        let started = Date(), data = try options.prepare()
        let files = try options.checkpoints(checkpoints, data: data).map { try $0.network(for: "average") }
        let network = files[0].network, evaluator = Evaluator(network: network)
        var average = WeightAverage(dimension: network.layout.parameterCount)
        for file in files { average.collect(file.snapshot.parameters) }
        let bn = data.train.fixedSubset(count: min(bnImages ?? data.train.count, data.train.count), seed: 17)
        let state = evaluator.recalibrateBatchNorm(parameters: average.average, state: files[0].snapshot.state, on: bn)
        let train = data.train.fixedSubset(count: min(trainImages ?? data.train.count, data.train.count), seed: 29)
        var report = try ToolReport(title: "The average of \(files.count) checkpoint\(files.count == 1 ? "" : "s")", inputs: files, settings: [
            ("average", "uniform, parameters only"), ("BN of the average", "recomputed on \(bn.count) training images"),
            ("train metrics on", "\(train.count) training images"),
        ], path: options.folder("average"))
        let file = try report.folder.write(data: StateDict.encode(network: network, parameters: average.average, state: state,
                                                                  metadata: ["average_of": files.map(\.sha256).joined(separator: ",")]),
                                           name: "average.safetensors")
        var names: [String] = [], rows: [[String]] = [], testErrors: [Double] = []
        for (name, parameters, state) in files.map({ ($0.name, $0.snapshot.parameters, $0.snapshot.state) }) + [("average", average.average, state)] {
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
}

func format4(_ v: Double) -> String { String(format: "%.4f", v) }
func format2(_ v: Double) -> String { String(format: "%.2f", v) }
