import Foundation
import Networks
import Tensor
import Training
import WeightSpace

/// Everything that determines a trained curve between two cached endpoints.
public struct CurveRecipe: CacheableRecipe, Codable, Hashable, Sendable {
    public var kind: CurveKind
    public var bends: Int = 3
    public var start: TrainingRecipe
    public var end: TrainingRecipe
    public var fixStart = true
    public var fixEnd = true
    public var seed: UInt64
    public var epochs: Int
    public var batchSize: Int = 128
    public var learningRate: Double = 0.05
    public var momentum: Double = 0.9
    public var weightDecay: Double = 5e-4
    public var schedule: ScheduleKind = .piecewise
    /// How the end network's units were permuted before the curve was trained (e.g. "correlation",
    /// "weight matching"); nil for the networks as trained. A nil field is left out of the JSON,
    /// so unaligned curves keep their cache keys.
    public var alignment: String?
    /// PAM's proximal pull of the bends towards their linear initialisation,
    /// `w ← (w + (lr/ν)·w₀)/(1 + lr/ν)` after every step, with this ν; nil (left out of the JSON,
    /// keeping other curves' keys) for none.
    public var proximalPull: Double?

    /// A curve trained with the endpoints' own optimizer options and schedule (GAR's recipe).
    public init(kind: CurveKind, bends: Int = 3, start: TrainingRecipe, end: TrainingRecipe, epochs: Int) {
        self.kind = kind
        self.bends = bends
        self.start = start
        self.end = end
        self.seed = RandomGenerator.derive(seed: start.seed &* 1_000_003 &+ end.seed, "curve \(kind.rawValue) \(bends)")
        self.epochs = epochs
        self.batchSize = start.batchSize
        self.learningRate = start.learningRate
        self.momentum = start.momentum
        self.weightDecay = start.weightDecay
        self.schedule = start.schedule
    }

    public var curve: Curve { Curve(kind, bends: bends) }

    public var keyPrefix: String { "curve-\(kind.rawValue)\(bends)-\(start.model.rawValue)-seeds\(start.seed)-\(end.seed)" }

    var learningRateSchedule: LearningRateSchedule {
        var r = start
        r.epochs = epochs
        r.learningRate = learningRate
        r.schedule = schedule
        return r.learningRateSchedule
    }
}

/// A trained curve: its bends one after another, and the shared BN state (meaningless until
/// recomputed at a point, see `PointProbe.curve`).
public struct TrainedCurve {
    public let recipe: CurveRecipe
    public let network: Network
    public var bendVector: [Float]
    public var state: [Float]
    public var history: [EpochRecord]

    /// Bend `i` as a parameter vector.
    public func bend(_ i: Int) -> [Float] {
        let p = network.layout.parameterCount
        return Array(bendVector[(i * p)..<((i + 1) * p)])
    }
}
