// train — train one network on Fashion-MNIST (or CIFAR-10/100) through the artifact cache, in the spirit of the
// papers' `train.py`: progress on stderr, test loss and accuracy per epoch on stdout, and a
// safetensors checkpoint (PyTorch names) that later chapters reuse. An interrupted run resumes
// from its last epoch when the same command is typed again.
import ArgumentParser
import AtomicFile
import ChapterKit
import Experiments
import Foundation
import Networks

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a reference network on Fashion-MNIST, CIFAR-10 or CIFAR-100 and cache its checkpoint.",
        discussion: """
        Defaults follow the mode-connectivity recipe scaled to Fashion-MNIST: batch 128, SGD with \
        momentum 0.9, lr 0.05, weight decay 5e-4, GAR's piecewise schedule, random crop (pad 2; 4 on \
        CIFAR) and horizontal flip. The checkpoint is written after every epoch; typing the same \
        command again returns the cached network or resumes an interrupted run. The final test \
        metrics are on the whole test set: a cached network whose history was measured on a subset \
        (a chapter's budget) is evaluated again.
        """)

    @Option(help: "Network: \(ModelName.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ModelName = .tinyten
    @Option(help: "Width multiplier for channels and hidden units.")
    var width: Int = 1
    @Option(help: "Training epochs.")
    var epochs: Int = 10
    @Option(help: "Seed for initialisation, shuffling and augmentation.")
    var seed: UInt64 = 1
    @Option(help: "Minibatch size.")
    var batchSize: Int = 128
    @Option(name: .customLong("lr"), help: "Initial learning rate.")
    var learningRate: Double = 0.05
    @Option(help: "SGD momentum.")
    var momentum: Double = 0.9
    @Flag(help: "Use Nesterov momentum.")
    var nesterov = false
    @Option(name: .customLong("wd"), help: "Weight decay.")
    var weightDecay: Double = 5e-4
    @Option(help: "Learning-rate schedule: \(ScheduleKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var schedule: ScheduleKind = .piecewise
    @Option(help: "Zero padding of the random crop (0 turns cropping off; default 2 for fashion-mnist, 4 for CIFAR).")
    var cropPadding: Int?
    @Flag(help: "Turn off random horizontal flips.")
    var noFlip = false
    @Option(help: "Train on the first N training images only.")
    var trainLimit: Int?
    @Option(help: "Also write the trained network's state dict alone (no optimizer state; loads into the PyTorch module with strict=True) to this safetensors file.")
    var save: String?
    @Option(help: "Also write the first 64 test images and the trained network's logits to this safetensors file (for Tests/Python/check_checkpoint.py).")
    var exportBatch: String?
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        guard epochs >= 1, batchSize >= 1, width >= 1 else { throw ValidationError("--epochs, --batch-size and --width must be positive") }
        guard learningRate > 0, weightDecay >= 0, (0..<1).contains(momentum) else { throw ValidationError("need lr > 0, wd ≥ 0, 0 ≤ momentum < 1") }
        if let trainLimit, trainLimit < batchSize { throw ValidationError("--train-limit must be at least the batch size") }
        if let cropPadding, cropPadding < 0 { throw ValidationError("--crop-padding must be non-negative, got \(cropPadding)") }
        try engine.validate(model: model)
    }

    func run() throws {
        engine.prepareRuntime()
        let data = try TrainingData.load(engine.dataSource, trainLimit: trainLimit)
        var recipe = TrainingRecipe(model: model, data: data.name, trainImages: data.train.count, seed: seed, epochs: epochs)
        recipe.width = width
        recipe.batchSize = batchSize
        recipe.learningRate = learningRate
        recipe.momentum = momentum
        recipe.nesterov = nesterov
        recipe.weightDecay = weightDecay
        recipe.schedule = schedule
        if let cropPadding { recipe.cropPadding = cropPadding }
        recipe.horizontalFlip = !noFlip
        let network = Network.make(model, inputShape: data.train.shape, classes: data.train.classes, width: width)
        print("\(model.rawValue) on \(engine.dataset.title) (\(data.train.shape.map(String.init).joined(separator: "×")), "
              + "\(data.train.classes) classes): \(network.layout.parameterCount) parameters; \(BLASRuntime.summary)")
        let cache = ArtifactCache(root: engine.cache)
        let start = Date()
        let trained = try cache.trainedNetwork(recipe, data: data)
        for line in trained.finalTestMetrics(on: data) { print(line) }
        let trainedSeconds = trained.history.map(\.seconds)
        if !trainedSeconds.isEmpty {
            print(String(format: "mean wall time per epoch %.1f s (this run: %.1f s in all)", trainedSeconds.reduce(0, +) / Double(trainedSeconds.count), Date().timeIntervalSince(start)))
        }
        print("checkpoint: \(trained.path)")
        if let save {
            try AtomicFile.write(trained.stateDict(), to: save)
            print("state dict: \(save)")
        }
        if let exportBatch {
            try LogitsExport.write(trained, images: data.test.prefix(64), to: exportBatch)
            print("inputs and logits of 64 test images: \(exportBatch)")
        }
    }
}

Train.main()
