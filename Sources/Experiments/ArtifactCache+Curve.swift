import Foundation
import Networks
import Tensor
import Training
import WeightSpace

extension ArtifactCache {
    /// The curve `recipe` describes between `start` and `end` (trained through the one training
    /// loop with checkpoints holding every bend under `bend{i}.` names, or read from the cache).
    public func trainedCurve(_ recipe: CurveRecipe, start: TrainedNetwork, end: TrainedNetwork, data: TrainingData) throws -> TrainedCurve {
        let network = start.network, curve = recipe.curve
        let format = CheckpointFormat(layout: network.layout, prefixes: (0..<curve.bends).map { "bend\($0)." })
        var metadata = ["network": network.model.rawValue, "curve": recipe.kind.rawValue, "bends": String(recipe.bends)]
        metadata["recipe"] = recipe.canonicalJSON
        let run = try ResumableRun(folder: root + "/" + recipe.cacheKey, format: format, metadata: metadata,
                               label: "\(recipe.kind.rawValue) seeds \(start.recipe.seed)-\(end.recipe.seed)",
                               everyEpochBudget: everyEpochSnapshotBudget)
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
