import Datasets
import Foundation
import Networks
import Tensor
import Testing
import TestSupport
import Training
@testable import Experiments

/// The SWA run: its averages are the means of the networks it visited, and an interrupted run
/// resumes to the same averages.
@Suite struct WeightAveragingRunTests {
    static let data: TrainingData = {
        let all = SyntheticData.gaussianBlobs(count: 320, classes: 10, dimensions: 784, separation: 0.3, shape: [1, 28, 28], seed: 21)
        return TrainingData(name: "blobs", train: all.prefix(256), test: all.subset(Array(256..<320)))
    }()

    func recipe() -> WeightAveragingRecipe {
        var base = TrainingRecipe(model: .mlp, data: "blobs", trainImages: 256, seed: 3, epochs: 4)
        base.batchSize = 64
        return WeightAveragingRecipe(base: base, startEpoch: 3, epochs: 3, swaLR: 0.01)
    }

    let scratch = TemporaryFolder("swa-tests")
    func temporaryCache() -> ArtifactCache { ArtifactCache(root: scratch.file(UUID().uuidString)) }

    @Test func theAverageAtEachEpochIsTheMeanOfTheSnapshotsUpToIt() throws {
        let cache = temporaryCache(), r = recipe()
        let sgd = try cache.trainedNetwork(r.base, data: Self.data, keepEpochs: [r.startEpoch])
        let run = try cache.weightAveraging(r, data: Self.data)
        #expect(Set(run.averages.keys) == [3, 4, 5, 6])
        let start = try cache.snapshot(of: r.base, network: sgd.network, afterEpoch: 3).parameters
        #expect(run.averages[3] == start)
        // The SWA run's own epoch snapshots, read back from its folder.
        let format = CheckpointFormat(layout: sgd.network.layout)
        let members = [start] + (try (1...3).map { try format.load(from: cache.root + "/" + r.cacheKey + "/epoch-\($0).safetensors").parameters })
        #expect(members.last! == run.final.parameters)
        let mean = start.indices.map { i in Float(members.reduce(0.0) { $0 + Double($1[i]) } / 4) }
        expectClose(run.averages[6]!, mean, rtol: 1e-5, atol: 1e-6)
        // Each average is a checkpoint of its own, loadable by name.
        let saved = try format.load(from: run.averagePaths[6]!)
        #expect(saved.parameters == run.averages[6]! && saved.metadata["swa_members"] == "4")
        // Asking again trains nothing and returns the same averages.
        let again = try cache.weightAveraging(r, data: Self.data)
        #expect(again.averages == run.averages && again.history == run.history)
    }

    @Test func anInterruptedRunResumesToTheSameAverages() throws {
        let r = recipe()
        let reference: WeightAveragingRun = try {
            let cache = temporaryCache()
            _ = try cache.trainedNetwork(r.base, data: Self.data, keepEpochs: [r.startEpoch])
            return try cache.weightAveraging(r, data: Self.data)
        }()
        let cache = temporaryCache()
        _ = try cache.trainedNetwork(r.base, data: Self.data, keepEpochs: [r.startEpoch])
        // Interrupt: delete the final checkpoint and the last epoch's snapshot, as if the process
        // had died during the last epoch (the checkpoint after epoch 2 of the SWA phase stays).
        _ = try cache.weightAveraging(r, data: Self.data)
        let folder = cache.root + "/" + r.cacheKey
        try FileManager.default.removeItem(atPath: folder + "/final.safetensors")
        try FileManager.default.removeItem(atPath: folder + "/epoch-3.safetensors")
        try FileManager.default.copyItem(atPath: folder + "/epoch-2.safetensors", toPath: folder + "/last.safetensors")
        let resumed = try cache.weightAveraging(r, data: Self.data)
        #expect(resumed.averages == reference.averages)
        #expect(resumed.final.parameters == reference.final.parameters)
    }

    @Test func theScheduleIsConstantSwaLROrPyTorchsAnneal() {
        var r = recipe()
        let p = { (e: Int, i: Int) in TrainingPosition(epoch: e, iteration: i, iterationsPerEpoch: 4) }
        #expect(r.schedule(p(0, 0)) == 0.01 && r.schedule(p(2, 3)) == 0.01)
        r.anneal = .cosine
        // From the base run's rate in its last epoch (piecewise, epoch 3 of 4: α = 0.75 → 0.05·(1 − 0.99·0.625)).
        let last = 0.05 * (1 - 0.99 * 0.25 / 0.4)
        expectClose(Double(r.schedule(p(0, 0))), last, rtol: 1e-6)
        expectClose(Double(r.schedule(p(0, 2))), 0.5 * (last + 0.01), rtol: 1e-6)
        #expect(r.schedule(p(1, 0)) == 0.01 && r.schedule(p(2, 1)) == 0.01)
    }
}
