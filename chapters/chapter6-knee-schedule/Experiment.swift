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
}

/// What a run measured (its run record): the schedule comparison and the explore-density sweep.
struct KneeMeasurements: Codable {
    let comparison: [[RunResult]]
    let density: [[RunResult]]
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
        var measured: SharpnessResult?
        if spec.sharpness {
            let identity = "sharpness \(recipe.cacheKey) \(plan.sharpness) on \(plan.sharpnessImages)"
            measured = try cache.pointEvaluations(key: ArtifactCache.pointsKey("sharpness-\(seed)", identity: identity), identity: identity,
                                                  count: 1, label: "sharpness \(name) seed \(seed)") { _ in
                KeskarSharpness.measure(network: trained.network, parameters: trained.parameters, state: trained.state, ascent: data.train,
                                        evaluation: data.train.fixedSubset(count: min(plan.sharpnessImages, data.train.count), seed: 29),
                                        options: plan.sharpness, seed: RandomGenerator.derive(seed: seed, "sharpness"),
                                        label: "sharpness \(name) seed \(seed)")
            }[0]
        }
        return RunResult(name: name, recipe: recipe, accuracy: accuracy, history: trained.history, sharpness: measured)
    }

    /// The schedule comparison (`KneePlan.comparisonRuns`).
    func comparison() throws -> [[RunResult]] { try plan.comparisonRuns.map { try $0.map(run) } }

    /// The density experiment (`KneePlan.densityRuns`).
    func density() throws -> [[RunResult]] { try plan.densityRuns.map { try $0.map(run) } }
}
