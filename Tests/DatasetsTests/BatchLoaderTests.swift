import Foundation
import Testing
import Tensor
@testable import Datasets

/// All batches of one epoch, in order: (images, labels) per batch.
func epoch(_ loader: BatchLoader, _ e: Int) -> [(images: [Float], labels: [Int32])] {
    (0..<loader.batchesPerEpoch).map { batch(loader, e, $0) }
}

func batch(_ loader: BatchLoader, _ e: Int, _ b: Int) -> (images: [Float], labels: [Int32]) {
    var images = [Float](repeating: .nan, count: loader.batchCapacity * loader.sampleSize)
    var labels = [Int32](repeating: -1, count: loader.batchCapacity)
    let n = loader.fill(epoch: e, batch: b, images: &images, labels: &labels)
    return (Array(images.prefix(n * loader.sampleSize)), Array(labels.prefix(n)))
}

@Suite struct BatchLoaderTests {
    let data = indexDataset(10, classes: 10)  // image i holds the value i and has label i

    @Test func batchCountsWithAndWithoutDropLast() {
        #expect(BatchLoader(dataset: data, batchSize: 4, seed: 1).batchesPerEpoch == 3)
        #expect(BatchLoader(dataset: data, batchSize: 4, seed: 1, dropLast: true).batchesPerEpoch == 2)
        #expect(BatchLoader(dataset: data, batchSize: 5, seed: 1, dropLast: true).batchesPerEpoch == 2)
        #expect(BatchLoader(dataset: data, batchSize: 64, seed: 1).batchCapacity == 10)
        let sizes = epoch(BatchLoader(dataset: data, batchSize: 4, seed: 1), 0).map(\.labels.count)
        #expect(sizes == [4, 4, 2])
    }

    @Test func sequentialLoaderReadsInOrder() {
        let all = epoch(.sequential(data, batchSize: 4), 3)
        #expect(all.flatMap(\.labels) == Array(0..<10) && all.flatMap(\.images) == (0..<10).map(Float.init))
    }

    @Test func shuffledEpochIsTheDocumentedPermutation() {
        let loader = BatchLoader(dataset: data, batchSize: 3, seed: 42)
        for e in 0..<3 {
            var g = RandomGenerator(seed: RandomGenerator.derive(seed: 42, "epoch \(e)"))
            let order = g.permutation(10)
            #expect(loader.order(epoch: e) == order)
            let all = epoch(loader, e)
            #expect(all.flatMap(\.labels) == order.map(Int32.init))
            #expect(all.flatMap(\.images) == order.map(Float.init))  // images travel with their labels
        }
        #expect(loader.order(epoch: 0) != loader.order(epoch: 1))
    }

    @Test func batchesArePureFunctionsOfEpochAndIndex() async {
        let images = indexDataset(100, shape: [1, 4, 4], classes: 7)
        let loader = BatchLoader(dataset: images, batchSize: 8, augmentation: .standard(padding: 1), seed: 9)
        let forward = (0..<3).map { epoch(loader, $0) }
        // Backwards, from a fresh copy of the loader (a resumed run), and from many threads at once.
        let fresh = BatchLoader(dataset: images, batchSize: 8, augmentation: .standard(padding: 1), seed: 9)
        for e in (0..<3).reversed() {
            for b in (0..<loader.batchesPerEpoch).reversed() {
                let again = batch(fresh, e, b)
                #expect(again.images == forward[e][b].images && again.labels == forward[e][b].labels)
            }
        }
        let tasks = (0..<3).flatMap { e in (0..<loader.batchesPerEpoch).map { (e, $0) } }
        await withTaskGroup(of: Bool.self) { group in
            for (e, b) in tasks.shuffled() {
                group.addTask { let x = batch(loader, e, b); return x.images == forward[e][b].images && x.labels == forward[e][b].labels }
            }
            for await same in group { #expect(same) }
        }
        let otherSeed = BatchLoader(dataset: images, batchSize: 8, augmentation: .standard(padding: 1), seed: 10)
        #expect(batch(otherSeed, 0, 0).labels != forward[0][0].labels)
    }

    @Test func augmentedBatchesUseTheBatchGeneratorAndBlackPadding() {
        // Normalised data: black (0) is (0 − 0.5)/0.25 = −2 after normalisation.
        let normalization = Normalization(mean: [0.5], std: [0.25])
        let pixels = (0..<(6 * 9)).map { Float($0 + 1) }
        let set = Dataset(name: "n", images: pixels, labels: [0, 1, 2, 3, 4, 5], shape: [1, 3, 3], classes: 6, normalization: normalization)
        let augmentation = Augmentation(cropPadding: 1, horizontalFlip: true)
        let loader = BatchLoader(dataset: set, batchSize: 4, augmentation: augmentation, seed: 5)
        var black: [Float] = [-2]
        for e in 0..<2 {
            for b in 0..<loader.batchesPerEpoch {
                let got = batch(loader, e, b)
                var g = RandomGenerator(seed: loader.batchSeed(epoch: e, batch: b))
                for (k, label) in got.labels.enumerated() {
                    var expected = [Float](repeating: 0, count: 9)
                    pixels.withUnsafeBufferPointer { p in
                        augmentation.apply(p.baseAddress! + Int(label) * 9, to: &expected, shape: (1, 3, 3), black: &black, generator: &g)
                    }
                    #expect(Array(got.images[(9 * k)..<(9 * k + 9)]) == expected)
                }
            }
        }
        let padded = (0..<50).flatMap { epoch(loader, $0).flatMap(\.images) }
        #expect(padded.contains(-2))
    }

    @Test func batchSeedsDifferAcrossEpochsAndBatches() {
        let loader = BatchLoader(dataset: data, batchSize: 1, seed: 3)
        let seeds = (0..<20).flatMap { e in (0..<10).map { loader.batchSeed(epoch: e, batch: $0) } }
        #expect(Set(seeds).count == 200)
    }

    @Test func fillingIsFast() {
        // 60 000 images of 28×28 with crop and flip: one epoch of batches of 128.
        let big = Dataset(name: "big", images: [Float](repeating: 0.5, count: 60_000 * 784), labels: [Int32](repeating: 0, count: 60_000),
                          shape: [1, 28, 28], classes: 10, normalization: .none(channels: 1))
        let loader = BatchLoader(dataset: big, batchSize: 128, augmentation: .standard(padding: 2), seed: 1)
        var images = [Float](repeating: 0, count: 128 * 784), labels = [Int32](repeating: 0, count: 128)
        let elapsed = ContinuousClock().measure {
            for b in 0..<loader.batchesPerEpoch { _ = loader.fill(epoch: 0, batch: b, images: &images, labels: &labels) }
        }
        print("BatchLoader: one augmented epoch of 60 000 images in \(elapsed)")
        #expect(elapsed < .seconds(2))
    }
}
