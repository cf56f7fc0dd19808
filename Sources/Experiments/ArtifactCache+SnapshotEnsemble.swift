import Foundation
import Networks
import Tensor
import Training
import WeightSpace

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
                               label: "SSE seed \(base.seed)", keepEpochs: Set(recipe.snapshotEpochs),
                               everyEpochBudget: everyEpochSnapshotBudget)
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
