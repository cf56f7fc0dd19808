// Chapter 4 — Stochastic Weight Averaging: averaging weights finds wider optima and generalises better.
//
// Paper: P. Izmailov, D. Podoprikhin, T. Garipov, D. Vetrov, A. G. Wilson, "Averaging Weights Leads
// to Wider Optima and Better Generalization", UAI 2018 (timgaripov/swa; torch.optim.swa_utils).
//
// Claim: the average of the weights SGD visits at a constant rate after 75 % of the budget has lower
// test error than the conventional SGD solution at 1, 1.25 and 1.5 budgets, and lies in a wider
// optimum: along random directions its test error rises more slowly than SGD's, and on the
// segment towards SGD, the SGD point sits near the edge of the valley — lower train loss, higher
// test error.
//
// Deviations: Fashion-MNIST instead of CIFAR; TinyTen instead of VGG16 / PreResNet164; B = 10
// epochs at the full budget; SWA continues chapter 3's conventional run from its 75 % checkpoint;
// BN statistics and train metrics on fixed training subsets (sizes in the report).
import ArgumentParser
import ChapterKit
import Experiments
import Reporting
import Training
import WeightSpace

struct Chapter4: Chapter {
    static let configuration = CommandConfiguration.chapter(
        4,
        abstract: "Stochastic Weight Averaging: wider optima and better generalisation (Izmailov et al. 2018).",
        uses: """
            The SGD baselines are chapter 3's conventional networks, taken from the artifact cache (or \
            trained).
            """)

    @OptionGroup var options: ChapterOptions
    @Option(name: .customLong("swa-lr"), help: "SWA's learning rate in the averaging phase (default 0.01).")
    var swaLR: Double?
    @Option(help: "Anneal to swa_lr as PyTorch's SWALR does (cosine or linear over one epoch) instead of switching to it.")
    var anneal: AnnealShape?

    func validate() throws {
        if let swaLR, !(swaLR > 0) { throw ValidationError("--swa-lr must be positive, got \(swaLR)") }
    }

    // Budgets: chapter 3's conventional runs as the SGD baselines, SWA from 75 % of each (Plan.swift).
    func plan() throws -> AveragingPlan {
        AveragingPlan(budget: options.budget, model: options.model, seeds: options.seeds, swaLR: swaLR, anneal: anneal)
    }

    func data(for plan: AveragingPlan) throws -> TrainingData { try plan.ensemble.loadData(options.engine.dataSource) }

    func jobs(for plan: AveragingPlan, data: TrainingData) -> JobPlan { plan.jobs(data: data) }

    // The experiment (Experiment.swift): how far the rays must reach, then every seed's SGD and
    // SWA solutions, their rays and the segment between them; then, for the claims that do not
    // hold at swa_lr 0.01, the same at other swa_lr.
    func measure(_ plan: AveragingPlan, data: TrainingData, cache: ArtifactCache) throws -> WidthMeasurements {
        let survey = WidthSurvey(plan: plan, data: data, cache: cache)
        let reach = try survey.reach(seed: plan.seeds[0])
        let distances = (0..<plan.rayPoints).map { reach * Double($0) / Double(plan.rayPoints - 1) }
        let seeds = try plan.seeds.map { try survey.measure($0, distances: distances) }
        // Curvature: the Hessian's top eigenvalue, trace and density at both solutions, a second measure of width.
        let curvature = try plan.curvatureSeeds.map { try survey.curvature($0) }
        // Why not: the same measurements (the Hessian's without its density) at other swa_lr, on the first seeds.
        let sweep = try zip(plan.sweepSeeds, seeds).flatMap { seed, primary in
            try plan.sweepRates.map {
                try survey.sweep(seed, swaLR: $0, distances: distances, primary: primary, curvature: curvature.first { $0.seed == seed })
            }
        }
        return WidthMeasurements(seeds: seeds, distances: distances, sweep: sweep, curvature: curvature)
    }

    // The verdicts (Findings.swift) and the report (Report.swift, Figures.swift, Tables.swift).
    func report(_ plan: AveragingPlan, measured: WidthMeasurements, data: TrainingData, run: ChapterRun) -> AveragingReport {
        let findings = Findings(plan: plan, seeds: measured.seeds, distances: measured.distances, sweep: measured.sweep ?? [],
                                curvature: measured.curvature ?? [])
        return AveragingReport(findings: findings, data: data, seconds: run.seconds, replaying: run.replaying)
    }
}

extension AnnealShape: ExpressibleByArgument {}

Chapter4.main()
