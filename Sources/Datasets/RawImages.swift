import Foundation

/// 8-bit images and their labels as read from disk, before normalisation. Lives only while a
/// loader runs: the loaders fit a `Normalization` on the training set, convert both splits to
/// Float and drop the bytes.
struct RawImages {
    /// `[count, C, H, W]` bytes.
    var pixels: [UInt8]
    var labels: [Int32]
    /// `[C, H, W]`.
    var shape: [Int]

    var count: Int { labels.count }
    var plane: Int { shape[1] * shape[2] }

    func fitNormalization() -> Normalization {
        Normalization.fit(pixels: pixels, channels: shape[0], plane: plane)
    }

    func dataset(name: String, classes: Int, normalization: Normalization) -> Dataset {
        Dataset(name: name, images: normalization.normalize(pixels, plane: plane), labels: labels,
                shape: shape, classes: classes, normalization: normalization)
    }
}

extension RawImages {
    /// Checks every label against `0..<classes`; the error names `path` and the first bad record.
    static func checkLabels(_ labels: [Int32], classes: Int, path: String, hint: String) throws {
        if let i = labels.firstIndex(where: { $0 < 0 || Int($0) >= classes }) {
            throw DatasetError(path: path, kind: .labelOutOfRange,
                               problem: "label \(labels[i]) of record \(i) is outside 0..<\(classes)", hint: hint)
        }
    }
}

/// Runs two independent reads on two threads (the training images dominate loading time; the
/// test split and the labels decode meanwhile). Errors are rethrown, the first one's first.
func concurrently<A, B>(_ first: () throws -> A, _ second: () throws -> B) throws -> (A, B) {
    var a: Result<A, Error>?, b: Result<B, Error>?
    withoutActuallyEscaping(first) { first in
        withoutActuallyEscaping(second) { second in
            let box = UncheckedBox(run: [{ a = Result(catching: first) }, { b = Result(catching: second) }])
            DispatchQueue.concurrentPerform(iterations: 2) { box.run[$0]() }
        }
    }
    return (try a!.get(), try b!.get())
}

private struct UncheckedBox: @unchecked Sendable {
    let run: [() -> Void]
}
