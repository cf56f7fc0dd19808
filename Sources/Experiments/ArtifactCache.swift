import Datasets
import Foundation
import Networks
import Tensor
import Training

/// Trained networks (and curves, see `ArtifactCache+Curve.swift`) by recipe. Asking for a recipe returns it
/// from disk when it exists; otherwise it is trained, with a checkpoint after every epoch so an
/// interrupted run resumes where it stopped. Chapters share endpoints through it.
///
/// Layout: `<root>/<cacheKey>/{recipe.json, last.safetensors, final.safetensors, history.json,
/// epoch-K.safetensors}`.
public final class ArtifactCache {
    public let root: String
    /// The most bytes one run's epoch snapshots may take for every epoch's to be kept (beyond the
    /// epochs a caller asks for); 1 GiB keeps all of the chapters' and none of VGG16's.
    public var everyEpochSnapshotBudget = 1 << 30

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
                     metadata: recipe.metadata, label: "\(recipe.model.rawValue) seed \(recipe.seed)", keepEpochs: keepEpochs,
                     everyEpochBudget: everyEpochSnapshotBudget)
    }

    /// The network `recipe` describes, trained on `data` (taken from the cache when present).
    /// `keepEpochs` are the epochs (from 1) the caller will read with `snapshot(of:afterEpoch:)`,
    /// e.g. the 80 % point FGE starts from; every epoch's snapshot is kept too when the network is
    /// small (`everyEpochSnapshotBudget`). An entry that lacks a requested one is retrained.
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
