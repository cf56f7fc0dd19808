import Foundation
import Networks
import Tensor
import Training
import WeightSpace

/// Everything that determines a Snapshot Ensembles run (Huang et al. 2017) over several budgets:
/// the conventional run `base` with its schedule replaced by cosine restarts. Initialisation,
/// minibatches, optimizer and augmentation are the base run's, so SSE and the independent
/// network of the same seed differ only in their learning rate.
public struct SnapshotEnsembleRecipe: CacheableRecipe, Codable, Hashable, Sendable {
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

    public var keyPrefix: String { "sse-\(base.model.rawValue)-seed\(base.seed)" }
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
