import Datasets
import Networks
import Tensor
import Testing
@testable import Training

/// The loop on real layers and small synthetic data: it learns, it replays, it stops on NaN.
@Suite struct TrainingLoopTests {
    static let data = SyntheticData.gaussianBlobs(count: 256, classes: 10, dimensions: 784, separation: 0.3, shape: [1, 28, 28], seed: 11)

    func makeLoop(epochs: Int, model: ModelName = .tinyten, schedule: LearningRateSchedule = .constant(0.05),
                  augmentation: Augmentation = .standard(padding: 2), start: TrainingSnapshot? = nil) -> (TrainingLoop, NetworkObjective) {
        let network = Network.make(model)
        var p = [Float](repeating: 0, count: network.layout.parameterCount)
        var s = [Float](repeating: 0, count: network.layout.stateCount)
        var rng = RandomGenerator(seed: 4)
        network.initialize(parameters: &p, state: &s, rng: &rng)
        let objective = NetworkObjective(network: network, state: start?.state ?? s, batchCapacity: 64)
        let loader = BatchLoader(dataset: Self.data, batchSize: 64, shuffle: true, augmentation: augmentation, seed: 5)
        let loop = TrainingLoop(objective: objective, parameters: start?.parameters ?? p,
                                optimizer: SGD(momentum: 0.9, weightDecay: 5e-4, buffer: start?.momentum ?? []),
                                schedule: schedule, data: loader, epochs: epochs, seed: 6, startEpoch: start?.epochsDone ?? 0)
        return (loop, objective)
    }

    @Test func trainingLowersTheLoss() throws {
        // Shifts and flips would scramble the blobs' per-pixel centres: no augmentation here.
        let (loop, _) = makeLoop(epochs: 4, model: .mlp, schedule: .constant(0.05), augmentation: .none)
        var losses: [Double] = []
        loop.hooks.epochEnd.append { _, end in losses.append(end.trainLoss) }
        try loop.run()
        #expect(losses.count == 4)
        #expect(losses.last! < 0.5 * losses.first!, "train loss per epoch: \(losses)")
    }

    @Test func aResumedRunRetracesTheUninterruptedOneBitForBit() throws {
        let (full, fullObjective) = makeLoop(epochs: 3)
        try full.run()
        let (first, firstObjective) = makeLoop(epochs: 2)
        try first.run()
        let snapshot = TrainingSnapshot(parameters: first.parameters, state: firstObjective.state, momentum: first.optimizer.buffer, epochsDone: 2)
        let (rest, restObjective) = makeLoop(epochs: 3, start: snapshot)
        try rest.run()
        #expect(rest.parameters == full.parameters)
        #expect(restObjective.state == fullObjective.state)
        #expect(rest.optimizer.buffer == full.optimizer.buffer)
    }

    @Test func aNonFiniteLossStopsTrainingNamingTheStepBeforeAnyHookSeesIt() throws {
        let schedule = LearningRateSchedule.constant(0.01).then(.constant(1e12), atEpoch: 1)
        let (loop, _) = makeLoop(epochs: 3, schedule: schedule)
        var savedEpochs: [Int] = []
        loop.hooks.epochEnd.append { _, end in savedEpochs.append(end.epoch + 1) }
        #expect {
            try loop.run()
        } throws: { error in
            guard case let .nonFiniteLoss(epoch, _, step, _) = error as? TrainingError else { return false }
            return epoch == 1 && step > 4   // 4 batches per epoch: the divergence is in the second epoch
        }
        #expect(savedEpochs == [1])
    }

    @Test func batchNormRecalibrationIsTheCumulativeAverageAndForgetsOldStatistics() {
        let network = Network.make(.tinyten)
        var p = [Float](repeating: 0, count: network.layout.parameterCount)
        var s = [Float](repeating: 0, count: network.layout.stateCount)
        var rng = RandomGenerator(seed: 8)
        network.initialize(parameters: &p, state: &s, rng: &rng)
        let evaluator = Evaluator(network: network, batchSize: 64)
        let data = Self.data.prefix(128)
        let all = evaluator.recalibrateBatchNorm(parameters: p, state: s, on: data)
        // Old statistics do not matter.
        let garbage = s.map { _ in rng.normal() * 5 + 3 }
        let fromGarbage = evaluator.recalibrateBatchNorm(parameters: p, state: garbage, on: data)
        #expect(all == fromGarbage)
        // Two equal batches: momentum 1 then ½, so the result is the mean of the two single-batch results.
        let first = evaluator.recalibrateBatchNorm(parameters: p, state: s, on: data.prefix(64))
        let second = evaluator.recalibrateBatchNorm(parameters: p, state: s, on: data.subset(Array(64..<128)))
        for i in all.indices { #expect(abs(all[i] - 0.5 * (first[i] + second[i])) <= 1e-4 * max(1, abs(all[i]))) }
        // And it changes something: the statistics are not the initial ones.
        #expect(all != s)
    }
}
