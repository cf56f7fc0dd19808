import Datasets
import Foundation
import TestSupport
import Networks
import Testing
import Training
@testable import Experiments

/// Every test number a training run records says which images it was measured on, and `train`'s
/// closing lines say it too (evaluating again on the whole test set when the record is of a subset).
@Suite struct MeasuredOnTests {
    static let all: TrainingData = {
        let blobs = SyntheticData.gaussianBlobs(count: 400, classes: 10, dimensions: 784, separation: 0.3, shape: [1, 28, 28], seed: 5)
        return TrainingData(name: "blobs", train: blobs.prefix(256), test: blobs.subset(Array(256..<400)))
    }()
    /// The same data with the test split cut to its first 50 images, as a chapter's budget cuts it.
    static let subset = TrainingData(name: "blobs", train: all.train, test: all.test.prefix(50), testSplitCount: all.test.count)

    func recipe() -> TrainingRecipe {
        var r = TrainingRecipe(model: .mlp, data: "blobs", trainImages: 256, seed: 4, epochs: 2)
        r.batchSize = 64
        return r
    }

    let scratch = TemporaryFolder("measured-on")
    func temporaryCache() -> ArtifactCache { ArtifactCache(root: scratch.file(UUID().uuidString)) }

    @Test func theHistoryRecordsTheTestImagesAndTrainSaysThem() throws {
        let cache = temporaryCache()
        let trained = try cache.trainedNetwork(recipe(), data: Self.subset)
        let on = MeasuredOn(data: "blobs", split: "test", images: 50, of: 144)
        #expect(trained.history.map(\.testImages) == [on, on])
        // The record survives the trip through history.json.
        let cached = try cache.trainedNetwork(recipe(), data: Self.all)
        #expect(cached.history == trained.history)

        // Asked on the whole test set, the subset's number is labelled and the whole set measured.
        let lines = cached.finalTestMetrics(on: Self.all)
        #expect(lines.count == 2, "\(lines)")
        #expect(lines[0].hasPrefix("as recorded when trained: final test loss") && lines[0].hasSuffix("on the first 50 of the 144 test images"))
        let whole = Evaluator(network: cached.network).evaluate(parameters: cached.parameters, state: cached.state, on: Self.all.test)
        #expect(lines[1] == String(format: "final test loss %.4f, test accuracy %.2f %% after 2 epochs, on all 144 test images",
                                   whole.loss, 100 * whole.accuracy))
        // On the data it was measured on, the record is printed alone.
        let alone = cached.finalTestMetrics(on: Self.subset)
        #expect(alone.count == 1 && alone[0].hasSuffix("on the first 50 of the 144 test images"))
        let last = try #require(cached.history.last?.testError)
        #expect(alone[0].contains(String(format: "test accuracy %.2f %%", 100 * (1 - last))))
    }

    @Test func aWholeTestSetRunPrintsOneLine() throws {
        let trained = try temporaryCache().trainedNetwork(recipe(), data: Self.all)
        #expect(trained.history.last?.testImages?.isWholeSplit == true)
        let lines = trained.finalTestMetrics(on: Self.all)
        #expect(lines.count == 1 && lines[0].hasSuffix("after 2 epochs, on all 144 test images"), "\(lines)")
    }

    @Test func anEntryCachedBeforeTheRecordDecodesAsUnknown() throws {
        let old = #"[{"epoch":1,"learningRate":0.05,"seconds":2.5,"testError":0.25,"testLoss":0.7,"trainError":0.3,"trainLoss":0.9}]"#
        let history = try JSONDecoder().decode([EpochRecord].self, from: Data(old.utf8))
        #expect(history == [EpochRecord(epoch: 1, learningRate: 0.05, trainLoss: 0.9, trainError: 0.3, testLoss: 0.7, testError: 0.25,
                                        testImages: nil, seconds: 2.5)])
        // A record without test metrics leaves the field out, so entries without it read the same.
        let untested = EpochRecord(epoch: 1, learningRate: 0.1, trainLoss: 1, trainError: 0.5, seconds: 1)
        #expect(!String(decoding: try JSONEncoder().encode(untested), as: UTF8.self).contains("testImages"))

        // `train` on such an entry says the images are unknown and measures the whole test set.
        let cache = temporaryCache()
        let trained = try cache.trainedNetwork(recipe(), data: Self.subset)
        var legacy = trained
        legacy.history = legacy.history.map { var r = $0; r.testImages = nil; return r }
        let lines = legacy.finalTestMetrics(on: Self.all)
        #expect(lines.count == 2 && lines[0].contains("test images not recorded") && lines[1].hasSuffix("on all 144 test images"), "\(lines)")
    }
}
