import ChapterKit
import Experiments
import Datasets
import Networks
import Training
import WeightSpace

/// How much of the SWA experiment a budget runs. The SGD baseline is chapter 3's conventional run
/// (`EnsemblePlan.baseRecipe`: the same B, data and recipe, shared through the artifact cache).
struct AveragingPlan {
    let ensemble: EnsemblePlan
    /// SWA's rate in the averaging phase (the paper: 0.01 for VGG16 at lr0 0.05) and PyTorch's
    /// `SWALR` annealing when set.
    let swaLR: Double
    let anneal: AnnealShape?
    /// Random unit directions probed from both solutions, and points along each.
    let rays: Int
    let rayPoints: Int
    /// λ of the segment `w_SWA + λ·(w_SGD − w_SWA)`.
    let segment: [Double]
    /// How many points test error must rise along a ray to end the optimum's "width".
    static let widthRise = 5.0
    /// Fixed training subset train metrics are measured on; test images for rays and the segment.
    let trainEvaluationImages: Int
    let probeTestImages: Int
    /// Why not (issue 29): swa_lr values swept (the SWA repository uses 0.2–0.5× the initial rate
    /// depending on the network), each with test error, width along the first `sweepRays` rays of
    /// the same seeds and the segment, on the first `sweepSeedCount` seeds.
    let sweepRates: [Double]
    let sweepSeedCount: Int
    let sweepRays: Int
    /// Curvature (issue 32): the Hessian of the training loss (mean cross-entropy on a fixed
    /// `curvatureImages`-image training subset, BN in eval mode) at the SGD and the SWA solution of
    /// its first seeds.
    let curvature: CurvaturePlan

    init(budget: Budget, model: ModelName, seeds: [UInt64]?, swaLR: Double?, anneal: AnnealShape?) {
        ensemble = EnsemblePlan(budget: budget, model: model, seeds: seeds)
        self.swaLR = swaLR ?? 0.01
        self.anneal = anneal
        let segmentPoints: Int
        switch budget {
        case .smoke: (rays, rayPoints, segmentPoints, trainEvaluationImages, probeTestImages) = (2, 3, 5, 128, 128)
        case .quick: (rays, rayPoints, segmentPoints, trainEvaluationImages, probeTestImages) = (4, 7, 9, 2_000, 2_000)
        case .full: (rays, rayPoints, segmentPoints, trainEvaluationImages, probeTestImages) = (10, 11, 21, 2_000, 5_000)
        }
        sweepRates = Array(Set([0.01, 0.02, 0.05, self.swaLR])).sorted()
        // At smoke, two seeds when given two (`--seeds 1,2`), so the sweep's flatness tests are computed.
        (sweepSeedCount, sweepRays) = budget == .full ? (3, 3) : (budget == .smoke ? 2 : 1, min(rays, 2))
        switch budget {
        case .smoke: curvature = CurvaturePlan(settings: CurvatureSettings(maxSteps: 10, probes: 3, densityRuns: 1, densitySteps: 5), images: 64, seedCount: 2)
        case .quick: curvature = CurvaturePlan(settings: CurvatureSettings(probes: 10, densitySteps: 15), images: 500, seedCount: 1)
        // At most 30 + 10 + 20 products per solution, about a second each on 500 images: the five seeds'
        // probes and the swa_lr sweep already take most of the hour.
        case .full: curvature = CurvaturePlan(settings: CurvatureSettings(maxSteps: 30, probes: 10, densityRuns: 1), images: 500, seedCount: 3)
        }
        segment = (0..<segmentPoints).map { -0.5 + 2 * Double($0) / Double(segmentPoints - 1) }
    }

    var budget: Budget { ensemble.budget }
    var seeds: [UInt64] { ensemble.seeds }
    /// B, the epochs of the SGD baseline.
    var budgetEpochs: Int { ensemble.budgetEpochs }
    /// SWA starts averaging after 75 % of B (rounded to a whole epoch, at least 1, below B).
    var startEpoch: Int { max(1, min(budgetEpochs - 1, Int((0.75 * Double(budgetEpochs)).rounded()))) }
    /// The budgets SWA is reported at, and their total epochs (rounded to whole epochs).
    static let budgetFactors = [1.0, 1.25, 1.5]
    var budgetTotals: [Int] { Self.budgetFactors.map { Int(($0 * Double(budgetEpochs)).rounded()) } }

    func recipe(base: TrainingRecipe, swaLR rate: Double? = nil) -> WeightAveragingRecipe {
        WeightAveragingRecipe(base: base, startEpoch: startEpoch, epochs: budgetTotals.last! - startEpoch, swaLR: rate ?? swaLR,
                              anneal: anneal)
    }

    /// The seeds whose solutions' Hessians are measured.
    var curvatureSeeds: [UInt64] { curvature.seeds(from: seeds) }

    /// The seeds the swa_lr sweep runs on.
    var sweepSeeds: [UInt64] { Array(seeds.prefix(sweepSeedCount)) }

    /// Every seed's SGD baseline and SWA run, for `--plan`.
    func jobs(data: TrainingData) -> JobPlan {
        var jobs = JobPlan()
        for seed in seeds {
            let base = ensemble.baseRecipe(seed: seed, data: data)
            jobs.add(.train(base), data: data)
            jobs.add(.weightAveraging(recipe(base: base)), data: data)
            if sweepSeeds.contains(seed) {
                for rate in sweepRates where rate != swaLR { jobs.add(.weightAveraging(recipe(base: base, swaLR: rate)), data: data) }
            }
        }
        return jobs
    }

    /// BN subset, the fixed train subset, and the test images for probes (rays and segment).
    func probeData(_ data: TrainingData) -> EvaluationData {
        EvaluationData(batchNorm: ensemble.batchNormData(data),
                       train: data.train.fixedSubset(count: min(trainEvaluationImages, data.train.count), seed: 29),
                       test: data.test.prefix(min(probeTestImages, data.test.count)))
    }

    /// The same BN subset with every test image, for the budget table.
    func tableData(_ data: TrainingData) -> EvaluationData {
        EvaluationData(batchNorm: ensemble.batchNormData(data),
                       train: data.train.fixedSubset(count: min(trainEvaluationImages, data.train.count), seed: 29), test: data.test)
    }
}
