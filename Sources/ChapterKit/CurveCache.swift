import Foundation
import Networks
import Tensor
import Training
import WeightSpace

/// Everything that determines a trained curve between two cached endpoints.
public struct CurveRecipe: Codable, Hashable, Sendable {
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

    public var cacheKey: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in try! encoder.encode(self) { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return "curve-\(kind.rawValue)\(bends)-\(start.model.rawValue)-seeds\(start.seed)-\(end.seed)-\(String(h, radix: 16))"
    }

    var learningRateSchedule: LearningRateSchedule {
        var r = start
        r.epochs = epochs
        r.learningRate = learningRate
        r.schedule = schedule
        return r.learningRateSchedule
    }
}

/// A trained curve: its bends one after another, and the shared BN state (meaningless until
/// recomputed at a point, see `Evaluator.evaluateCurve`).
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

extension ArtifactCache {
    /// The curve `recipe` describes between `start` and `end` (trained through the one training
    /// loop with checkpoints holding every bend under `bend{i}.` names, or read from the cache).
    public func trainedCurve(_ recipe: CurveRecipe, start: TrainedNetwork, end: TrainedNetwork, data: TrainingData) throws -> TrainedCurve {
        let network = start.network, curve = recipe.curve
        let format = CheckpointFormat(layout: network.layout, prefixes: (0..<curve.bends).map { "bend\($0)." })
        var metadata = ["network": network.model.rawValue, "curve": recipe.kind.rawValue, "bends": String(recipe.bends)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        metadata["recipe"] = String(decoding: try encoder.encode(recipe), as: UTF8.self)
        let run = try ResumableRun(folder: root + "/" + recipe.cacheKey, format: format, metadata: metadata,
                               label: "\(recipe.kind.rawValue) seeds \(start.recipe.seed)-\(end.recipe.seed)")
        if let (s, history) = try run.finished() {
            return TrainedCurve(recipe: recipe, network: network, bendVector: s.parameters, state: s.state, history: history)
        }
        let initial = curve.linearBends(start: start.parameters, end: end.parameters)
        let (bends, state, momentum, startEpoch, history) = try run.startingPoint(initial: (initial, start.state))
        let objective = CurveObjective(curve: curve, network: network, state: state, weightDecay: Float(recipe.weightDecay),
                                       fixStart: recipe.fixStart, fixEnd: recipe.fixEnd, batchCapacity: recipe.batchSize)
        var batches = start.recipe
        batches.batchSize = recipe.batchSize
        batches.seed = recipe.seed
        let optimizer = SGD(momentum: Float(recipe.momentum), weightDecay: 0, buffer: momentum)
        let loop = TrainingLoop(objective: objective, parameters: bends, optimizer: optimizer, schedule: recipe.learningRateSchedule,
                                data: data.trainingBatches(batches), epochs: recipe.epochs,
                                seed: RandomGenerator.derive(seed: recipe.seed, "curve loop"), startEpoch: startEpoch)
        if let nu = recipe.proximalPull {
            loop.hooks.stepEnd.append { loop, step in
                ProximalAlignment.pull(&loop.parameters, towards: initial, learningRate: step.learningRate, nu: Float(nu))
            }
        }
        let finalHistory = try run.run(loop, history: history) { _ in nil }
        return TrainedCurve(recipe: recipe, network: network, bendVector: loop.parameters, state: objective.state, history: finalHistory)
    }
}
