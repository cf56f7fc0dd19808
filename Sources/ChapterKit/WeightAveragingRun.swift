import Foundation
import Networks
import Tensor
import Training
import WeightSpace

/// Everything that determines a Stochastic Weight Averaging run (Izmailov et al. 2018, SWA
/// `train.py`): the conventional run `base`, continued from its checkpoint after `startEpoch`
/// epochs **with its momentum buffer** for `epochs` more epochs at the SWA rate, averaging the
/// parameters at the end of every epoch from the checkpoint on (`(epoch + 1) ≥ swa_start`).
public struct WeightAveragingRecipe: Codable, Hashable, Sendable {
    public var base: TrainingRecipe
    /// Epochs of the base run before averaging starts; its checkpoint is the first member.
    public var startEpoch: Int
    /// Epochs of the averaging phase.
    public var epochs: Int
    public var swaLR: Double
    /// nil: constant `swaLR` (the SWA paper's schedule, which has reached swa_lr by 90 % of
    /// swa_start); otherwise PyTorch's `SWALR` from the base run's last rate over `annealEpochs`.
    public var anneal: AnnealShape?
    public var annealEpochs: Double = 1

    public init(base: TrainingRecipe, startEpoch: Int, epochs: Int, swaLR: Double, anneal: AnnealShape? = nil, annealEpochs: Double = 1) {
        precondition(startEpoch >= 1 && startEpoch <= base.epochs && epochs >= 1,
                     "SWA needs 1 ≤ startEpoch ≤ base epochs and ≥ 1 averaging epoch, got start \(startEpoch) of \(base.epochs), \(epochs) epochs")
        self.base = base
        self.startEpoch = startEpoch
        self.epochs = epochs
        self.swaLR = swaLR
        self.anneal = anneal
        self.annealEpochs = annealEpochs
    }

    /// The rate of the averaging phase (positions count from its own start).
    public var schedule: LearningRateSchedule {
        guard let anneal else { return .constant(swaLR) }
        let last = Double(base.learningRateSchedule(TrainingPosition(epoch: startEpoch - 1, iteration: 0, iterationsPerEpoch: 1)))
        return .swaAnneal(from: last, to: swaLR, epochs: annealEpochs, shape: anneal)
    }

    /// Total epochs (base + averaging) after which the average holds `n` members: startEpoch + n − 1.
    public func totalEpochs(afterMembers n: Int) -> Int { startEpoch + n - 1 }

    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    public var cacheKey: String { "swa-\(base.model.rawValue)-seed\(base.seed)-\(fnv1a(canonicalJSON))" }
}

/// A finished SWA run: the averaged parameters after each total epoch count, and the SGD iterate.
public struct WeightAveragingRun {
    public let recipe: WeightAveragingRecipe
    public let network: Network
    /// Total epochs (base included) → the average of the members collected up to then.
    public let averages: [Int: [Float]]
    /// The last SGD iterate of the averaging phase and its BN state.
    public let final: EnsembleMember
    public let history: [EpochRecord]
    /// `average-epoch-K.safetensors` in the run's folder: the averaged network after K total
    /// epochs, a checkpoint like any other (PyTorch names). Its BN buffers are the last iterate's,
    /// to be recomputed before use (`swa_utils.update_bn`), as its metadata says.
    public let averagePaths: [Int: String]
}

extension ArtifactCache {
    /// The SWA run `recipe` describes (from the cache when present), starting from the base run's
    /// kept snapshot after `recipe.startEpoch` (`trainedNetwork(recipe.base, data:, keepEpochs: [recipe.startEpoch])`
    /// first). The running average is an epoch-end hook of the one training loop; every epoch's
    /// snapshot is kept, so a resumed run rebuilds the average from them before it continues.
    public func weightAveraging(_ recipe: WeightAveragingRecipe, data: TrainingData) throws -> WeightAveragingRun {
        let base = recipe.base
        let network = Network.make(base.model, inputShape: data.train.shape, classes: data.train.classes, width: base.width)
        let format = CheckpointFormat(layout: network.layout)
        let origin = try snapshot(of: base, network: network, afterEpoch: recipe.startEpoch)
        let run = try ResumableRun(folder: root + "/" + recipe.cacheKey, format: format,
                               metadata: ["network": base.model.rawValue, "width": String(base.width), "recipe": recipe.canonicalJSON],
                               label: "SWA seed \(base.seed)")
        var average = WeightAverage(dimension: origin.parameters.count)
        var averages: [Int: [Float]] = [:]
        func collect(_ w: [Float]) {
            average.collect(w)
            averages[recipe.totalEpochs(afterMembers: average.count)] = average.average
        }
        collect(origin.parameters)
        func finish(_ final: EnsembleMember, _ history: [EpochRecord]) throws -> WeightAveragingRun {
            var paths: [Int: String] = [:]
            for (epoch, average) in averages {
                let path = run.folder + "/average-epoch-\(epoch).safetensors"
                if !FileManager.default.fileExists(atPath: path) {
                    try format.save(TrainingSnapshot(parameters: average, state: final.state, momentum: [], epochsDone: epoch,
                                                     metadata: ["network": base.model.rawValue, "swa_members": String(epoch - recipe.startEpoch + 1),
                                                                "note": "SWA average; BN statistics are the last iterate's: recompute them (swa_utils.update_bn)"]),
                                    to: path)
                }
                paths[epoch] = path
            }
            return WeightAveragingRun(recipe: recipe, network: network, averages: averages, final: final, history: history, averagePaths: paths)
        }
        if let (s, history) = try run.finished() {
            for epoch in 1...recipe.epochs { collect(try format.load(from: run.snapshotPath(afterEpoch: epoch)).parameters) }
            return try finish(EnsembleMember(parameters: s.parameters, state: s.state, label: "SWA run's last iterate"), history)
        }
        var batches = base
        batches.seed = RandomGenerator.derive(seed: base.seed, "swa batches")
        var (parameters, state, momentum, startEpoch, history) = (origin.parameters, origin.state, origin.momentum, 0, [EpochRecord]())
        if let resume = try run.resumePoint() {
            (parameters, state, momentum, startEpoch) = (resume.parameters, resume.state, resume.momentum, resume.epochsDone)
            history = Array(run.readHistory().prefix(startEpoch))
            for epoch in stride(from: 1, through: startEpoch, by: 1) { collect(try format.load(from: run.snapshotPath(afterEpoch: epoch)).parameters) }
            FileHandle.standardError.write(Data("resuming \(recipe.cacheKey) after epoch \(startEpoch), \(average.count) members averaged\n".utf8))
        }
        let objective = NetworkObjective(network: network, state: state, batchCapacity: base.batchSize)
        let loop = TrainingLoop(objective: objective, parameters: parameters, optimizer: base.makeOptimizer(buffer: momentum),
                                schedule: recipe.schedule, data: data.trainingBatches(batches), epochs: recipe.epochs,
                                seed: RandomGenerator.derive(seed: base.seed, "swa loop"), startEpoch: startEpoch)
        loop.hooks.epochEnd.append { loop, _ in collect(loop.parameters) }
        let finalHistory = try run.run(loop, history: history) { _ in nil }
        return try finish(EnsembleMember(parameters: loop.parameters, state: objective.state, label: "SWA run's last iterate"), finalHistory)
    }
}
