import Datasets
import Foundation
import Networks
import TestSupport
import Testing
import Training
@testable import WeightSpace

/// SSE and FGE as configurations of the one training loop: their rates, and where members are taken.
@Suite struct EnsembleScheduleTests {
    func at(_ epoch: Int, _ iteration: Int = 0, per: Int = 10) -> TrainingPosition {
        TrainingPosition(epoch: epoch, iteration: iteration, iterationsPerEpoch: per)
    }

    // MARK: SSE

    @Test func sseRestartsAtEveryCycleAndTheLastCycleOfABudgetAbsorbsTheRemainder() {
        // B = 10 epochs, M = 3 cycles: ⌊10/3⌋ = 3-epoch cycles starting at 0, 3, 6; the last one
        // runs 4 epochs (6…9). The same cycles repeat in the second budget (10, 13, 16).
        let s = LearningRateSchedule.snapshotEnsemble(0.1, epochsPerBudget: 10, cyclesPerBudget: 3, budgets: 2)
        for start in [0, 3, 6, 10, 13, 16] { expectClose(s(at(start)), 0.1, rtol: 1e-6) }
        // Just before each restart the rate is almost 0: last iteration of a 30-iteration cycle,
        // ½·0.1·(1 + cos(π·29/30)) ≈ 2.7e-4.
        for end in [2, 5, 12, 15] { expectClose(Double(s(at(end, 9))), 0.05 * (1 + cos(Double.pi * 29 / 30)), rtol: 1e-5) }
        // The last cycle of a budget is 40 iterations long: at its 30th iteration (epoch 9) the
        // rate is ½·0.1·(1 + cos(π·30/40)), not yet near 0; and the same in the second budget.
        let late = 0.05 * (1 + cos(Double.pi * 0.75))
        expectClose(Double(s(at(9))), late, rtol: 1e-5)
        expectClose(Double(s(at(19))), late, rtol: 1e-5)
        // The first budget is exactly the one-budget SSE run.
        let one = LearningRateSchedule.cosineRestarts(0.1, epochs: 10, cycles: 3)
        for e in 0..<10 { for i in [0, 4, 9] { #expect(s(at(e, i)) == one(at(e, i))) } }
    }

    @Test func sseSnapshotsAreTakenAtTheCycleEnds() {
        #expect(SnapshotEnsembleCycles.snapshotEpochs(epochsPerBudget: 10, cyclesPerBudget: 3, budgets: 2) == [3, 6, 10, 13, 16, 20])
        #expect(SnapshotEnsembleCycles.snapshotEpochs(epochsPerBudget: 10, cyclesPerBudget: 5, budgets: 3)
                == [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30])
        #expect(SnapshotEnsembleCycles.snapshotEpochs(epochsPerBudget: 3, cyclesPerBudget: 2, budgets: 1) == [1, 3])
    }

    // MARK: FGE

    @Test func theFGECycleIsAnEvenNumberOfIterations() {
        // 0.5 epoch of 79 iterations = 39.5 → 40; of 469 → 234.5 → 234; tiny cycles become 2.
        #expect(FastGeometricCycle.iterations(epochs: 0.5, iterationsPerEpoch: 79) == 40)
        #expect(FastGeometricCycle.iterations(epochs: 0.5, iterationsPerEpoch: 469) == 234)
        #expect(FastGeometricCycle.iterations(epochs: 0.1, iterationsPerEpoch: 2) == 2)
        #expect(FastGeometricCycle.collectionSteps(cycleIterations: 40, totalIterations: 158) == [20, 60, 100, 140])
        // 6 probes per cycle of 8: offsets ⌊j·8/6⌋ = 0, 1, 2, 4, 5, 6 — the collection step 4 among them.
        #expect(FastGeometricCycle.probeSteps(cycleIterations: 8, perCycle: 6, window: 12) == [0, 1, 2, 4, 5, 6, 8, 9, 10])
    }

    static let data = SyntheticData.gaussianBlobs(count: 64, classes: 10, dimensions: 784, separation: 0.5, shape: [1, 28, 28], seed: 5)

    /// A loop of `epochs` epochs (4 iterations each) at FGE's triangle with K = 4.
    func fgeLoop(epochs: Int, startEpoch: Int = 0) -> TrainingLoop {
        let network = Network.make(.mlp)
        let (p, s) = network.initialParameters(seed: 8)
        let objective = NetworkObjective(network: network, state: s, batchCapacity: 16)
        let loader = BatchLoader(dataset: Self.data, batchSize: 16, shuffle: true, seed: 2)
        return TrainingLoop(objective: objective, parameters: p, optimizer: SGD(momentum: 0.9, weightDecay: 5e-4),
                            schedule: .fgeTriangle(lr1: 0.05, lr2: 0.01, cycleIterations: 4), data: loader, epochs: epochs,
                            seed: 3, startEpoch: startEpoch)
    }

    @Test func fgeRunsAtLr1AtEachCycleStartAndCollectsExactlyAtTheLr2Steps() throws {
        let loop = fgeLoop(epochs: 3)
        var rates: [Int: Float] = [:], after: [Int: [Float]] = [:], collected: [CollectedStep] = []
        FastGeometricCollector.attach(to: loop, cycleIterations: 4, observe: { end, loop in
            rates[end.position.globalIteration] = end.learningRate
            after[end.position.globalIteration] = loop.parameters
        }, collect: { collected.append($0) })
        try loop.run()
        // 12 steps, K = 4: cycle starts 0, 4, 8 at lr1; mid-cycle steps 2, 6, 10 at lr2.
        for start in [0, 4, 8] { expectClose(rates[start]!, 0.05, rtol: 1e-6) }
        for mid in [2, 6, 10] { expectClose(rates[mid]!, 0.01, rtol: 1e-6) }
        #expect(collected.map(\.step) == [2, 6, 10])
        #expect(collected.map(\.step) == FastGeometricCycle.collectionSteps(cycleIterations: 4, totalIterations: 12))
        for member in collected {
            expectClose(member.learningRate, 0.01, rtol: 1e-6)
            #expect(member.parameters == after[member.step]!, "member \(member.step) is not the network after its step")
        }
    }

    @Test func aResumedFGERunContinuesTheCycleCount() throws {
        let loop = fgeLoop(epochs: 3, startEpoch: 1)
        var steps: [Int] = []
        FastGeometricCollector.attach(to: loop, cycleIterations: 4) { steps.append($0.step) }
        try loop.run()
        #expect(steps == [6, 10])
    }
}
