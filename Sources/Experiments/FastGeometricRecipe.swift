import AtomicFile
import Foundation
import Networks
import Tensor
import Training
import WeightSpace

/// Everything that determines a Fast Geometric Ensembling run (Garipov et al. 2018, GAR
/// `fge.py`): the conventional run `base`, restarted from its checkpoint after `startEpoch`
/// epochs **with its momentum buffer**, then `epochs` epochs of the triangular cyclic rate
/// (lr1 → lr2 at mid-cycle → lr1, set every iteration), a member after every lr2 step.
public struct FastGeometricRecipe: CacheableRecipe, Codable, Hashable, Sendable {
    public var base: TrainingRecipe
    /// Epochs of the base run before FGE starts (≈ 80 % of its budget).
    public var startEpoch: Int
    /// Epochs of the FGE phase.
    public var epochs: Int
    /// Cycle length K in iterations (even).
    public var cycleIterations: Int
    public var lr1: Double
    public var lr2: Double
    /// 0-based steps after which the current network is kept for the trajectory figure.
    public var probeSteps: [Int]

    public init(base: TrainingRecipe, startEpoch: Int, epochs: Int, cycleIterations: Int, lr1: Double, lr2: Double, probeSteps: [Int] = []) {
        (self.base, self.startEpoch, self.epochs, self.cycleIterations) = (base, startEpoch, epochs, cycleIterations)
        (self.lr1, self.lr2, self.probeSteps) = (lr1, lr2, probeSteps)
    }

    public var schedule: LearningRateSchedule { .fgeTriangle(lr1: lr1, lr2: lr2, cycleIterations: cycleIterations) }

    public var keyPrefix: String { "fge-\(base.model.rawValue)-seed\(base.seed)" }
}

/// One step of the FGE run: the rate it used and the distance `‖θ − θ_start‖₂` after it.
public struct TrajectoryPoint: Codable, Equatable, Sendable {
    public var step: Int
    public var learningRate: Double
    public var distance: Double
}

/// A finished FGE run: its starting point, members, trajectory probes and per-step trajectory.
public struct FastGeometricRun {
    public let recipe: FastGeometricRecipe
    public let network: Network
    /// The base run's checkpoint FGE starts from.
    public let start: EnsembleMember
    public var members: [EnsembleMember]
    /// 0-based step after which each member was taken.
    public var memberSteps: [Int]
    public var probes: [(step: Int, network: EnsembleMember)]
    public var trajectory: [TrajectoryPoint]
    public var history: [EpochRecord]
    public let iterationsPerEpoch: Int

    public var collected: CollectedEnsemble {
        CollectedEnsemble(network: network, members: members,
                          memberEpochs: memberSteps.map { Double($0 + 1) / Double(iterationsPerEpoch) }, history: history)
    }
}
