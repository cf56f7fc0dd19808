import Datasets
import Foundation
import Networks
import Training

/// The learning-rate schedules a recipe can name (the cache key holds the name, never a closure).
public enum ScheduleKind: String, Codable, CaseIterable, Sendable {
    /// GAR's piecewise schedule (1 → linear to 0.01 between 50 % and 90 % of the run).
    case piecewise
    case cosine
    case constant
    /// Step decay ×0.1 at 50 % and 75 % of the epochs (the Knee paper's "baseline", per epoch).
    case step
    /// Smith's one-cycle, per iteration (`LearningRateSchedule.oneCycle`).
    case oneCycle = "one-cycle"
    /// The Knee schedule (Iyer et al.): `exploreFraction` of the iterations at the peak, then a
    /// linear decay to 0 at the last iteration; no warmup. Explore 0 is plain linear decay.
    case knee
}

/// Everything that determines a trained network; two equal recipes give the same network on the
/// same machine and thread count, so the artifact cache keys on it.
public struct TrainingRecipe: CacheableRecipe, Codable, Hashable, Sendable {
    public var model: ModelName
    public var width: Int = 1
    /// Which data (`TrainingData.name`: "fashion-mnist", "cifar10", "cifar100", …), with
    /// `trainImages` the number of its training images used; part of the cache key.
    public var data: String
    public var trainImages: Int
    public var seed: UInt64
    public var epochs: Int
    public var batchSize: Int = 128
    public var learningRate: Double = 0.05
    public var momentum: Double = 0.9
    public var nesterov: Bool = false
    public var weightDecay: Double = 5e-4
    public var schedule: ScheduleKind = .piecewise
    /// The random crop's zero padding; the initialiser sets the data set's usual value (2 for
    /// Fashion-MNIST, 4 for CIFAR: `DatasetName.cropPadding`).
    public var cropPadding: Int = 2
    public var horizontalFlip: Bool = true
    /// The Knee schedule's explore fraction (nil for every other schedule; a nil field is left
    /// out of the canonical JSON, so recipes without it keep their cache keys).
    public var exploreFraction: Double?
    /// SHA-256 of the checkpoint file a tool was given, standing for a network this recipe did not
    /// train (nil, and left out of the JSON, for every network the cache trains).
    public var checkpoint: String?

    public init(model: ModelName, data: String, trainImages: Int, seed: UInt64, epochs: Int) {
        self.model = model
        self.data = data
        self.trainImages = trainImages
        self.seed = seed
        self.epochs = epochs
        cropPadding = DatasetName(rawValue: data)?.cropPadding ?? 2
    }

    public var learningRateSchedule: LearningRateSchedule {
        switch schedule {
        case .piecewise: return .piecewise(learningRate, epochs: epochs)
        case .cosine: return .cosine(learningRate, epochs: epochs)
        case .constant: return .constant(learningRate)
        case .step: return .step(learningRate, milestones: [(epochs + 1) / 2, Int((0.75 * Double(epochs)).rounded())], gamma: 0.1)
        case .oneCycle: return .oneCycle(peak: learningRate, totalIterations: totalIterations)
        case .knee:
            let fraction = exploreFraction ?? 0.5
            return .knee(peak: learningRate, warmupIterations: 0, exploreIterations: Int((fraction * Double(totalIterations)).rounded()),
                         totalIterations: totalIterations)
        }
    }

    /// Iterations of the whole run (the loader keeps the last, smaller batch).
    public var totalIterations: Int { epochs * ((trainImages + batchSize - 1) / batchSize) }

    public func makeOptimizer(buffer: [Float] = []) -> SGD {
        SGD(momentum: Float(momentum), nesterov: nesterov, weightDecay: Float(weightDecay), buffer: buffer)
    }

    public var keyPrefix: String { "\(model.rawValue)-seed\(seed)" }
}
