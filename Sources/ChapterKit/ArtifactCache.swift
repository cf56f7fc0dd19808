import Datasets
import Foundation
import Networks
import Tensor
import Training

/// Which images a metric was measured on: the first `images` of a data set's split of `of`
/// images (the chapters' quick and full budgets evaluate on a prefix of the test split).
public struct MeasuredOn: Codable, Equatable, Sendable, CustomStringConvertible {
    /// The data set's name, e.g. "fashion-mnist".
    public var data: String
    /// "test" or "train".
    public var split: String
    public var images: Int
    /// Images in the whole split.
    public var of: Int

    public init(data: String, split: String, images: Int, of: Int) {
        self.data = data
        self.split = split
        self.images = images
        self.of = of
    }

    public var isWholeSplit: Bool { images >= of }

    /// "all 10 000 test images" or "the first 5 000 of the 10 000 test images".
    public var description: String {
        isWholeSplit ? "all \(Self.grouped(of)) \(split) images"
            : "the first \(Self.grouped(images)) of the \(Self.grouped(of)) \(split) images"
    }

    /// 10000 → "10 000" (the reports' thousands separator).
    public static func grouped(_ n: Int) -> String {
        var digits = String(n), groups: [Substring] = []
        while digits.count > 3 { groups.insert(Substring(digits.suffix(3)), at: 0); digits.removeLast(3) }
        return ([Substring(digits)] + groups).joined(separator: " ")
    }
}

/// One epoch of a training run, as the cache records it (errors are fractions).
public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    public var learningRate: Double
    /// Running means over the epoch's (augmented) minibatches of the recipe's `trainImages`
    /// training images, taken while the weights moved.
    public var trainLoss: Double
    public var trainError: Double
    /// Test metrics after the epoch, where the run evaluates them.
    public var testLoss: Double?
    public var testError: Double?
    /// The images `testLoss` and `testError` were measured on; nil when the run did not evaluate,
    /// or in an entry cached before this was recorded (unknown: a chapter may have used a subset).
    public var testImages: MeasuredOn?
    public var seconds: Double

    public init(epoch: Int, learningRate: Double, trainLoss: Double, trainError: Double, testLoss: Double? = nil,
                testError: Double? = nil, testImages: MeasuredOn? = nil, seconds: Double) {
        self.epoch = epoch
        self.learningRate = learningRate
        self.trainLoss = trainLoss
        self.trainError = trainError
        self.testLoss = testLoss
        self.testError = testError
        self.testImages = testImages
        self.seconds = seconds
    }
}

/// A trained network as the cache hands it out.
public struct TrainedNetwork {
    public let recipe: TrainingRecipe
    public let network: Network
    public var parameters: [Float]
    public var state: [Float]
    /// SGD momentum buffer at the end of the run (FGE starts from it).
    public var momentum: [Float]
    public var history: [EpochRecord]
    /// Where the checkpoint lives.
    public let path: String
}

/// Trained networks (and curves, see `CurveCache.swift`) by recipe. Asking for a recipe returns it
/// from disk when it exists; otherwise it is trained, with a checkpoint after every epoch so an
/// interrupted run resumes where it stopped. Chapters share endpoints through it.
///
/// Layout: `<root>/<cacheKey>/{recipe.json, last.safetensors, final.safetensors, history.json,
/// epoch-K.safetensors}`.
public final class ArtifactCache {
    public let root: String

    /// `root` defaults to `$LOSS_SURFACES_CACHE` or the git-ignored `cache/` folder of the package.
    public init(root: String? = nil) {
        self.root = root ?? ProcessInfo.processInfo.environment["LOSS_SURFACES_CACHE"] ?? ArtifactCache.packageRoot + "/cache"
    }

    /// The package's root folder, found from this source file's path.
    public static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    func run(for recipe: TrainingRecipe, network: Network, keepEpochs: Set<Int> = []) throws -> ResumableRun {
        try ResumableRun(folder: root + "/" + recipe.cacheKey, format: CheckpointFormat(layout: network.layout),
                     metadata: recipe.metadata, label: "\(recipe.model.rawValue) seed \(recipe.seed)", keepEpochs: keepEpochs)
    }

    /// The network `recipe` describes, trained on `data` (taken from the cache when present).
    /// Every epoch's snapshot is kept; `keepEpochs` are the epochs (from 1) the caller will read
    /// with `snapshot(of:afterEpoch:)`, e.g. the 80 % point FGE starts from (an entry cached before
    /// snapshots were kept for every epoch is retrained when one is missing).
    public func trainedNetwork(_ recipe: TrainingRecipe, data: TrainingData, keepEpochs: Set<Int> = []) throws -> TrainedNetwork {
        let network = Network.make(recipe.model, inputShape: data.train.shape, classes: data.train.classes, width: recipe.width)
        let run = try run(for: recipe, network: network, keepEpochs: keepEpochs)
        if let (s, history) = try run.finished() {
            return TrainedNetwork(recipe: recipe, network: network, parameters: s.parameters, state: s.state,
                                  momentum: s.momentum, history: history, path: run.finalPath)
        }
        let initial = network.initialParameters(seed: RandomGenerator.derive(seed: recipe.seed, "init \(recipe.model.rawValue)"))
        let (parameters, state, momentum, startEpoch, history) = try run.startingPoint(initial: initial)
        let objective = NetworkObjective(network: network, state: state, batchCapacity: recipe.batchSize)
        let loop = TrainingLoop(objective: objective, parameters: parameters, optimizer: recipe.makeOptimizer(buffer: momentum),
                                schedule: recipe.learningRateSchedule, data: data.trainingBatches(recipe), epochs: recipe.epochs,
                                seed: RandomGenerator.derive(seed: recipe.seed, "loop"), startEpoch: startEpoch)
        let evaluator = Evaluator(network: network)
        let finalHistory = try run.run(loop, history: history, testImages: data.testImages) { loop in
            evaluator.evaluate(parameters: loop.parameters, state: objective.state, on: data.test)
        }
        return TrainedNetwork(recipe: recipe, network: network, parameters: loop.parameters, state: objective.state,
                              momentum: loop.optimizer.buffer, history: finalHistory, path: run.finalPath)
    }

    /// The kept snapshot after `epoch` (call `trainedNetwork` first, with `epoch` in `keepEpochs`).
    public func snapshot(of recipe: TrainingRecipe, network: Network, afterEpoch epoch: Int) throws -> TrainingSnapshot {
        try CheckpointFormat(layout: network.layout).load(from: try run(for: recipe, network: network).snapshotPath(afterEpoch: epoch))
    }
}

extension TrainingRecipe {
    /// Checkpoint metadata: the network's name and the recipe (metadata values are strings).
    public var metadata: [String: String] {
        ["network": model.rawValue, "width": String(width), "recipe": canonicalJSON]
    }
}
