import Datasets
import Networks
import Training
import WeightSpace

/// How much of the curve experiment a budget runs (chapters 1, 2 and 5 share endpoints and curves
/// through it, so equal budgets train each network once).
public struct CurvePlan {
    public let budget: Budget
    public let model: ModelName
    public let bends: Int
    public let points: Int
    public let seedPairs: [(UInt64, UInt64)]
    public let endpointEpochs: Int
    public let curveEpochs: Int
    /// Training/test images used (nil: all).
    public let trainLimit: Int?
    public let testLimit: Int?
    /// Size of the fixed training subset BN statistics are recomputed on at every evaluated point.
    public let batchNormImages: Int
    /// Size of the fixed training subset train loss and error are measured on.
    public let trainEvaluationImages: Int
    public let weightDecay = 5e-4

    /// What the quick budget runs: chapter 2's first pair at the full budget's recipe, or a compact
    /// version (half the training images, curves of 5 epochs, smaller evaluation subsets) for the
    /// chapters that train and evaluate several times as much (planes, alignments), so that they
    /// too finish in about ten minutes on two cores from an empty cache.
    /// Test images (the first) every evaluated point is measured on; nil: all that were loaded.
    public let pointTestImages: Int?

    /// What the quick budget evaluates. Its training is always the full budget's recipe on the
    /// first pair (so every quick run shares chapter 2's networks and curves, and a later full run
    /// reuses them); chapters that evaluate several times as many points as chapter 2 (planes,
    /// alignments) measure them on smaller subsets to finish in about ten minutes from an empty cache.
    public enum QuickScope: Sendable {
        case fullEvaluation
        case lighterEvaluation
    }

    public init(budget: Budget, model: ModelName, seeds: [UInt64]?, bends: Int = 3, points: Int? = nil,
                quick: QuickScope = .fullEvaluation) {
        self.budget = budget
        self.model = model
        self.bends = bends
        pointTestImages = budget == .quick && quick == .lighterEvaluation ? 2_000 : nil
        let defaultSeeds: [UInt64]
        switch budget {
        case .smoke:
            (endpointEpochs, curveEpochs, trainLimit, testLimit) = (1, 1, 512, 256)
            (batchNormImages, trainEvaluationImages, self.points) = (256, 256, points ?? 5)
            defaultSeeds = [1, 2]
        case .quick where quick == .lighterEvaluation:
            // Chapter 2's quick training; points on 1 000 + 1 000 training and 2 000 test images.
            (endpointEpochs, curveEpochs, trainLimit, testLimit) = (10, 10, 10_000, 5_000)
            (batchNormImages, trainEvaluationImages, self.points) = (1_000, 1_000, points ?? 9)
            defaultSeeds = [1, 2]
        case .quick:
            // The full budget's recipe on its first pair: the same endpoints and curves (so a later
            // full run reuses them) and the effect the full report shows, in a few minutes on two
            // cores; the test metrics of each point on the first 5 000 test images.
            (endpointEpochs, curveEpochs, trainLimit, testLimit) = (10, 10, 10_000, 5_000)
            (batchNormImages, trainEvaluationImages, self.points) = (2_000, 2_000, points ?? 21)
            defaultSeeds = [1, 2]
        case .full:
            // Three pairs, 61 points: sized to about two hours on this 2-core machine (sgemm ceiling
            // measured at ~130 GFLOP/s). The endpoints are chapter 3's full-budget conventional runs
            // (same recipe: 10 epochs on the first 10 000 training images), so both chapters train
            // each network once; the 549 evaluated points use the first 5 000 test images.
            (endpointEpochs, curveEpochs, trainLimit, testLimit) = (10, 10, 10_000, 5_000)
            (batchNormImages, trainEvaluationImages, self.points) = (2_000, 2_000, points ?? 61)
            defaultSeeds = [1, 2, 3, 4, 5, 6]
        }
        let seeds = seeds ?? defaultSeeds
        precondition(seeds.count >= 2, "the curve experiment needs at least two seeds, got \(seeds)")
        seedPairs = stride(from: 0, to: seeds.count - 1, by: 2).map { (seeds[$0], seeds[$0 + 1]) }
    }

    public func loadData(_ source: DataSource) throws -> TrainingData {
        try TrainingData.load(source, trainLimit: trainLimit, testLimit: testLimit)
    }

    /// An endpoint: the `train` executable's defaults (GAR's recipe scaled to Fashion-MNIST).
    public func endpointRecipe(seed: UInt64, data: TrainingData) -> TrainingRecipe {
        TrainingRecipe(model: model, data: data.name, trainImages: data.train.count, seed: seed, epochs: endpointEpochs)
    }

    public func curveRecipe(_ kind: CurveKind, _ start: TrainingRecipe, _ end: TrainingRecipe) -> CurveRecipe {
        CurveRecipe(kind: kind, bends: bends, start: start, end: end, epochs: curveEpochs)
    }

    /// Test images every evaluated point is measured on.
    public func pointTestCount(_ data: TrainingData) -> Int { min(pointTestImages ?? data.test.count, data.test.count) }

    /// Fixed training subsets for BN statistics and train metrics (the same images every time).
    public func evaluationData(_ data: TrainingData) -> EvaluationData {
        data.evaluationData(batchNorm: batchNormImages, train: trainEvaluationImages, test: pointTestImages)
    }

    /// The jobs of a chapter built on these curves: the endpoints of `seeds` (default: the pairs'),
    /// then a `kinds` curve between every pair.
    public func jobs(data: TrainingData, kinds: [CurveKind], seeds: [UInt64]? = nil) -> JobPlan {
        var plan = JobPlan()
        for seed in seeds ?? seedPairs.flatMap({ [$0.0, $0.1] }) { plan.add(.train(endpointRecipe(seed: seed, data: data)), data: data) }
        for (a, b) in seedPairs {
            for kind in kinds {
                plan.add(.curve(curveRecipe(kind, endpointRecipe(seed: a, data: data), endpointRecipe(seed: b, data: data))), data: data)
            }
        }
        return plan
    }
}
