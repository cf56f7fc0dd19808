import Tensor

/// A labelled image dataset held in memory, already normalised.
///
/// `images` is `[count, C, H, W]` row-major (NCHW) Float32, contiguous; `labels[i]` in
/// `0..<classes` is the class of image `i`. Value semantics: subsets copy.
public struct Dataset: Sendable {
    /// E.g. "fashion-mnist/train"; reports and caches use it.
    public let name: String
    /// `[count, C, H, W]` normalised pixels.
    public let images: [Float]
    public let labels: [Int32]
    /// `[C, H, W]` of one image.
    public let shape: [Int]
    public let classes: Int
    /// How `images` were normalised; `normalization.black` is the value zero padding takes.
    public let normalization: Normalization

    public var count: Int { labels.count }
    /// Floats per image, C·H·W.
    public var sampleSize: Int { shape.reduce(1, *) }

    /// Preconditions: `shape` has three positive sizes; `images.count == labels.count · C·H·W`;
    /// every label in `0..<classes`; `normalization` has C channels.
    public init(name: String, images: [Float], labels: [Int32], shape: [Int], classes: Int, normalization: Normalization) {
        precondition(shape.count == 3 && shape.allSatisfy { $0 > 0 }, "Dataset shape must be [C, H, W] with positive sizes, got \(shape)")
        precondition(images.count == labels.count * shape.reduce(1, *),
                     "Dataset \(name): \(images.count) floats are not \(labels.count) images of \(shape)")
        precondition(classes > 0, "Dataset \(name): classes must be positive, got \(classes)")
        if let bad = labels.first(where: { $0 < 0 || Int($0) >= classes }) {
            preconditionFailure("Dataset \(name): label \(bad) outside 0..<\(classes)")
        }
        precondition(normalization.channels == shape[0],
                     "Dataset \(name): normalization has \(normalization.channels) channels, images have \(shape[0])")
        self.name = name
        self.images = images
        self.labels = labels
        self.shape = shape
        self.classes = classes
        self.normalization = normalization
    }

    /// The images at `indices`, in that order (repeats allowed). Precondition: indices in range.
    public func subset(_ indices: [Int], name: String? = nil) -> Dataset {
        let size = sampleSize
        var newLabels = [Int32](); newLabels.reserveCapacity(indices.count)
        let newImages = [Float](unsafeUninitializedCapacity: indices.count * size) { out, initialised in
            images.withUnsafeBufferPointer { source in
                for (k, i) in indices.enumerated() {
                    precondition(i >= 0 && i < count, "Dataset \(self.name): index \(i) outside 0..<\(count)")
                    (out.baseAddress! + k * size).initialize(from: source.baseAddress! + i * size, count: size)
                    newLabels.append(labels[i])
                }
            }
            initialised = indices.count * size
        }
        return Dataset(name: name ?? "\(self.name)[subset \(indices.count)]", images: newImages, labels: newLabels,
                       shape: shape, classes: classes, normalization: normalization)
    }

    /// The first `n` images (all of them when `n ≥ count`).
    public func prefix(_ n: Int) -> Dataset {
        precondition(n >= 0, "prefix length must be non-negative, got \(n)")
        if n >= count { return self }
        return range(0..<n, name: "\(name)[..<\(n)]")
    }

    /// GAR's validation split: the LAST `size` images become the validation set, the rest (in
    /// order) the training set. Precondition: `0 < size < count`.
    public func validationSplit(size: Int = 5000) -> (train: Dataset, validation: Dataset) {
        precondition(size > 0 && size < count, "validation size must be in 1..<\(count), got \(size)")
        return (range(0..<(count - size), name: "\(name)[train \(count - size)]"),
                range((count - size)..<count, name: "\(name)[validation \(size)]"))
    }

    /// The same `count` images every time for a given `seed` (the first `count` of a seeded
    /// Fisher–Yates permutation, in permutation order), e.g. 10 000 training images for
    /// batch-norm recalibration. The whole dataset when `count ≥ self.count`.
    public func fixedSubset(count n: Int, seed: UInt64) -> Dataset {
        precondition(n >= 0, "subset size must be non-negative, got \(n)")
        if n >= count { return self }
        var generator = RandomGenerator(seed: RandomGenerator.derive(seed: seed, "fixed subset \(n) of \(name)"))
        return subset(Array(generator.permutation(count).prefix(n)), name: "\(name)[fixed \(n), seed \(seed)]")
    }

    private func range(_ r: Range<Int>, name: String) -> Dataset {
        let size = sampleSize
        return Dataset(name: name, images: Array(images[(r.lowerBound * size)..<(r.upperBound * size)]),
                       labels: Array(labels[r]), shape: shape, classes: classes, normalization: normalization)
    }
}

extension Dataset: CustomStringConvertible {
    public var description: String {
        "\(name): \(count) images of \(shape.map(String.init).joined(separator: "×")), \(classes) classes"
    }
}
