import Datasets
import Foundation
import TestSupport
import Networks
import Tensor
import Testing
import Training
@testable import Experiments

/// The artifact cache: same recipe, same network; an interrupted run resumes and ends where an
/// uninterrupted one ends.
@Suite struct ArtifactCacheTests {
    static let data: TrainingData = {
        let all = SyntheticData.gaussianBlobs(count: 320, classes: 10, dimensions: 784, separation: 0.3, shape: [1, 28, 28], seed: 21)
        return TrainingData(name: "blobs", train: all.prefix(256), test: all.subset(Array(256..<320)))
    }()

    func recipe(epochs: Int = 3) -> TrainingRecipe {
        var r = TrainingRecipe(model: .tinyten, data: "blobs", trainImages: 256, seed: 3, epochs: epochs)
        r.batchSize = 64
        return r
    }

    let scratch = TemporaryFolder("cache-tests")

    func temporaryCache() -> ArtifactCache { ArtifactCache(root: scratch.file(UUID().uuidString)) }

    @Test func aSecondRequestReturnsTheCachedNetworkWithoutTraining() throws {
        let cache = temporaryCache()
        let first = try cache.trainedNetwork(recipe(), data: Self.data)
        #expect(first.history.count == 3 && first.history.allSatisfy { $0.testError != nil })
        let modified = try FileManager.default.attributesOfItem(atPath: first.path)[.modificationDate] as! Date
        let second = try cache.trainedNetwork(recipe(), data: Self.data)
        #expect(second.parameters == first.parameters && second.state == first.state)
        #expect((try FileManager.default.attributesOfItem(atPath: first.path)[.modificationDate] as! Date) == modified)
    }

    @Test func anInterruptedRunResumesAndEndsWhereAnUninterruptedOneEnds() throws {
        struct Interrupt: Error {}
        let reference = try temporaryCache().trainedNetwork(recipe(), data: Self.data)

        // Run the same recipe by hand through the cache's resumable run and stop it after epoch 2,
        // as a killed process would be stopped (its checkpoint after epoch 2 is on disk).
        let cache = temporaryCache()
        let r = recipe()
        let network = Network.make(.tinyten)
        let run = try cache.run(for: r, network: network)
        var p = [Float](repeating: 0, count: network.layout.parameterCount)
        var s = [Float](repeating: 0, count: network.layout.stateCount)
        var rng = RandomGenerator(seed: RandomGenerator.derive(seed: r.seed, "init tinyten"))
        network.initialize(parameters: &p, state: &s, rng: &rng)
        let objective = NetworkObjective(network: network, state: s, batchCapacity: 64)
        let loop = TrainingLoop(objective: objective, parameters: p, optimizer: r.makeOptimizer(), schedule: r.learningRateSchedule,
                                data: Self.data.trainingBatches(r), epochs: 3, seed: RandomGenerator.derive(seed: r.seed, "loop"))
        // This hook runs before the cache's checkpoint hook: thrown at the end of epoch 3, it leaves
        // the checkpoint of epoch 2 on disk.
        loop.hooks.epochEnd.append { _, end in if end.epoch == 2 { throw Interrupt() } }
        #expect(throws: Interrupt.self) { _ = try run.run(loop, history: []) { _ in nil } }
        #expect(try run.resumePoint()?.epochsDone == 2)

        let resumed = try cache.trainedNetwork(r, data: Self.data)
        #expect(resumed.parameters == reference.parameters)
        #expect(resumed.state == reference.state)
        #expect(resumed.history.count == 3)
    }

    @Test func snapshotsAreKeptAtTheEpochsAsked() throws {
        let cache = temporaryCache()
        let trained = try cache.trainedNetwork(recipe(), data: Self.data, keepEpochs: [2])
        let snapshot = try cache.snapshot(of: recipe(), network: trained.network, afterEpoch: 2)
        #expect(snapshot.epochsDone == 2 && !snapshot.momentum.isEmpty)
        #expect(snapshot.parameters != trained.parameters)
    }

    @Test func everyEpochIsKeptSoALaterCallerNeedsNoRetraining() throws {
        // Chapter 2 asks for endpoints without snapshots; chapter 3's FGE later needs epoch 2 of the
        // same network. The second call must return the same network, not retrain it.
        let cache = temporaryCache()
        let first = try cache.trainedNetwork(recipe(), data: Self.data)
        let attributes = try FileManager.default.attributesOfItem(atPath: first.path)
        let again = try cache.trainedNetwork(recipe(), data: Self.data, keepEpochs: [2])
        #expect(again.parameters == first.parameters)
        #expect(try FileManager.default.attributesOfItem(atPath: first.path)[.modificationDate] as? Date
                == attributes[.modificationDate] as? Date)
        let snapshot = try cache.snapshot(of: recipe(), network: again.network, afterEpoch: 2)
        #expect(snapshot.epochsDone == 2)
    }

    /// A network whose snapshots would not fit the budget (VGG16: 122 MB each) keeps only the
    /// epochs asked for; a later caller asking for another retrains the entry to the same network.
    @Test func aLargeNetworkKeepsOnlyTheSnapshotsAskedFor() throws {
        let cache = temporaryCache()
        cache.everyEpochSnapshotBudget = 0
        let first = try cache.trainedNetwork(recipe(), data: Self.data, keepEpochs: [2])
        let kept = try FileManager.default.contentsOfDirectory(atPath: cache.root + "/" + recipe().cacheKey).filter { $0.hasPrefix("epoch-") }
        #expect(kept == ["epoch-2.safetensors"])
        let again = try cache.trainedNetwork(recipe(), data: Self.data, keepEpochs: [1])
        #expect(again.parameters == first.parameters && again.state == first.state)
        #expect(try cache.snapshot(of: recipe(), network: again.network, afterEpoch: 1).epochsDone == 1)
    }

    @Test func aDamagedCheckpointIsAClearErrorAndIsNotOverwritten() throws {
        let cache = temporaryCache()
        let trained = try cache.trainedNetwork(recipe(epochs: 1), data: Self.data)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: trained.path))
        let truncated = bytes.prefix(bytes.count / 2)
        try truncated.write(to: URL(fileURLWithPath: trained.path))
        #expect {
            _ = try cache.trainedNetwork(recipe(epochs: 1), data: Self.data)
        } throws: { error in
            let text = "\(error)"
            return error is CachedCheckpointError && text.contains(trained.path) && text.contains("truncated")
                && text.contains("delete \(cache.root)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: trained.path)) == truncated)
    }

    @Test func recipesThatDifferHaveDifferentKeys() {
        var other = recipe()
        other.learningRate = 0.1
        #expect(recipe().cacheKey != other.cacheKey)
        #expect(recipe().cacheKey == recipe().cacheKey)
    }
}

/// A run that diverges says which run, which step and which entry, and leaves the entry without a
/// checkpoint of the bad steps.
@Suite struct DivergedRunTests {
    let scratch = TemporaryFolder("diverge")

    @Test func aDivergedRunNamesItselfAndLeavesNoCheckpointOfTheBadSteps() throws {
        let cache = ArtifactCache(root: scratch.path)
        var recipe = TrainingRecipe(model: .mlp, data: "blobs", trainImages: 256, seed: 5, epochs: 3)
        recipe.batchSize = 64
        recipe.learningRate = 1e9
        recipe.schedule = .constant
        var failure: RunFailure?
        do { _ = try cache.trainedNetwork(recipe, data: ArtifactCacheTests.data) } catch let error as RunFailure { failure = error }
        let error = try #require(failure, "a rate of 1e9 diverges")
        guard case let .nonFiniteLoss(_, _, step, _) = error.underlying else { Issue.record("not a divergence: \(error)"); return }
        #expect(error.description.contains("mlp seed 5") && error.description.contains("at step \(step)"), "\(error)")
        #expect(error.description.contains(cache.root + "/" + recipe.cacheKey) && error.description.contains("\"learningRate\":1000000000"), "\(error)")
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.root + "/" + recipe.cacheKey)
        let epochsDone = step / 4  // 4 minibatches of 64 per epoch
        let checkpoints = files.filter { $0.hasPrefix("epoch-") }.sorted()
        #expect(checkpoints == (0..<epochsDone).map { "epoch-\($0 + 1).safetensors" }, "only the good epochs are kept: \(files)")
        #expect(!files.contains("final.safetensors") && !files.contains { $0.hasSuffix(".tmp") }, "\(files)")
    }
}
