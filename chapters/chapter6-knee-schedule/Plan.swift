import ChapterKit
import Experiments
import Datasets
import Networks
import Training
import WeightSpace

/// How much of the Knee experiment a budget runs: the schedule comparison at two budgets and the
/// explore-fraction density experiment, every run through the artifact cache.
struct KneePlan {
    let budget: Budget
    let model: ModelName
    /// B: epochs of the long budget; the short budget is 3/4 of it (the paper's 150 of 200).
    let budgetEpochs: Int
    let trainLimit: Int?
    let testLimit: Int?
    /// Test images evaluated after every epoch (the training curves); the final networks are
    /// evaluated on every test image.
    let curveTestImages: Int
    let comparisonSeeds: [UInt64]
    let densitySeeds: [UInt64]
    let fractions: [Double]
    let sharpness: SharpnessOptions
    /// Fixed training subset L0 and L1 are measured on.
    let sharpnessImages: Int
    /// Why not (issue 29): the sharpness measurement's own noise, measured on the first density
    /// seed's network at the middle explore fraction, `noiseRepeats` times on other training
    /// subsets and as many times with other ascent orders.
    let noiseRepeats: Int
    /// Curvature (issue 32): the Hessian's top eigenvalue and trace (no density) of the density
    /// runs of the first `curvatureSeedCount` seeds at every fraction, on a fixed
    /// `curvatureImages`-image training subset with BN in eval mode.
    let curvature: CurvaturePlan
    /// The peak (and initial) rate every schedule shares.
    let peak = 0.05
    /// The comparison's schedules; linear decay is the Knee schedule with no explore phase.
    static let schedules: [(name: String, kind: ScheduleKind, explore: Double?)] = [
        ("step", .step, nil), ("cosine", .cosine, nil), ("linear", .knee, 0), ("one-cycle", .oneCycle, nil), ("Knee (50 %)", .knee, 0.5),
    ]

    init(budget: Budget, model: ModelName, seeds: [UInt64]?, sharpnessSteps: Int?, epsilon: Double?, ascentRate: Double?) {
        self.budget = budget
        self.model = model
        let steps: Int, comparison: [UInt64], density: [UInt64]
        switch budget {
        case .smoke:
            (budgetEpochs, trainLimit, testLimit, curveTestImages, sharpnessImages, steps) = (4, 256, 256, 128, 128, 5)
            // Two comparison seeds, so the paired tests and the why-not's detectable gaps are computed.
            (comparison, density, fractions, noiseRepeats) = ([1, 2], [1, 2], [0, 0.25, 0.5], 2)
        case .quick:
            // About eight minutes on two idle cores from an empty cache (4.6 with one comparison seed).
            (budgetEpochs, trainLimit, testLimit, curveTestImages, sharpnessImages, steps) = (5, 4_000, nil, 1_000, 1_000, 100)
            (comparison, density, fractions, noiseRepeats) = ([1, 2], [1, 2], [0, 0.15, 0.3, 0.5], 2)
        case .full:
            // Five seeds per schedule and six per explore fraction (issue 29: enough for the tests to have
            // power): 64 distinct runs of 10 epochs on 5 000 images (about 38 minutes on two cores) and
            // 24 + 6 sharpness measurements. At 1 000 ascent steps each measurement took 76–90 s and the
            // chapter 82 minutes; at 300 the measurements take about 13 of the hour. The report checks
            // that the ascent has reached its plateau (the second half's gain over the first half's).
            (budgetEpochs, trainLimit, testLimit, curveTestImages, sharpnessImages, steps) = (10, 5_000, nil, 2_000, 2_000, 300)
            (comparison, density, fractions, noiseRepeats) = ([1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6], [0, 0.15, 0.3, 0.5], 3)
        }
        switch budget {
        case .smoke: curvature = CurvaturePlan(settings: CurvatureSettings(maxSteps: 10, probes: 3, densityRuns: 0), images: 64, seedCount: 2)
        case .quick: curvature = CurvaturePlan(settings: CurvatureSettings(maxSteps: 30, probes: 10, densityRuns: 0), images: 500, seedCount: 2)
        case .full: curvature = CurvaturePlan(settings: CurvatureSettings(maxSteps: 30, probes: 10, densityRuns: 0), images: 500, seedCount: 3)
        }
        comparisonSeeds = seeds ?? comparison
        densitySeeds = seeds ?? density
        // L1 is the largest of ten measurements along the ascent, whatever its length.
        let ascentSteps = sharpnessSteps ?? steps
        sharpness = SharpnessOptions(epsilon: epsilon ?? 1e-4, steps: ascentSteps, ascentRate: ascentRate ?? 0.01,
                                     evaluateEvery: max(1, ascentSteps / 10))
    }

    /// One run of the experiment.
    struct Run {
        let name: String
        let kind: ScheduleKind
        let explore: Double?
        let seed: UInt64
        let epochs: Int
        let sharpness: Bool
    }

    /// The schedule comparison: every schedule × comparison seed at the long, then the short
    /// budget (one group per budget and schedule).
    var comparisonRuns: [[Run]] {
        [budgetEpochs, shortEpochs].flatMap { epochs in
            Self.schedules.map { s in
                comparisonSeeds.map { Run(name: s.name, kind: s.kind, explore: s.explore, seed: $0, epochs: epochs, sharpness: false) }
            }
        }
    }

    /// The density experiment: Knee runs at every explore fraction × density seed (long budget),
    /// with sharpness (one group per fraction).
    var densityRuns: [[Run]] {
        fractions.map { f in
            densitySeeds.map { Run(name: "Knee (\(Int((100 * f).rounded())) %)", kind: .knee, explore: f, seed: $0, epochs: budgetEpochs, sharpness: true) }
        }
    }

    /// The data runs train on: the budget's training images and the curve subset of the test set
    /// (the per-epoch test error of the training curves).
    func trainingData(_ data: TrainingData) -> TrainingData {
        TrainingData(name: data.name, train: data.train, test: data.test.prefix(min(curveTestImages, data.test.count)),
                     testSplitCount: data.testSplitCount, files: data.files)
    }

    /// Every run's training, for `--plan`.
    func jobs(data: TrainingData) -> JobPlan {
        var jobs = JobPlan()
        for run in (comparisonRuns + densityRuns).joined() {
            jobs.add(.train(recipe(run.kind, explore: run.explore, seed: run.seed, epochs: run.epochs, data: data)), data: trainingData(data))
        }
        return jobs
    }

    /// The density seeds whose networks' Hessians are measured.
    var curvatureSeeds: [UInt64] { curvature.seeds(from: densitySeeds) }

    /// The explore fraction and network the sharpness noise is measured at.
    var noiseFraction: Double { fractions[fractions.count / 2] }
    var noiseSeed: UInt64 { densitySeeds[0] }

    var shortEpochs: Int { max(1, Int((0.75 * Double(budgetEpochs)).rounded())) }

    func loadData(_ source: DataSource) throws -> TrainingData {
        try TrainingData.load(source, trainLimit: trainLimit, testLimit: testLimit)
    }

    /// The recipe of a run: the `train` defaults (batch 128, momentum 0.9, wd 5e-4, crop + flip)
    /// with `kind` at the shared peak rate.
    func recipe(_ kind: ScheduleKind, explore: Double?, seed: UInt64, epochs: Int, data: TrainingData) -> TrainingRecipe {
        var r = TrainingRecipe(model: model, data: data.name, trainImages: data.train.count, seed: seed, epochs: epochs)
        r.learningRate = peak
        r.schedule = kind
        r.exploreFraction = kind == .knee ? explore : nil
        return r
    }
}
