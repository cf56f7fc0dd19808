import ChapterKit
import Experiments
import Foundation
import Networks
import Tensor
import Training
import WeightSpace

/// One seed's SGD and SWA solutions, their test errors, and the probes of their width.
struct SeedResult: Codable {
    let seed: UInt64
    /// SGD after B epochs, and SWA's average at each budget of `AveragingPlan.budgetTotals` (every test image).
    let sgd: PointMetrics
    let swa: [PointMetrics]
    /// SWA members averaged at each budget.
    let members: [Int]
    /// `[ray][distance]` from the SGD and the SWA (largest budget) solution along the same rays.
    let sgdRays: [[PointMetrics]]
    let swaRays: [[PointMetrics]]
    /// Along `w_SWA + λ·(w_SGD − w_SWA)` at the plan's λ.
    let segment: [PointMetrics]
    /// ‖w_SGD − w_SWA‖.
    let separation: Double
}

/// One swa_lr setting of the sweep on one seed: its largest-budget average, that average's first
/// rays (the seed's own, as the primary run's) and its segment to the seed's SGD solution.
struct SweepResult: Codable {
    let swaLR: Double
    let seed: UInt64
    let swa: PointMetrics
    let rays: [[PointMetrics]]
    let segment: [PointMetrics]
    /// The Hessian's top eigenvalue and trace at the setting's solution (curvature seeds; nil
    /// otherwise and in records from before it).
    let curvature: CurvatureResult?
}

/// The Hessian of one seed's SGD and SWA (largest budget) solutions.
struct CurvaturePair: Codable {
    let seed: UInt64
    let sgd: CurvatureResult
    let swa: CurvatureResult
}

/// What a run measured (its run record): every seed's results, the ray distances, the swa_lr
/// sweep and the curvature (nil in records from before them).
struct WidthMeasurements: Codable {
    let seeds: [SeedResult]
    let distances: [Double]
    var sweep: [SweepResult]?
    var curvature: [CurvaturePair]?
}

/// Trains (or fetches) each seed's SGD run and SWA continuation and measures them; every point
/// through the cache's point store, BN recomputed at each.
struct WidthSurvey {
    let plan: AveragingPlan
    let data: TrainingData
    let cache: ArtifactCache
    let probe: PointProbe
    let table: PointProbe

    init(plan: AveragingPlan, data: TrainingData, cache: ArtifactCache) {
        self.plan = plan
        self.data = data
        self.cache = cache
        let network = Network.make(plan.ensemble.model, inputShape: data.train.shape, classes: data.train.classes)
        let evaluator = Evaluator(network: network), state = [Float](repeating: 0, count: network.layout.stateCount)
        let context = "\(plan.ensemble.model.rawValue) on \(data.name)"
        probe = PointProbe(cache: cache, evaluator: evaluator, data: plan.probeData(data), weightDecay: 5e-4, state: state, context: context)
        table = PointProbe(cache: cache, evaluator: evaluator, data: plan.tableData(data), weightDecay: 5e-4, state: state, context: context)
    }

    /// The SGD baseline and SWA run (at `swaLR`, default the plan's) of `seed`.
    func solutions(_ seed: UInt64, swaLR: Double? = nil) throws -> (sgd: TrainedNetwork, swa: WeightAveragingRun) {
        let base = plan.ensemble.baseRecipe(seed: seed, data: data)
        let sgd = try cache.trainedNetwork(base, data: data, keepEpochs: [plan.startEpoch])
        return (sgd, try cache.weightAveraging(plan.recipe(base: base, swaLR: swaLR), data: data))
    }

    /// How far the rays reach: from distance 1, doubled until SGD's test error on the first ray
    /// is 30 points above its own (at most 2¹²), so the probes run "out to tens of percent".
    func reach(seed: UInt64) throws -> Double {
        let sgd = try solutions(seed).sgd
        let rays = rays(seed, dimension: sgd.parameters.count), identity = "reach \(sgd.recipe.cacheKey) rays \(plan.rays)"
        let own = try probe.metrics("sgd-\(seed)", identity: "\(identity) sgd", count: 1) { _ in sgd.parameters }[0].testError
        var s = 1.0
        while s < 4096 {
            let m = try probe.metrics("reach-\(sgd.recipe.seed)-\(s)", identity: "\(identity) ray 0 at \(s)", count: 1) { _ in
                rays.point(from: sgd.parameters, ray: 0, distance: s)
            }[0]
            if m.testError >= own + 0.30 { break }
            s *= 2
        }
        return s
    }

    /// The seed's rays, the same for its SGD and SWA solutions.
    func rays(_ seed: UInt64, dimension: Int) -> RandomRays {
        RandomRays(count: plan.rays, dimension: dimension, seed: RandomGenerator.derive(seed: seed, "swa rays"))
    }

    func measure(_ seed: UInt64, distances: [Double]) throws -> SeedResult {
        let (sgd, swa) = try solutions(seed)
        let key = "\(sgd.recipe.cacheKey) \(swa.recipe.cacheKey)"
        let averages = plan.budgetTotals.map { swa.averages[$0]! }
        let sgdMetrics = try table.metrics("sgd-table-\(seed)", identity: "sgd \(sgd.recipe.cacheKey)", count: 1) { _ in sgd.parameters }[0]
        let swaMetrics = try table.metrics("swa-table-\(seed)", identity: "swa \(swa.recipe.cacheKey) at \(plan.budgetTotals)", count: averages.count) { averages[$0] }
        let widest = averages.last!
        let rays = rays(seed, dimension: widest.count)
        func probeRays(_ name: String, from w: [Float]) throws -> [[PointMetrics]] {
            let flat = try probe.metrics("\(name)-rays-\(seed)", identity: "\(name) \(key) rays \(plan.rays) at \(distances)", count: plan.rays * distances.count) { k in
                rays.point(from: w, ray: k / distances.count, distance: distances[k % distances.count])
            }
            return (0..<plan.rays).map { Array(flat[($0 * distances.count)..<(($0 + 1) * distances.count)]) }
        }
        let segment = try probe.metrics("segment-\(seed)", identity: "segment \(key) at \(plan.segment)", count: plan.segment.count) { k in
            WeightVector.interpolation(from: widest, to: sgd.parameters, at: plan.segment[k])
        }
        return SeedResult(seed: seed, sgd: sgdMetrics, swa: swaMetrics, members: plan.budgetTotals.map { $0 - plan.startEpoch + 1 },
                          sgdRays: try probeRays("sgd", from: sgd.parameters), swaRays: try probeRays("swa", from: widest),
                          segment: segment, separation: WeightVector.distance(sgd.parameters, widest))
    }

    /// The Hessian at `seed`'s SGD and SWA solutions, each with its BN statistics recomputed on the
    /// probes' BN subset, through the cache.
    func curvature(_ seed: UInt64) throws -> CurvaturePair {
        let (sgd, swa) = try solutions(seed)
        let widest = swa.averages[plan.budgetTotals.last!]!
        return CurvaturePair(seed: seed, sgd: try hessian("sgd", seed: seed, recipeKey: sgd.recipe.cacheKey, sgd.parameters, network: sgd.network),
                             swa: try hessian("swa", seed: seed, recipeKey: swa.recipe.cacheKey + " at \(plan.budgetTotals.last!)", widest,
                                                 network: sgd.network))
    }

    /// The Hessian at `w` (solution `name` of `seed`) with `settings` (default the plan's), BN
    /// recomputed on the probes' BN subset, through the cache.
    func hessian(_ name: String, seed: UInt64, recipeKey: String, _ w: [Float], network: Network,
                 settings: CurvatureSettings? = nil) throws -> CurvatureResult {
        let settings = settings ?? plan.curvature.settings, subset = plan.curvature.subset(of: data.train)
        let identity = "hessian \(name) \(recipeKey) \(settings) on \(subset.count) images"
        return try cache.pointEvaluations(key: ArtifactCache.pointsKey("hessian-\(name)-\(seed)", identity: identity), identity: identity,
                                          count: 1, label: "Hessian \(name) seed \(seed)") { _ in
            let hessian = HessianOperator(network: network, parameters: w, recalibratingOn: plan.ensemble.batchNormData(data), data: subset,
                                          relativeStep: settings.relativeStep)
            return HessianSpectrum.measure(hessian, settings: settings, seed: RandomGenerator.derive(seed: seed, "hessian \(name)"))
        }[0]
    }

    /// The sweep's setting `swaLR` on `seed`: the primary rate's from `primary` (and its Hessian from
    /// `curvature`), every other from its own SWA run, probed along the seed's first `plan.sweepRays`
    /// rays and the same segment, with the Hessian's top eigenvalue and trace (no density) on the
    /// curvature seeds.
    func sweep(_ seed: UInt64, swaLR: Double, distances: [Double], primary: SeedResult, curvature: CurvaturePair?) throws -> SweepResult {
        if swaLR == plan.swaLR {
            return SweepResult(swaLR: swaLR, seed: seed, swa: primary.swa.last!, rays: Array(primary.swaRays.prefix(plan.sweepRays)),
                               segment: primary.segment, curvature: curvature?.swa)
        }
        let (sgd, swa) = try solutions(seed, swaLR: swaLR)
        let w = swa.averages[plan.budgetTotals.last!]!, key = "\(sgd.recipe.cacheKey) \(swa.recipe.cacheKey)"
        let metrics = try table.metrics("sweep-table-\(seed)-\(swaLR)", identity: "swa \(swa.recipe.cacheKey) at \(plan.budgetTotals.last!)",
                                        count: 1) { _ in w }[0]
        let rays = rays(seed, dimension: w.count), count = plan.sweepRays
        let flat = try probe.metrics("sweep-rays-\(seed)-\(swaLR)", identity: "swa \(key) rays \(count) of \(plan.rays) at \(distances)",
                                     count: count * distances.count) { k in
            rays.point(from: w, ray: k / distances.count, distance: distances[k % distances.count])
        }
        let segment = try probe.metrics("sweep-segment-\(seed)-\(swaLR)", identity: "segment \(key) at \(plan.segment)",
                                        count: plan.segment.count) { k in
            WeightVector.interpolation(from: w, to: sgd.parameters, at: plan.segment[k])
        }
        var settings = plan.curvature.settings
        settings.densityRuns = 0
        let measured = plan.curvatureSeeds.contains(seed)
            ? try hessian("swa", seed: seed, recipeKey: swa.recipe.cacheKey + " at \(plan.budgetTotals.last!)", w,
                             network: sgd.network, settings: settings) : nil
        return SweepResult(swaLR: swaLR, seed: seed, swa: metrics,
                           rays: (0..<count).map { Array(flat[($0 * distances.count)..<(($0 + 1) * distances.count)]) }, segment: segment,
                           curvature: measured)
    }
}
