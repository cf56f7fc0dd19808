// Chapter 6 — the Knee schedule: explore at a high rate, exploit with a linear decay.
//
// Paper: N. Iyer, V. Thejas, N. Kwatra, R. Ramjee, M. Sivathanu, "Wide-minima Density Hypothesis
// and the Explore-Exploit Learning Rate Schedule", 2020 (nikhil-iyer-97/wide-minima-density-hypothesis);
// sharpness after N. S. Keskar et al., "On Large-Batch Training for Deep Learning", ICLR 2017.
//
// Claim: wide minima are rarer than narrow ones, so training long at a high learning rate before
// a linear decay to zero lands in wider minima (lower Keskar sharpness) and generalises better
// than step, cosine, linear and one-cycle schedules at the same budget; the longer the explore
// phase, the lower the sharpness and the higher the accuracy.
//
// Deviations: Fashion-MNIST instead of CIFAR-10; TinyTen instead of ResNet-18; 10 epochs instead
// of 200 at the full budget; sharpness with BN frozen (eval mode) and the parameters clamped.
import ArgumentParser
import ChapterKit
import Experiments
import Reporting
import Training
import WeightSpace

struct Chapter6: Chapter {
    static let configuration = CommandConfiguration.chapter(
        6,
        abstract: "The Knee schedule and the density of wide minima (Iyer et al. 2020), with Keskar sharpness.",
        uses: """
            Every run goes through the artifact cache.
            """)

    @OptionGroup var options: ChapterOptions
    @Option(name: .customLong("sharpness-steps"), help: "Projected-ascent steps of the sharpness measure (default: 5 smoke, 100 quick, 300 full; the loss is measured ten times along the ascent).")
    var sharpnessSteps: Int?
    @Option(help: "Relative box size ε of the sharpness measure (default 1e-4).")
    var epsilon: Double?
    @Option(name: .customLong("ascent-rate"), help: "Rate of each sharpness ascent step (default 0.01).")
    var ascentRate: Double?

    func validate() throws {
        if let sharpnessSteps, sharpnessSteps < 1 { throw ValidationError("--sharpness-steps must be at least 1, got \(sharpnessSteps)") }
        if let epsilon, !(epsilon > 0) { throw ValidationError("--epsilon must be positive, got \(epsilon)") }
        if let ascentRate, !(ascentRate > 0) { throw ValidationError("--ascent-rate must be positive, got \(ascentRate)") }
        if let seeds = options.seeds, seeds.count < 2 { throw ValidationError("--seeds needs at least two seeds (the rank correlation needs spread), got \(seeds.count)") }
    }

    // Budgets: five schedules over several seeds, and the explore-fraction sweep (Plan.swift).
    func plan() throws -> KneePlan {
        KneePlan(budget: options.budget, model: options.model, seeds: options.seeds, sharpnessSteps: sharpnessSteps,
                 epsilon: epsilon, ascentRate: ascentRate)
    }

    func data(for plan: KneePlan) throws -> TrainingData { try plan.loadData(options.engine.dataSource) }

    func jobs(for plan: KneePlan, data: TrainingData) -> JobPlan { plan.jobs(data: data) }

    // The experiment (Experiment.swift): every schedule at the same budget, then the Knee schedule
    // at each explore fraction with its Keskar sharpness.
    func measure(_ plan: KneePlan, data: TrainingData, cache: ArtifactCache) throws -> KneeMeasurements {
        let survey = KneeSurvey(plan: plan, data: data, cache: cache)
        let comparison = try survey.comparison(), density = try survey.density()
        // Why not: the same network's sharpness and Hessian measured again, against the trends and the seeds' spread.
        let middle = density[plan.fractions.firstIndex(of: plan.noiseFraction)!].first { $0.recipe.seed == plan.noiseSeed }!
        return KneeMeasurements(comparison: comparison, density: density, noise: try survey.noise(primary: middle),
                                curvatureNoise: try survey.curvatureNoise(primary: middle))
    }

    // The verdicts (Findings.swift) and the report (Report.swift, Figures.swift, Tables.swift).
    func report(_ plan: KneePlan, measured: KneeMeasurements, data: TrainingData, run: ChapterRun) -> KneeReport {
        let findings = KneeFindings(plan: plan, comparison: measured.comparison, density: measured.density, noise: measured.noise,
                                    curvatureNoise: measured.curvatureNoise)
        return KneeReport(findings: findings, data: data, seconds: run.seconds, replaying: run.replaying)
    }
}

Chapter6.main()
