import AtomicFile
import Foundation
import Networks
import Tensor
import Training
import WeightSpace

/// What the FGE run has collected so far; written at every epoch end beside the checkpoint.
private struct CollectionLog: Codable {
    var members: [Int] = []
    var probes: [Int] = []
    var trajectory: [TrajectoryPoint] = []

    /// The log as it stood when `steps` steps were done (a resumed run recollects the rest).
    func truncated(toSteps steps: Int) -> CollectionLog {
        CollectionLog(members: members.filter { $0 < steps }, probes: probes.filter { $0 < steps },
                      trajectory: trajectory.filter { $0.step < steps })
    }
}

/// The files of one FGE run beside its checkpoints: `member-<step>.safetensors`,
/// `probe-<step>.safetensors` (parameters and BN state after that 0-based step) and
/// `collection.json` (which members and probes exist, and the per-step trajectory).
private struct FastGeometricFolder {
    let path: String
    let format: CheckpointFormat
    let model: ModelName

    func memberPath(_ step: Int) -> String { path + "/member-\(step).safetensors" }
    func probePath(_ step: Int) -> String { path + "/probe-\(step).safetensors" }
    var logPath: String { path + "/collection.json" }

    func save(_ parameters: [Float], _ state: [Float], step: Int, to file: String) throws {
        try format.save(TrainingSnapshot(parameters: parameters, state: state, momentum: [], epochsDone: 0,
                                         metadata: ["network": model.rawValue, "fge_step": String(step)]), to: file)
    }

    func load(_ file: String, label: String) throws -> EnsembleMember {
        let s = try format.load(from: file)
        return EnsembleMember(parameters: s.parameters, state: s.state, label: label)
    }

    func write(_ log: CollectionLog) throws { try AtomicFile.write(try JSONEncoder().encode(log), to: logPath) }

    func readLog() throws -> CollectionLog {
        guard let data = FileManager.default.contents(atPath: logPath) else { throw MissingCollectionLog(path: logPath) }
        return try JSONDecoder().decode(CollectionLog.self, from: data)
    }
}

extension ArtifactCache {
    /// The FGE run `recipe` describes (from the cache when present), starting from the base run's
    /// kept snapshot after `recipe.startEpoch` (train it first with
    /// `trainedNetwork(recipe.base, data:, keepEpochs: [recipe.startEpoch])`). Checkpointed every
    /// epoch; members and probes are written as they are taken, so an interrupted run resumes.
    /// `origin` replaces the base run's snapshot when FGE starts from a network the cache did not
    /// train (a user's checkpoint, with its momentum buffer or none); its recipe must name it.
    public func fastGeometricEnsemble(_ recipe: FastGeometricRecipe, data: TrainingData, origin given: TrainingSnapshot? = nil) throws -> FastGeometricRun {
        let base = recipe.base
        let network = Network.make(base.model, inputShape: data.train.shape, classes: data.train.classes, width: base.width)
        let format = CheckpointFormat(layout: network.layout)
        let origin = try given ?? snapshot(of: base, network: network, afterEpoch: recipe.startEpoch)
        let folder = FastGeometricFolder(path: root + "/" + recipe.cacheKey, format: format, model: base.model)
        let run = try ResumableRun(folder: folder.path, format: format,
                               metadata: ["network": base.model.rawValue, "width": String(base.width), "recipe": recipe.canonicalJSON],
                               label: "FGE seed \(base.seed)", everyEpochBudget: everyEpochSnapshotBudget)
        let perEpoch = data.trainingBatches(base).batchesPerEpoch
        var history: [EpochRecord]
        if let (_, done) = try run.finished() {
            history = done
        } else {
            history = try trainFastGeometric(recipe, from: origin, network: network, run: run, folder: folder, data: data)
        }
        let log = try folder.readLog()
        return FastGeometricRun(
            recipe: recipe, network: network,
            start: EnsembleMember(parameters: origin.parameters, state: origin.state,
                                  label: given == nil ? "FGE start (epoch \(recipe.startEpoch) of the base run)" : "FGE start"),
            members: try log.members.map { try folder.load(folder.memberPath($0), label: "FGE member after step \($0)") }, memberSteps: log.members,
            probes: try log.probes.map { ($0, try folder.load(folder.probePath($0), label: "FGE probe after step \($0)")) },
            trajectory: log.trajectory, history: history, iterationsPerEpoch: perEpoch)
    }

    /// Runs (or resumes) the FGE loop: the base run's optimizer and momentum, the triangular rate,
    /// a member after every lr2 step, probes at `recipe.probeSteps`, the trajectory at every step.
    private func trainFastGeometric(_ recipe: FastGeometricRecipe, from origin: TrainingSnapshot, network: Network, run: ResumableRun,
                                    folder: FastGeometricFolder, data: TrainingData) throws -> [EpochRecord] {
        let base = recipe.base
        var fgeBatches = base
        fgeBatches.seed = RandomGenerator.derive(seed: base.seed, "fge batches")
        let batches = data.trainingBatches(fgeBatches)
        var (parameters, state, momentum, startEpoch) = (origin.parameters, origin.state, origin.momentum, 0)
        var log = CollectionLog(), history: [EpochRecord] = []
        if let resume = try run.resumePoint() {
            (parameters, state, momentum, startEpoch) = (resume.parameters, resume.state, resume.momentum, resume.epochsDone)
            history = Array(run.readHistory().prefix(startEpoch))
            log = try folder.readLog().truncated(toSteps: startEpoch * batches.batchesPerEpoch)
            FileHandle.standardError.write(Data("resuming \(recipe.cacheKey) after epoch \(startEpoch)\n".utf8))
        }
        let objective = NetworkObjective(network: network, state: state, batchCapacity: base.batchSize)
        let loop = TrainingLoop(objective: objective, parameters: parameters, optimizer: base.makeOptimizer(buffer: momentum),
                                schedule: recipe.schedule, data: batches, epochs: recipe.epochs,
                                seed: RandomGenerator.derive(seed: base.seed, "fge loop"), startEpoch: startEpoch)
        let probes = Set(recipe.probeSteps)
        FastGeometricCollector.attach(to: loop, cycleIterations: recipe.cycleIterations, observe: { end, loop in
            let step = end.position.globalIteration
            log.trajectory.append(TrajectoryPoint(step: step, learningRate: Double(end.learningRate),
                                                  distance: WeightVector.accurateDistance(loop.parameters, origin.parameters)))
            if probes.contains(step) {
                try folder.save(loop.parameters, loop.objective.state, step: step, to: folder.probePath(step))
                log.probes.append(step)
            }
        }, collect: { member in
            try folder.save(member.parameters, member.state, step: member.step, to: folder.memberPath(member.step))
            log.members.append(member.step)
        })
        // Before the checkpoint hook `run` adds: a log never lags its checkpoint.
        loop.hooks.epochEnd.append { _, _ in try folder.write(log) }
        return try run.run(loop, history: history) { _ in nil }
    }
}

/// An FGE run folder with a final checkpoint but no collection log (e.g. copied partially).
public struct MissingCollectionLog: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "the FGE collection log \(path) is missing; delete its folder to retrain the FGE run" }
}
