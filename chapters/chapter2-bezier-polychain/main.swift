// Chapter 2 — Bezier vs PolyChain: curves of low loss between two trained networks.
//
// Paper: T. Garipov, P. Izmailov, D. Podoprikhin, D. Vetrov, A. G. Wilson, "Loss Surfaces, Mode
// Connectivity, and Fast Ensembling of DNNs", NeurIPS 2018 (Fig. 2 and the README tables of
// timgaripov/dnn-mode-connectivity).
//
// Claim: the straight segment between two independently trained networks crosses a high loss
// barrier, but a simple curve — a quadratic Bezier curve or a polygonal chain with one bend,
// trained with the endpoints fixed — keeps test error within a few points of the endpoints' and
// reaches lower training loss than the endpoints in its middle; Bezier is at least as good as
// PolyChain.
//
// Deviations: Fashion-MNIST instead of CIFAR; TinyTen (86k parameters) instead of VGG16 /
// PreResNet164; 10 epochs on 10 000 training images instead of 200 (endpoints) and 600 (curves)
// on all; BN statistics recomputed and train metrics measured on fixed training subsets, test
// metrics on the first 5 000 test images (the sizes of every budget in the report).
import ArgumentParser
import ChapterKit
import Experiments
import Networks
import Plotting
import Reporting
import Training
import WeightSpace

struct Chapter2: Chapter {
    static let configuration = CommandConfiguration.chapter(
        2,
        abstract: "Bezier vs PolyChain: curves of low loss between two trained networks (Garipov et al. 2018).")

    @OptionGroup var options: ChapterOptions
    @Option(help: "Bends of each curve, endpoints included (3: a quadratic Bezier / a chain with one bend).")
    var bends: Int = 3
    @Option(help: "Points t at which each curve is evaluated (default: 5 smoke, 21 quick, 61 full).")
    var points: Int?

    func validate() throws {
        guard bends >= 3 else { throw ValidationError("--bends must be at least 3 (2 is the segment, always evaluated), got \(bends)") }
        if let points, points < 3 { throw ValidationError("--points must be at least 3, got \(points)") }
    }

    // Budgets: pairs of endpoints, the curves' epochs, the points t (Plan.swift).
    func plan() throws -> CurvePlan {
        CurvePlan(budget: options.budget, model: options.model, seeds: options.seeds, bends: bends, points: points)
    }

    func data(for plan: CurvePlan) throws -> TrainingData { try plan.loadData(options.engine.dataSource) }

    func jobs(for plan: CurvePlan, data: TrainingData) -> JobPlan { plan.chapterJobs(data: data) }

    // The experiment (Experiment.swift), pair by pair: endpoints, a Bezier and a PolyChain curve
    // between them, and the segment, each evaluated at the same points t.
    func measure(_ plan: CurvePlan, data: TrainingData, cache: ArtifactCache) throws -> [PairResult] {
        let experiment = Experiment(plan: plan, data: data, cache: cache)
        return try plan.seedPairs.map { try experiment.connect($0) }
    }

    // The verdicts (Findings.swift) and the report (Report.swift, Figures.swift, Tables.swift).
    func report(_ plan: CurvePlan, measured: [PairResult], data: TrainingData, run: ChapterRun) -> Chapter2Report {
        Chapter2Report(plan: plan, pairs: measured, data: data, seconds: run.seconds, replaying: run.replaying)
    }
}

Chapter2.main()
