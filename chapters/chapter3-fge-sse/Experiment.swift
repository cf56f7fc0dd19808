import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import Networks
import Training
import WeightSpace

/// The three ways of spending k budgets on an ensemble.
enum Method: String, CaseIterable, Codable {
    /// k networks trained independently, B epochs each.
    case ind = "Ind"
    /// One run of k·B epochs with cosine restarts, a snapshot at every cycle end (Huang et al.).
    case sse = "SSE"
    /// A conventional run to ≈ 80 % of B, then the triangular cyclic rate up to k·B epochs in
    /// total, a member at every cycle's lr minimum (Garipov et al.).
    case fge = "FGE"
}

/// One method of one replicate: its members evaluated as a growing ensemble.
struct MethodResult: Codable {
    let method: Method
    let evaluation: EnsembleEvaluation
    /// Members in the ensemble at 1, 2, 3 budgets (a prefix of the collection order).
    let membersAtBudget: [Int]
    /// Where each member was taken, in budgets of training spent (FGE counts its base run).
    let memberBudgets: [Double]
    /// Diversity of the group compared in the paper: Ind's independent networks, the members
    /// SSE and FGE collect within 1 budget.
    let diversity: DiversitySummary
    /// Training wall time (seconds) for all budgets, from the runs' epoch histories.
    let trainingSeconds: Double

    /// Ensemble test error (fraction) at 1, 2, 3 budgets.
    var errorAtBudget: [Double] { membersAtBudget.map { evaluation.running[$0 - 1].error } }
    var nllAtBudget: [Double] { membersAtBudget.map { evaluation.running[$0 - 1].nll } }
}

/// The FGE trajectory of one replicate over the 1-budget part of the run (the figure).
struct Trajectory {
    /// Every step in the window: rate used and distance from the start after it.
    let steps: [TrajectoryPoint]
    /// Test error of the current network after the probed steps (step −1 is the start).
    let probes: [(step: Int, error: Double)]
    /// Members taken in the window: step, own test error, distance from the start.
    let members: [(step: Int, error: Double, distance: Double)]
    /// The growing ensemble's test error after each member in the window.
    let ensembleErrors: [Double]
    let cycleIterations: Int
    let iterationsPerEpoch: Int
    /// Wall time of the probes' predictions when they were computed.
    let probeSeconds: Double
}

extension Trajectory: Codable {
    private struct Probe: Codable { let step: Int, error: Double }
    private struct Member: Codable { let step: Int, error: Double, distance: Double }
    private enum CodingKeys: String, CodingKey { case steps, probes, members, ensembleErrors, cycleIterations, iterationsPerEpoch, probeSeconds }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(steps: try c.decode([TrajectoryPoint].self, forKey: .steps),
                  probes: try c.decode([Probe].self, forKey: .probes).map { ($0.step, $0.error) },
                  members: try c.decode([Member].self, forKey: .members).map { ($0.step, $0.error, $0.distance) },
                  ensembleErrors: try c.decode([Double].self, forKey: .ensembleErrors), cycleIterations: try c.decode(Int.self, forKey: .cycleIterations),
                  iterationsPerEpoch: try c.decode(Int.self, forKey: .iterationsPerEpoch), probeSeconds: try c.decode(Double.self, forKey: .probeSeconds))
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(steps, forKey: .steps)
        try c.encode(probes.map { Probe(step: $0.step, error: $0.error) }, forKey: .probes)
        try c.encode(members.map { Member(step: $0.step, error: $0.error, distance: $0.distance) }, forKey: .members)
        try c.encode(ensembleErrors, forKey: .ensembleErrors)
        try c.encode(cycleIterations, forKey: .cycleIterations)
        try c.encode(iterationsPerEpoch, forKey: .iterationsPerEpoch)
        try c.encode(probeSeconds, forKey: .probeSeconds)
    }
}

/// Ind, SSE and FGE from one seed.
struct Replicate: Codable {
    let seed: UInt64
    let independentSeeds: [UInt64]
    let methods: [MethodResult]
    let trajectory: Trajectory
    /// Seconds spent evaluating members and probes (BN recalibration + test set), all methods, as
    /// measured when each prediction was computed (cached predictions keep their time).
    let evaluationSeconds: Double

    subscript(_ method: Method) -> MethodResult { methods.first { $0.method == method }! }
}

/// The experiment of one replicate, step by step: train (or fetch) the networks, run the two
/// ensembling methods, evaluate every member as part of a growing ensemble, trace FGE.
struct Experiment {
    let plan: EnsemblePlan
    let data: TrainingData
    let cache: ArtifactCache
    /// The fixed training subset BN statistics are recomputed on, and the test set.
    let sets: EvaluationData
    let evaluator: Evaluator

    init(plan: EnsemblePlan, data: TrainingData, cache: ArtifactCache) {
        self.plan = plan
        self.data = data
        self.cache = cache
        sets = EvaluationData(batchNorm: plan.batchNormData(data), train: data.train, test: data.test)
        evaluator = Evaluator(network: Network.make(plan.model, inputShape: data.train.shape, classes: data.train.classes))
    }

    func replicate(_ index: Int) throws -> Replicate {
        let seeds = plan.independentSeeds(replicate: index)
        let networks = try independentNetworks(seeds)
        let ind = try independent(networks)
        let snapshots = try cache.snapshotEnsemble(plan.snapshotRecipe(seed: seeds[0], data: data), data: data)
        let sse = try evaluate(.sse, snapshots, budgets: snapshots.memberEpochs.map { $0 / Double(plan.budgetEpochs) })
        let fgeRun = try cache.fastGeometricEnsemble(plan.fastGeometricRecipe(base: networks[0].recipe), data: data)
        let fge = try fastGeometric(fgeRun, base: networks[0])
        let trajectory = try trace(fgeRun, fge)
        let memberSeconds = [ind, sse, fge].flatMap(\.evaluation.members).reduce(0) { $0 + $1.seconds }
        return Replicate(seed: plan.seeds[index], independentSeeds: seeds, methods: [ind, sse, fge], trajectory: trajectory,
                         evaluationSeconds: memberSeconds + trajectory.probeSeconds)
    }

    /// Ind's networks: conventional runs of B epochs (shared with chapters 1, 2 and 5 through the
    /// cache); the first keeps its checkpoint at FGE's start.
    func independentNetworks(_ seeds: [UInt64]) throws -> [TrainedNetwork] {
        try seeds.enumerated().map { j, seed in
            try cache.trainedNetwork(plan.baseRecipe(seed: seed, data: data), data: data, keepEpochs: j == 0 ? [plan.fgeStartEpoch] : [])
        }
    }

    func independent(_ networks: [TrainedNetwork]) throws -> MethodResult {
        let members = networks.map { EnsembleMember(parameters: $0.parameters, state: $0.state, label: "seed \($0.recipe.seed)") }
        let collected = CollectedEnsemble(network: networks[0].network, members: members,
                                          memberEpochs: [], history: networks.flatMap(\.history))
        return try evaluate(.ind, collected, budgets: members.indices.map { Double($0 + 1) }, diversityGroup: members.count)
    }

    /// FGE's members count the base run's first `fgeStartEpoch` epochs in their budget.
    func fastGeometric(_ run: FastGeometricRun, base: TrainedNetwork) throws -> MethodResult {
        var collected = run.collected
        collected.history = Array(base.history.prefix(plan.fgeStartEpoch)) + run.history
        let budgets = collected.memberEpochs.map { (Double(plan.fgeStartEpoch) + $0) / Double(plan.budgetEpochs) }
        return try evaluate(.fge, collected, budgets: budgets)
    }

    /// Every member evaluated in collection order as a growing ensemble; the ensembles at
    /// 1, 2, 3 budgets are the prefixes of members taken within that many budgets.
    func evaluate(_ method: Method, _ collected: CollectedEnsemble, budgets: [Double], diversityGroup: Int? = nil) throws -> MethodResult {
        let evaluation = try evaluator.evaluateEnsemble(collected.members, batchNorm: sets.batchNorm, test: sets.test,
                                                        progressLabel: "\(method.rawValue) members") {
            try cache.prediction(of: $0, evaluator: evaluator, batchNorm: sets.batchNorm, test: sets.test)
        }
        let sizes = (1...plan.budgets).map { k in budgets.filter { $0 <= Double(k) + 1e-9 }.count }
        let group = diversityGroup ?? sizes[0]
        return MethodResult(method: method, evaluation: evaluation, membersAtBudget: sizes, memberBudgets: budgets,
                            diversity: evaluation.diversity(of: 0..<group, parameters: collected.members.map(\.parameters)),
                            trainingSeconds: collected.history.reduce(0) { $0 + $1.seconds })
    }

    /// The FGE trajectory over the 1-budget part of the run: rate and distance at every step, the
    /// current network's test error at the probes (and at the start), the growing ensemble's.
    func trace(_ run: FastGeometricRun, _ fge: MethodResult) throws -> Trajectory {
        let window = (plan.budgetEpochs - plan.fgeStartEpoch) * run.iterationsPerEpoch
        let steps = run.trajectory.filter { $0.step < window }
        let memberError = Dictionary(uniqueKeysWithValues: zip(run.memberSteps, fge.evaluation.members.map(\.error)))
        var probeSeconds = 0.0
        func error(_ network: EnsembleMember) throws -> Double {
            let p = try cache.prediction(of: network, evaluator: evaluator, batchNorm: sets.batchNorm, test: sets.test)
            probeSeconds += p.seconds
            return p.error
        }
        var probes = [(step: -1, error: try error(run.start))]
        for (step, network) in run.probes where step < window { probes.append((step, try memberError[step] ?? error(network))) }
        let inWindow = run.memberSteps.indices.filter { run.memberSteps[$0] < window }
        let distance = Dictionary(uniqueKeysWithValues: steps.map { ($0.step, $0.distance) })
        return Trajectory(steps: steps, probes: probes,
                          members: inWindow.map { (run.memberSteps[$0], fge.evaluation.members[$0].error, distance[run.memberSteps[$0]] ?? 0) },
                          ensembleErrors: inWindow.map { fge.evaluation.running[$0].error },
                          cycleIterations: run.recipe.cycleIterations, iterationsPerEpoch: run.iterationsPerEpoch, probeSeconds: probeSeconds)
    }
}
