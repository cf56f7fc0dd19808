import Foundation
import Networks
import Tensor
import Training
import WeightSpace

extension ArtifactCache {
    /// The SWA run `recipe` describes (from the cache when present), starting from the base run's
    /// kept snapshot after `recipe.startEpoch` (`trainedNetwork(recipe.base, data:, keepEpochs: [recipe.startEpoch])`
    /// first). The running average is an epoch-end hook of the one training loop; every epoch's
    /// snapshot is kept (whatever the network's size), so a resumed run rebuilds the average from
    /// them before it continues.
    /// `origin` replaces the base run's snapshot when SWA starts from a network the cache did not
    /// train (a user's checkpoint, with its momentum buffer or none); its recipe must name it.
    public func weightAveraging(_ recipe: WeightAveragingRecipe, data: TrainingData, origin given: TrainingSnapshot? = nil) throws -> WeightAveragingRun {
        let base = recipe.base
        let network = Network.make(base.model, inputShape: data.train.shape, classes: data.train.classes, width: base.width)
        let format = CheckpointFormat(layout: network.layout)
        let origin = try given ?? snapshot(of: base, network: network, afterEpoch: recipe.startEpoch)
        let run = try ResumableRun(folder: root + "/" + recipe.cacheKey, format: format,
                               metadata: ["network": base.model.rawValue, "width": String(base.width), "recipe": recipe.canonicalJSON],
                               label: "SWA seed \(base.seed)", keepEpochs: Set((0..<recipe.epochs).map { $0 + 1 }),
                               everyEpochBudget: everyEpochSnapshotBudget)
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
