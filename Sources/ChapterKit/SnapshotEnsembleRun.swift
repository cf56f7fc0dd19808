import Foundation
import Networks
import Tensor
import Training
import WeightSpace

/// Everything that determines a Snapshot Ensembles run (Huang et al. 2017) over several budgets:
/// the conventional run `base` with its schedule replaced by cosine restarts. Initialisation,
/// minibatches, optimizer and augmentation are the base run's, so SSE and the independent
/// network of the same seed differ only in their learning rate.
public struct SnapshotEnsembleRecipe: Codable, Hashable, Sendable {
    /// The conventional run of one budget (its `epochs` is B).
    public var base: TrainingRecipe
    /// The rate every cosine cycle restarts at (α0).
    public var learningRate: Double
    public var cyclesPerBudget: Int
    public var budgets: Int

    public init(base: TrainingRecipe, learningRate: Double, cyclesPerBudget: Int, budgets: Int) {
        self.base = base
        self.learningRate = learningRate
        self.cyclesPerBudget = cyclesPerBudget
        self.budgets = budgets
    }

    public var totalEpochs: Int { budgets * base.epochs }

    public var schedule: LearningRateSchedule {
        .snapshotEnsemble(learningRate, epochsPerBudget: base.epochs, cyclesPerBudget: cyclesPerBudget, budgets: budgets)
    }

    /// Epochs done after which a snapshot is taken (the cycle ends), increasing.
    public var snapshotEpochs: [Int] {
        SnapshotEnsembleCycles.snapshotEpochs(epochsPerBudget: base.epochs, cyclesPerBudget: cyclesPerBudget, budgets: budgets)
    }

    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    public var cacheKey: String {
        "sse-\(base.model.rawValue)-seed\(base.seed)-\(fnv1a(canonicalJSON))"
    }
}

/// Members collected from one ensemble run, in collection order.
public struct CollectedEnsemble {
    public let network: Network
    public var members: [EnsembleMember]
    /// Where each member was taken, in epochs since the start of the run (fractional for FGE).
    public var memberEpochs: [Double]
    public var history: [EpochRecord]

    public init(network: Network, members: [EnsembleMember], memberEpochs: [Double], history: [EpochRecord]) {
        self.network = network
        self.members = members
        self.memberEpochs = memberEpochs
        self.history = history
    }
}

/// 64-bit FNV-1a of a string, in hex (the cache keys' hash).
func fnv1a(_ text: String) -> String {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
    return String(h, radix: 16)
}

extension ArtifactCache {
    /// The SSE run `recipe` describes (from the cache when present): one training loop over all
    /// budgets with cosine restarts, checkpointed every epoch (an interrupted run resumes), with a
    /// snapshot kept at the end of every cycle. Members are the snapshots, in order.
    public func snapshotEnsemble(_ recipe: SnapshotEnsembleRecipe, data: TrainingData) throws -> CollectedEnsemble {
        let base = recipe.base
        let network = Network.make(base.model, inputShape: data.train.shape, classes: data.train.classes, width: base.width)
        let format = CheckpointFormat(layout: network.layout)
        let run = try ResumableRun(folder: root + "/" + recipe.cacheKey, format: format,
                               metadata: ["network": base.model.rawValue, "width": String(base.width), "recipe": recipe.canonicalJSON],
                               label: "SSE seed \(base.seed)", keepEpochs: Set(recipe.snapshotEpochs))
        var history: [EpochRecord]
        if let (_, done) = try run.finished() {
            history = done
        } else {
            let initial = network.initialParameters(seed: RandomGenerator.derive(seed: base.seed, "init \(base.model.rawValue)"))
            let (parameters, state, momentum, startEpoch, start) = try run.startingPoint(initial: initial)
            let objective = NetworkObjective(network: network, state: state, batchCapacity: base.batchSize)
            let loop = TrainingLoop(objective: objective, parameters: parameters, optimizer: base.makeOptimizer(buffer: momentum),
                                    schedule: recipe.schedule, data: data.trainingBatches(base), epochs: recipe.totalEpochs,
                                    seed: RandomGenerator.derive(seed: base.seed, "loop"), startEpoch: startEpoch)
            history = try run.run(loop, history: start) { _ in nil }
        }
        let members = try recipe.snapshotEpochs.map { epoch -> EnsembleMember in
            let s = try format.load(from: run.snapshotPath(afterEpoch: epoch))
            return EnsembleMember(parameters: s.parameters, state: s.state, label: "SSE snapshot after epoch \(epoch)")
        }
        return CollectedEnsemble(network: network, members: members, memberEpochs: recipe.snapshotEpochs.map(Double.init), history: history)
    }
}
