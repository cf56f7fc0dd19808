// Chapter 3 — Fast Geometric Ensembling vs Snapshot Ensembles vs independent networks at equal
// training budget.
//
// Papers: T. Garipov, P. Izmailov, D. Podoprikhin, D. Vetrov, A. G. Wilson, "Loss Surfaces, Mode
// Connectivity, and Fast Ensembling of DNNs", NeurIPS 2018 (§5–6, GAR `fge.py`); G. Huang, Y. Li,
// G. Pleiss, Z. Liu, J. E. Hopcroft, K. Q. Weinberger, "Snapshot Ensembles: Train 1, get M for
// free", ICLR 2017.
//
// Claim: collecting networks along a low-loss path with a short cyclic learning rate (FGE) gives
// a better ensemble than Snapshot Ensembles (SSE) and than independently trained networks (Ind)
// for the same number of training epochs; FGE's members are much closer in weight space and agree
// more than independent networks, yet averaging them still gains.
//
// The budget B is the epochs of one conventional run. Each method runs for 3 budgets; its
// ensemble at k budgets is the prefix of its members collected within k·B epochs. Ensembles
// average softmax probabilities; every member's BN statistics are recomputed on a fixed training
// subset before it is evaluated.
//
// Deviations: Fashion-MNIST instead of CIFAR-100; TinyTen instead of VGG16 / PreResNet164 /
// WRN28x10; B = 10 epochs instead of 200, hence FGE cycles of half an epoch instead of 2 epochs
// and SSE cycles of 2 epochs; the quick budget trains on a 10 000-image subset (see the report).
import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import Networks
import Training
import WeightSpace

struct Chapter3: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapter3",
        abstract: "FGE vs SSE vs independent ensembles at equal training budget (Garipov et al. 2018, Huang et al. 2017).",
        discussion: "Writes figures (PNG + SVG), CSV/JSON and report.md to figures/chapter3/.")

    @OptionGroup var options: ChapterOptions
    @Option(help: "FGE cycle length in epochs, fractional allowed (default 0.5; GAR: 2 epochs of a 200-epoch budget).")
    var cycle: Double?
    @Option(help: "FGE's rate at each cycle start (default 0.025).")
    var lr1: Double?
    @Option(help: "FGE's rate at mid-cycle, where members are collected (default 0.005).")
    var lr2: Double?
    @Option(help: "SSE snapshots (cosine cycles) per budget (default 5; 2 at smoke).")
    var snapshots: Int?
    @Option(name: .customLong("sse-lr"), help: "The rate every SSE cycle restarts at (default 0.1, Huang et al.'s α0).")
    var sseLR: Double?

    func validate() throws {
        if let cycle, !(cycle > 0) { throw ValidationError("--cycle must be positive, got \(cycle)") }
        for (name, value) in [("--lr1", lr1), ("--lr2", lr2), ("--sse-lr", sseLR)] {
            if let value, !(value > 0) { throw ValidationError("\(name) must be positive, got \(value)") }
        }
        if let snapshots, snapshots < 1 { throw ValidationError("--snapshots must be at least 1, got \(snapshots)") }
    }

    func run() throws {
        options.prepare()
        let started = Date()
        let plan = EnsemblePlan(budget: options.budget, model: options.model, seeds: options.seeds, cycle: cycle, lr1: lr1,
                                lr2: lr2, snapshots: snapshots, sseLearningRate: sseLR)
        guard plan.snapshotsPerBudget <= plan.budgetEpochs else {
            throw ValidationError("--snapshots must be at most \(plan.budgetEpochs) (cycles of whole epochs in a budget of \(plan.budgetEpochs) epochs)")
        }
        let data = try plan.loadData(options.engine.dataSource)
        if try options.writePlan(chapter: "chapter3", { plan.jobs(data: data) }) { return }
        let (replicates, replaying) = try options.measurements(chapter: "chapter3") {
            let experiment = Experiment(plan: plan, data: data, cache: ArtifactCache(root: options.engine.cache))
            try experiment.checkFGECollectsWithinOneBudget()
            return try plan.seeds.indices.map { try experiment.replicate($0) }
        }
        let report = Chapter3Report(plan: plan, replicates: replicates, data: data, seconds: Date().timeIntervalSince(started), replaying: replaying)
        let folder = options.outputFolder("chapter3")
        try options.record(chapter: "chapter3", measured: replicates, report: try report.write(to: folder))
        options.announce(report: folder, chapter: "chapter3")
    }
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

    /// FGE's 1-budget ensemble needs at least one member: the first lr2 step must fall inside
    /// the (1 − 0.8)·B epochs FGE runs within one budget.
    func checkFGECollectsWithinOneBudget() throws {
        let recipe = plan.fastGeometricRecipe(base: plan.baseRecipe(seed: plan.seeds[0], data: data))
        let window = (plan.budgetEpochs - plan.fgeStartEpoch) * plan.iterationsPerEpoch(recipe.base)
        guard recipe.cycleIterations / 2 < window else {
            throw ValidationError("an FGE cycle of \(recipe.cycleIterations) iterations collects no member within one budget (FGE runs \(window) iterations in it); choose --cycle below \(String(format: "%.2f", 2 * Double(window) / Double(plan.iterationsPerEpoch(recipe.base)))) epochs")
        }
    }
}

Chapter3.main()
