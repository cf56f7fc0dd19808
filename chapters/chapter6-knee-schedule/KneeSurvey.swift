import ChapterKit
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

    /// The data runs train on: the same training images, the curve subset of the test set (the
    /// per-epoch test error of the training curves).
    var trainingData: TrainingData {
        TrainingData(name: data.name, train: data.train, test: data.test.prefix(min(plan.curveTestImages, data.test.count)), files: data.files)
    }

    func run(_ name: String, _ kind: ScheduleKind, explore: Double?, seed: UInt64, epochs: Int, sharpness: Bool) throws -> RunResult {
        let recipe = plan.recipe(kind, explore: explore, seed: seed, epochs: epochs, data: data)
        let trained = try cache.trainedNetwork(recipe, data: trainingData)
        let evaluator = Evaluator(network: trained.network)
        let accuracy = try cache.pointEvaluations(key: ArtifactCache.pointsKey("accuracy-\(seed)", identity: recipe.cacheKey + " test \(data.test.count)"),
                                                  identity: recipe.cacheKey + " test \(data.test.count)", count: 1, label: "test \(name)") { _ in
            evaluator.evaluate(parameters: trained.parameters, state: trained.state, on: data.test).accuracy
        }[0]
        var measured: SharpnessResult?
        if sharpness {
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

    /// Every schedule × comparison seed at the long and the short budget.
    func comparison() throws -> [[RunResult]] {
        try [plan.budgetEpochs, plan.shortEpochs].flatMap { epochs in
            try KneePlan.schedules.map { s in
                try plan.comparisonSeeds.map { try run(s.name, s.kind, explore: s.explore, seed: $0, epochs: epochs, sharpness: false) }
            }
        }
    }

    /// Knee runs at every explore fraction × density seed (long budget), with sharpness.
    func density() throws -> [[RunResult]] {
        try plan.fractions.map { f in
            try plan.densitySeeds.map { try run("Knee (\(Int((100 * f).rounded())) %)", .knee, explore: f, seed: $0, epochs: plan.budgetEpochs, sharpness: true) }
        }
    }
}
