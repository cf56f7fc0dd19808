import Datasets
import Foundation
import Networks
import Training
import WeightSpace

/// How much of the ensembling experiment (Ind vs SSE vs FGE at equal budget, chapter 3) a budget
/// runs, and the methods' hyper-parameters.
///
/// Budget B = the epochs of one conventional run (`baseRecipe`, the endpoint recipe of
/// `CurvePlan`, so equal configurations share their networks through the artifact cache).
/// Every method is run for `budgets` (3) budgets; its k-budget ensemble is a prefix of that run.
/// One replicate per seed: Ind's networks, the SSE run and the FGE base all derive from it.
public struct EnsemblePlan {
    public let budget: Budget
    public let model: ModelName
    /// One replicate of the whole experiment per seed.
    public let seeds: [UInt64]
    /// B: epochs of one conventional run.
    public let budgetEpochs: Int
    public let budgets = 3
    /// Training/test images used (nil: all).
    public let trainLimit: Int?
    public let testLimit: Int?
    /// Size of the fixed training subset every member's BN statistics are recomputed on.
    public let batchNormImages: Int
    /// FGE: epochs of the conventional run it starts from (≈ 80 % of B), its cycle in epochs,
    /// and the triangle's rates.
    public let fgeStartEpoch: Int
    public let cycleEpochs: Double
    public let lr1: Double
    public let lr2: Double
    /// SSE: cosine cycles (snapshots) per budget and the rate each cycle restarts at. Cycles are
    /// whole epochs, so a valid plan has `1 ≤ snapshotsPerBudget ≤ budgetEpochs` (callers check
    /// user input against it).
    public let snapshotsPerBudget: Int
    public let sseLearningRate: Double
    /// Trajectory figure: network evaluations per FGE cycle over the 1-budget part of the run.
    public let probesPerCycle = 6

    public init(budget: Budget, model: ModelName, seeds: [UInt64]?, cycle: Double? = nil, lr1: Double? = nil,
                lr2: Double? = nil, snapshots: Int? = nil, sseLearningRate: Double? = nil) {
        self.budget = budget
        self.model = model
        let defaultSeeds: [UInt64]
        let defaultCycle: Double
        switch budget {
        case .smoke:
            // 512 images: 4 iterations per epoch, so FGE's half-epoch cycles collect 2 members within
            // 1 budget and the smoke run reaches every section of the report.
            (budgetEpochs, trainLimit, testLimit, batchNormImages) = (3, 512, 128, 128)
            (snapshotsPerBudget, defaultSeeds, defaultCycle) = (snapshots ?? 2, [1], 0.5)
        case .quick:
            // About ten minutes on two idle cores: B = 6 epochs of 5 000 images, quarter-epoch FGE
            // cycles (4 members within 1 budget), members evaluated on 5 000 test images.
            (budgetEpochs, trainLimit, testLimit, batchNormImages) = (6, 5_000, 5_000, 1_000)
            (snapshotsPerBudget, defaultSeeds, defaultCycle) = (snapshots ?? 3, [1], 0.25)
        case .full:
            // Five replicates (issue 29: enough seeds for the paired tests to have power): B = 10 epochs
            // of the first 10 000 training images, all 10 000 test images; Ind's first networks are
            // chapter 2's full-budget endpoints. Three replicates took 27 minutes (chapter 3) and 24
            // (chapter 4, whose SGD baselines are these conventional runs) on the 2-core machine.
            (budgetEpochs, trainLimit, testLimit, batchNormImages) = (10, 10_000, nil, 2_000)
            (snapshotsPerBudget, defaultSeeds, defaultCycle) = (snapshots ?? 5, [1, 2, 3, 4, 5], 0.5)
        }
        self.seeds = seeds ?? defaultSeeds
        precondition(!self.seeds.isEmpty && Set(self.seeds).count == self.seeds.count, "need distinct seeds, got \(self.seeds)")
        fgeStartEpoch = max(1, min(budgetEpochs - 1, Int((0.8 * Double(budgetEpochs)).rounded())))
        cycleEpochs = cycle ?? defaultCycle
        // GAR's ResNet recipe scaled to the base rate: lr1 = lr0/2, lr2 = lr0/10 (lr0 = 0.1 there).
        self.lr1 = lr1 ?? 0.025
        self.lr2 = lr2 ?? 0.005
        self.sseLearningRate = sseLearningRate ?? 0.1
    }

    public func loadData(_ source: DataSource) throws -> TrainingData {
        try TrainingData.load(source, trainLimit: trainLimit, testLimit: testLimit)
    }

    /// The conventional run of B epochs: `CurvePlan`'s endpoint recipe (the `train` defaults).
    public func baseRecipe(seed: UInt64, data: TrainingData) -> TrainingRecipe {
        TrainingRecipe(model: model, data: data.name, trainImages: data.train.count, seed: seed, epochs: budgetEpochs)
    }

    /// Seeds of the `budgets` independent networks of replicate `index`: `seeds[index] + j·stride`
    /// with `stride = max − min + 1` over the replicate seeds, so replicates never share a network
    /// (seeds 1, 2, 3 → {1, 4, 7}, {2, 5, 8}, {3, 6, 9}; seed 1 alone → {1, 2, 3}). The first is
    /// also the conventional run FGE starts from.
    public func independentSeeds(replicate index: Int) -> [UInt64] {
        let stride = seeds.max()! - seeds.min()! + 1
        return (0..<budgets).map { seeds[index] + UInt64($0) * stride }
    }

    public func snapshotRecipe(seed: UInt64, data: TrainingData) -> SnapshotEnsembleRecipe {
        SnapshotEnsembleRecipe(base: baseRecipe(seed: seed, data: data), learningRate: sseLearningRate,
                               cyclesPerBudget: snapshotsPerBudget, budgets: budgets)
    }

    public func fastGeometricRecipe(base: TrainingRecipe) -> FastGeometricRecipe {
        let perEpoch = iterationsPerEpoch(base)
        let cycle = FastGeometricCycle.iterations(epochs: cycleEpochs, iterationsPerEpoch: perEpoch)
        return FastGeometricRecipe(base: base, startEpoch: fgeStartEpoch, epochs: budgets * budgetEpochs - fgeStartEpoch,
                                   cycleIterations: cycle, lr1: lr1, lr2: lr2,
                                   probeSteps: FastGeometricCycle.probeSteps(cycleIterations: cycle, perCycle: probesPerCycle,
                                                                             window: (budgetEpochs - fgeStartEpoch) * perEpoch))
    }

    public func iterationsPerEpoch(_ recipe: TrainingRecipe) -> Int {
        (recipe.trainImages + recipe.batchSize - 1) / recipe.batchSize
    }

    /// The fixed training subset BN statistics are recomputed on (the same images every time).
    public func batchNormData(_ data: TrainingData) -> Dataset {
        data.train.fixedSubset(count: min(batchNormImages, data.train.count), seed: 17)
    }

    /// The jobs of every replicate: Ind's conventional runs, the SSE run and the FGE run.
    public func jobs(data: TrainingData) -> JobPlan {
        var plan = JobPlan()
        for index in seeds.indices {
            let bases = independentSeeds(replicate: index).map { baseRecipe(seed: $0, data: data) }
            for base in bases { plan.add(.train(base), data: data) }
            plan.add(.snapshotEnsemble(snapshotRecipe(seed: bases[0].seed, data: data)), data: data)
            plan.add(.fastGeometric(fastGeometricRecipe(base: bases[0])), data: data)
        }
        return plan
    }
}
