import ChapterKit
import Experiments
import Foundation
import Networks
import Tensor
import Training
import WeightSpace

/// One trained network of the experiment.
struct RunResult: Codable {
    let name: String
    let recipe: TrainingRecipe
    /// Final test accuracy on every test image (the network's own BN statistics).
    let accuracy: Double
    /// Per-epoch test error on the curve subset, as the run recorded it.
    let history: [EpochRecord]
    let sharpness: SharpnessResult?
    /// The Hessian's top eigenvalue and trace (density runs of the curvature seeds; nil otherwise and in older records).
    var curvature: CurvatureResult?
}

/// One network's measurement taken again: on other fixed training subsets (the same random draws)
/// and with other random draws on the same subset (the sharpness ascent's batch order; the Hessian's
/// Lanczos start and Rademacher probes); `primary` is the density run's own.
struct Remeasured<Value: Codable>: Codable {
    let fraction: Double
    let seed: UInt64
    let primary: Value
    let subsets: [Value]
    let draws: [Value]

    /// Run records name the other draws "orders", the sharpness's name for them.
    enum CodingKeys: String, CodingKey { case fraction, seed, primary, subsets, draws = "orders" }
}

typealias SharpnessNoise = Remeasured<SharpnessResult>
typealias CurvatureNoise = Remeasured<CurvatureResult>

/// What a run measured (its run record): the schedule comparison, the explore-density sweep and the
/// sharpness and Hessian measurements' noise (nil in records from before them).
struct KneeMeasurements: Codable {
    let comparison: [[RunResult]]
    let density: [[RunResult]]
    var noise: SharpnessNoise?
    var curvatureNoise: CurvatureNoise?
}

/// Trains (or fetches) every run through the artifact cache and measures it.
struct KneeSurvey {
    let plan: KneePlan
    /// All training images of the budget and every test image.
    let data: TrainingData
    let cache: ArtifactCache

    func run(_ spec: KneePlan.Run) throws -> RunResult {
        let (name, seed) = (spec.name, spec.seed)
        let recipe = plan.recipe(spec.kind, explore: spec.explore, seed: seed, epochs: spec.epochs, data: data)
        let trained = try cache.trainedNetwork(recipe, data: plan.trainingData(data))
        let evaluator = Evaluator(network: trained.network)
        let accuracy = try cache.pointEvaluations(key: ArtifactCache.pointsKey("accuracy-\(seed)", identity: recipe.cacheKey + " test \(data.test.count)"),
                                                  identity: recipe.cacheKey + " test \(data.test.count)", count: 1, label: "test \(name)") { _ in
            evaluator.evaluate(parameters: trained.parameters, state: trained.state, on: data.test).accuracy
        }[0]
        let measured = spec.sharpness ? try sharpness(trained, name: name, subset: 29, order: RandomGenerator.derive(seed: seed, "sharpness")) : nil
        let curvature = spec.sharpness && plan.curvatureSeeds.contains(seed) ? try hessian(trained, name: name) : nil
        return RunResult(name: name, recipe: recipe, accuracy: accuracy, history: trained.history, sharpness: measured, curvature: curvature)
    }

    /// Keskar sharpness of `trained` with L0 and L1 on the fixed training subset drawn with `subset`
    /// and the ascent's batches in the order drawn with `order`, through the cache.
    func sharpness(_ trained: TrainedNetwork, name: String, subset: UInt64, order: UInt64) throws -> SharpnessResult {
        let recipe = trained.recipe, seed = recipe.seed
        // The primary measurement (subset 29, the seed's own order) keeps the identity it always had.
        let variant = subset == 29 && order == RandomGenerator.derive(seed: seed, "sharpness") ? "" : " subset \(subset) order \(order)"
        let identity = "sharpness \(recipe.cacheKey) \(plan.sharpness) on \(plan.sharpnessImages)\(variant)"
        return try cache.pointEvaluations(key: ArtifactCache.pointsKey("sharpness-\(seed)", identity: identity), identity: identity,
                                          count: 1, label: "sharpness \(name) seed \(seed)\(variant)") { _ in
            KeskarSharpness.measure(network: trained.network, parameters: trained.parameters, state: trained.state, ascent: data.train,
                                    evaluation: data.train.fixedSubset(count: min(plan.sharpnessImages, data.train.count), seed: subset),
                                    options: plan.sharpness, seed: order, label: "sharpness \(name) seed \(seed)\(variant)")
        }[0]
    }

    /// The Hessian of `trained`'s training loss on the curvature subset drawn with `subset` (its own
    /// BN statistics, eval mode), its random draws from the seed's own (`draw` 0) or another, through the cache.
    func hessian(_ trained: TrainedNetwork, name: String, subset subsetSeed: UInt64 = 31, draw: Int = 0) throws -> CurvatureResult {
        let recipe = trained.recipe, subset = plan.curvature.subset(of: data.train, seed: subsetSeed)
        // The primary measurement (subset 31, the seed's own draws) keeps the identity it always had.
        let variant = subsetSeed == 31 && draw == 0 ? "" : " subset \(subsetSeed) draw \(draw)"
        let identity = "hessian \(recipe.cacheKey) \(plan.curvature.settings) on \(subset.count) images\(variant)"
        return try cache.pointEvaluations(key: ArtifactCache.pointsKey("hessian-\(recipe.seed)", identity: identity), identity: identity,
                                          count: 1, label: "Hessian \(name) seed \(recipe.seed)\(variant)") { _ in
            let hessian = HessianOperator(network: trained.network, parameters: trained.parameters, state: trained.state, data: subset,
                                          relativeStep: plan.curvature.settings.relativeStep)
            let seed = draw == 0 ? RandomGenerator.derive(seed: recipe.seed, "hessian") : RandomGenerator.derive(seed: recipe.seed, "hessian draw \(draw)")
            return HessianSpectrum.measure(hessian, settings: plan.curvature.settings, seed: seed)
        }[0]
    }

    /// Why not: the noise of the sharpness measurement itself (`KneePlan.noiseRepeats`).
    func noise(primary: RunResult) throws -> SharpnessNoise {
        let trained = try cache.trainedNetwork(primary.recipe, data: plan.trainingData(data)), seed = primary.recipe.seed
        let order = RandomGenerator.derive(seed: seed, "sharpness")
        let repeats = 1...plan.noiseRepeats
        return SharpnessNoise(fraction: plan.noiseFraction, seed: seed, primary: primary.sharpness!,
                              subsets: try repeats.map { try sharpness(trained, name: primary.name, subset: 29 + UInt64($0), order: order) },
                              draws: try repeats.map {
                                  try sharpness(trained, name: primary.name, subset: 29, order: RandomGenerator.derive(seed: seed, "sharpness order \($0)"))
                              })
    }

    /// Why not: the noise of the Hessian measurement itself, on the same network as the sharpness's
    /// (`KneePlan.noiseRepeats` other subsets and as many other draws).
    func curvatureNoise(primary: RunResult) throws -> CurvatureNoise? {
        guard let own = primary.curvature else { return nil }
        let trained = try cache.trainedNetwork(primary.recipe, data: plan.trainingData(data)), repeats = 1...plan.noiseRepeats
        return CurvatureNoise(fraction: plan.noiseFraction, seed: primary.recipe.seed, primary: own,
                              subsets: try repeats.map { try hessian(trained, name: primary.name, subset: 31 + UInt64($0)) },
                              draws: try repeats.map { try hessian(trained, name: primary.name, draw: $0) })
    }

    /// The schedule comparison (`KneePlan.comparisonRuns`).
    func comparison() throws -> [[RunResult]] { try plan.comparisonRuns.map { try $0.map(run) } }

    /// The density experiment (`KneePlan.densityRuns`).
    func density() throws -> [[RunResult]] { try plan.densityRuns.map { try $0.map(run) } }
}
