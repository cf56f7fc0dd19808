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
public struct FastGeometricRecipe: Codable, Hashable, Sendable {
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

    public var schedule: LearningRateSchedule { .fgeTriangle(lr1: lr1, lr2: lr2, cycleIterations: cycleIterations) }

    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    public var cacheKey: String { "fge-\(base.model.rawValue)-seed\(base.seed)-\(fnv1a(canonicalJSON))" }
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

extension ArtifactCache {
    /// The FGE run `recipe` describes (from the cache when present), starting from the base run's
    /// kept snapshot after `recipe.startEpoch` (train it first with
    /// `trainedNetwork(recipe.base, data:, keepEpochs: [recipe.startEpoch])`). Checkpointed every
    /// epoch; members and probes are written as they are taken, so an interrupted run resumes.
    public func fastGeometricEnsemble(_ recipe: FastGeometricRecipe, data: TrainingData) throws -> FastGeometricRun {
        let base = recipe.base
        let network = Network.make(base.model, inputShape: data.train.shape, classes: data.train.classes, width: base.width)
        let format = CheckpointFormat(layout: network.layout)
        let origin = try snapshot(of: base, network: network, afterEpoch: recipe.startEpoch)
        let folder = root + "/" + recipe.cacheKey
        let run = ResumableRun(folder: folder, format: format,
                               metadata: ["network": base.model.rawValue, "width": String(base.width), "recipe": recipe.canonicalJSON],
                               label: "FGE seed \(base.seed)")
        let batches = data.trainingBatches(base)
        let logPath = folder + "/collection.json"
        func memberPath(_ step: Int) -> String { folder + "/member-\(step).safetensors" }
        func probePath(_ step: Int) -> String { folder + "/probe-\(step).safetensors" }

        var history: [EpochRecord]
        if let (_, done) = try run.finished() {
            history = done
        } else {
            var (parameters, state, momentum, startEpoch) = (origin.parameters, origin.state, origin.momentum, 0)
            var log = CollectionLog()
            history = []
            if let resume = try run.resumePoint() {
                (parameters, state, momentum, startEpoch) = (resume.parameters, resume.state, resume.momentum, resume.epochsDone)
                history = Array(run.readHistory().prefix(startEpoch))
                log = try readLog(logPath).truncated(toSteps: startEpoch * batches.batchesPerEpoch)
                FileHandle.standardError.write(Data("resuming \(recipe.cacheKey) after epoch \(startEpoch)\n".utf8))
            }
            var fgeBatches = base
            fgeBatches.seed = RandomGenerator.derive(seed: base.seed, "fge batches")
            let objective = NetworkObjective(network: network, state: state, batchCapacity: base.batchSize)
            let loop = TrainingLoop(objective: objective, parameters: parameters, optimizer: base.makeOptimizer(buffer: momentum),
                                    schedule: recipe.schedule, data: data.trainingBatches(fgeBatches), epochs: recipe.epochs,
                                    seed: RandomGenerator.derive(seed: base.seed, "fge loop"), startEpoch: startEpoch)
            let probes = Set(recipe.probeSteps)
            func save(_ parameters: [Float], _ state: [Float], step: Int, to path: String) throws {
                try format.save(TrainingSnapshot(parameters: parameters, state: state, momentum: [], epochsDone: step / batches.batchesPerEpoch,
                                                 metadata: ["network": base.model.rawValue, "fge_step": String(step)]), to: path)
            }
            FastGeometricCollector.attach(to: loop, cycleIterations: recipe.cycleIterations, observe: { end, loop in
                let step = end.position.globalIteration
                log.trajectory.append(TrajectoryPoint(step: step, learningRate: Double(end.learningRate),
                                                      distance: EnsembleDiversity.distance(loop.parameters, origin.parameters)))
                if probes.contains(step) {
                    try save(loop.parameters, loop.objective.state, step: step, to: probePath(step))
                    log.probes.append(step)
                }
            }, collect: { member in
                try save(member.parameters, member.state, step: member.step, to: memberPath(member.step))
                log.members.append(member.step)
            })
            loop.hooks.epochEnd.append { _, _ in try AtomicFile.write(try JSONEncoder().encode(log), to: logPath) }
            history = try run.run(loop, history: history) { _ in nil }
        }
        let log = try readLog(logPath)
        func load(_ path: String, _ label: String) throws -> EnsembleMember {
            let s = try format.load(from: path)
            return EnsembleMember(parameters: s.parameters, state: s.state, label: label)
        }
        return FastGeometricRun(
            recipe: recipe, network: network,
            start: EnsembleMember(parameters: origin.parameters, state: origin.state, label: "FGE start (epoch \(recipe.startEpoch) of the base run)"),
            members: try log.members.map { try load(memberPath($0), "FGE member after step \($0)") }, memberSteps: log.members,
            probes: try log.probes.map { ($0, try load(probePath($0), "FGE probe after step \($0)")) },
            trajectory: log.trajectory, history: history, iterationsPerEpoch: batches.batchesPerEpoch)
    }

    private func readLog(_ path: String) throws -> CollectionLog {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MissingCollectionLog(path: path)
        }
        return try JSONDecoder().decode(CollectionLog.self, from: data)
    }
}

/// An FGE run folder with a final checkpoint but no collection log (e.g. copied partially).
public struct MissingCollectionLog: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "the FGE collection log \(path) is missing; delete its folder to retrain the FGE run" }
}
