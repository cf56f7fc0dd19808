import Foundation
import Tensor

/// Minibatches of a dataset as a pure function of (epoch, batch): the same call always writes the
/// same images, so batches can be produced independently, in any order, on any thread, and a run
/// resumed at an epoch boundary replays exactly.
///
/// Contract (the seeds are part of it; changing them changes every trained network):
/// - Epoch `e`'s order is `RandomGenerator(seed: RandomGenerator.derive(seed: seed, "epoch \(e)"))
///   .permutation(count)` (Fisher–Yates) when `shuffle`, else `0..<count`.
/// - Batch `b` of epoch `e` holds order positions `[b·batchSize, min((b+1)·batchSize, count))`;
///   the last batch is partial unless `dropLast`.
/// - Batch `b` of epoch `e` augments its samples, in order, with a generator seeded by
///   `batchSeed(epoch: e, batch: b)` (derived from `seed`, `e` and `b`).
///
/// `fill` allocates nothing per batch: each epoch's permutation is computed once and cached
/// (the two most recent epochs, shared by copies of the loader, behind a lock).
public struct BatchLoader: Sendable {
    public let dataset: Dataset
    public let batchSize: Int
    public let shuffle: Bool
    public let augmentation: Augmentation
    public let seed: UInt64
    /// Whether a last partial batch is skipped.
    public let dropLast: Bool
    private let orders: EpochOrderCache
    private let black: [Float]

    public init(dataset: Dataset, batchSize: Int, shuffle: Bool = true, augmentation: Augmentation = .none,
                seed: UInt64, dropLast: Bool = false) {
        precondition(batchSize > 0, "batch size must be positive, got \(batchSize)")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.augmentation = augmentation
        self.seed = seed
        self.dropLast = dropLast
        self.orders = EpochOrderCache()
        self.black = dataset.normalization.black
    }

    /// In order `0..<count`, no augmentation, last batch kept: for evaluation.
    public static func sequential(_ dataset: Dataset, batchSize: Int) -> BatchLoader {
        BatchLoader(dataset: dataset, batchSize: batchSize, shuffle: false, augmentation: .none, seed: 0)
    }

    /// Floats per sample, C·H·W.
    public var sampleSize: Int { dataset.sampleSize }

    public var batchesPerEpoch: Int {
        dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// The largest batch `fill` writes: buffers of `batchCapacity · sampleSize` floats suffice.
    public var batchCapacity: Int { min(batchSize, dataset.count) }

    /// How many samples batch `batch` holds (precondition: `0 ≤ batch < batchesPerEpoch`).
    public func size(ofBatch batch: Int) -> Int {
        precondition(batch >= 0 && batch < batchesPerEpoch, "batch \(batch) outside 0..<\(batchesPerEpoch)")
        return min(batchSize, dataset.count - batch * batchSize)
    }

    /// Epoch `epoch`'s order of dataset indices (see the type's contract).
    public func order(epoch: Int) -> [Int] {
        shuffle ? orders.order(epoch: epoch, count: dataset.count, seed: seed) : Array(0..<dataset.count)
    }

    /// The seed of batch `batch`'s augmentation generator in epoch `epoch`.
    public func batchSeed(epoch: Int, batch: Int) -> UInt64 {
        // Mix (epoch, batch) into the base seed without strings (no allocation per batch);
        // RandomGenerator's SplitMix64 seeding decorrelates neighbouring seeds.
        var h = seed ^ 0x6261_7463_685F_6175  // "batch_au"
        h = (h ^ UInt64(truncatingIfNeeded: epoch)) &* 0x9E37_79B9_7F4A_7C15
        h = (h ^ (h >> 29) ^ UInt64(truncatingIfNeeded: batch)) &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }

    /// Writes batch `batch` of epoch `epoch` to `images` (`[n, C, H, W]`, contiguous) and `labels`
    /// (`[n]`) and returns n. Pure: depends only on its arguments and the loader's configuration.
    /// Preconditions: `epoch ≥ 0`, `0 ≤ batch < batchesPerEpoch`, buffers hold `batchCapacity`
    /// samples.
    public func fill(epoch: Int, batch: Int, images: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) -> Int {
        precondition(epoch >= 0, "epoch must be non-negative, got \(epoch)")
        let n = size(ofBatch: batch), start = batch * batchSize, size = sampleSize
        let shape = (channels: dataset.shape[0], height: dataset.shape[1], width: dataset.shape[2])
        let permutation = shuffle ? orders.order(epoch: epoch, count: dataset.count, seed: seed) : nil
        var generator = RandomGenerator(seed: batchSeed(epoch: epoch, batch: batch))
        dataset.images.withUnsafeBufferPointer { source in
            dataset.labels.withUnsafeBufferPointer { sourceLabels in
                black.withUnsafeBufferPointer { black in
                    if permutation == nil && augmentation.isIdentity {  // evaluation: one contiguous copy
                        images.update(from: source.baseAddress! + start * size, count: n * size)
                        labels.update(from: sourceLabels.baseAddress! + start, count: n)
                        return
                    }
                    for k in 0..<n {
                        let index = permutation?[start + k] ?? start + k
                        labels[k] = sourceLabels[index]
                        let from = source.baseAddress! + index * size, to = images + k * size
                        if augmentation.isIdentity {
                            to.update(from: from, count: size)
                        } else {
                            augmentation.apply(from, to: to, shape: shape, black: black.baseAddress!, generator: &generator)
                        }
                    }
                }
            }
        }
        return n
    }
}

/// The permutations of the most recent epochs, shared by copies of a loader. Computing one costs
/// O(count) draws, so `fill` must not redo it for every batch.
private final class EpochOrderCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(epoch: Int, order: [Int])] = []
    private static let capacity = 2

    func order(epoch: Int, count: Int, seed: UInt64) -> [Int] {
        lock.lock()
        defer { lock.unlock() }
        if let hit = entries.first(where: { $0.epoch == epoch }) { return hit.order }
        var generator = RandomGenerator(seed: RandomGenerator.derive(seed: seed, "epoch \(epoch)"))
        let order = generator.permutation(count)
        if entries.count == Self.capacity { entries.removeFirst() }
        entries.append((epoch, order))
        return order
    }
}
