import Foundation
import Networks
import Tensor
import Training
import WeightSpace

/// Everything that determines a Stochastic Weight Averaging run (Izmailov et al. 2018, SWA
/// `train.py`): the conventional run `base`, continued from its checkpoint after `startEpoch`
/// epochs **with its momentum buffer** for `epochs` more epochs at the SWA rate, averaging the
/// parameters at the end of every epoch from the checkpoint on (`(epoch + 1) ≥ swa_start`).
public struct WeightAveragingRecipe: CacheableRecipe, Codable, Hashable, Sendable {
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

    public var keyPrefix: String { "swa-\(base.model.rawValue)-seed\(base.seed)" }
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
