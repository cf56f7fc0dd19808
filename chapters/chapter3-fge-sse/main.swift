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
import Networks
import Training
import WeightSpace

struct Chapter3: Chapter {
    static let configuration = CommandConfiguration.chapter(
        3,
        abstract: "FGE vs SSE vs independent ensembles at equal training budget (Garipov et al. 2018, Huang et al. 2017).")

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

    // Budgets: B epochs per budget, three budgets per method, the replicates (Plan.swift).
    func plan() throws -> EnsemblePlan {
        try EnsemblePlan(budget: options.budget, model: options.model, seeds: options.seeds, cycle: cycle, lr1: lr1,
                         lr2: lr2, snapshots: snapshots, sseLearningRate: sseLR).checkedSnapshots()
    }

    func data(for plan: EnsemblePlan) throws -> TrainingData { try plan.loadData(options.engine.dataSource) }

    func jobs(for plan: EnsemblePlan, data: TrainingData) -> JobPlan { plan.jobs(data: data) }

    // The experiment (Experiment.swift), replicate by replicate: Ind's networks, the SSE run, the
    // FGE run from the first network's 80 % checkpoint, every member evaluated as a growing
    // ensemble, and FGE's trajectory.
    func measure(_ plan: EnsemblePlan, data: TrainingData, cache: ArtifactCache) throws -> [Replicate] {
        try plan.checkFGECollectsWithinOneBudget(data: data)
        let experiment = Experiment(plan: plan, data: data, cache: cache)
        return try plan.seeds.indices.map { try experiment.replicate($0) }
    }

    // The verdicts (Findings.swift) and the report (Report.swift, Figures.swift, Tables.swift).
    func report(_ plan: EnsemblePlan, measured: [Replicate], data: TrainingData, run: ChapterRun) -> Chapter3Report {
        Chapter3Report(plan: plan, replicates: measured, data: data, seconds: run.seconds, replaying: run.replaying)
    }
}

Chapter3.main()
