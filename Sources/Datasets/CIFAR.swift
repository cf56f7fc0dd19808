import Foundation

/// CIFAR-10 and CIFAR-100 in their binary format, from a folder the user provides (never
/// downloaded).
///
/// CIFAR-10 (`cifar-10-batches-bin`): `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin`,
/// records of 1 label byte + 3 072 pixel bytes (R, G, B planes of 32×32, row-major).
/// CIFAR-100 (`cifar-100-binary`): `train.bin`, `test.bin`, records of 2 label bytes (coarse,
/// fine) + 3 072 pixel bytes; the fine label (100 classes) is used.
/// Files may also be gzip-compressed under the same name plus `.gz`.
public enum CIFAR {
    public enum Variant: String, Sendable, CaseIterable {
        case cifar10 = "cifar-10"
        case cifar100 = "cifar-100"

        public var classes: Int { self == .cifar10 ? 10 : 100 }
        /// Label bytes before each record's pixels.
        public var labelBytes: Int { self == .cifar10 ? 1 : 2 }
        public var recordSize: Int { labelBytes + 3 * 32 * 32 }
        public var trainFiles: [String] { self == .cifar10 ? (1...5).map { "data_batch_\($0).bin" } : ["train.bin"] }
        public var testFiles: [String] { self == .cifar10 ? ["test_batch.bin"] : ["test.bin"] }
        /// The folder name inside the official archive, tried below the given folder.
        public var archiveFolder: String { self == .cifar10 ? "cifar-10-batches-bin" : "cifar-100-binary" }
        /// "CIFAR-10" or "CIFAR-100".
        public var title: String { rawValue.uppercased() }
        /// The files a folder must hold, in words: "data_batch_1.bin … data_batch_5.bin and test_batch.bin".
        public var expectedFiles: String {
            self == .cifar10 ? "data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin and test_batch.bin"
                : "train.bin and test.bin"
        }
        /// Records in the files of the official release.
        var officialRecords: String {
            self == .cifar10 ? "10 000 records of \(recordSize) bytes each" : "50 000 and 10 000 records of \(recordSize) bytes"
        }
        /// The Python version's folder and first training file (a pickle, no extension), to recognise it.
        var pythonFolder: String { self == .cifar10 ? "cifar-10-batches-py" : "cifar-100-python" }
        var pythonFile: String { self == .cifar10 ? "data_batch_1" : "train" }
    }

    /// What a missing folder's error says: the files expected, where they may sit, where to get them.
    public static func hint(_ variant: Variant) -> String {
        "expected \(variant.expectedFiles) (each may also be gzip-compressed as NAME.gz) in the --data-path folder "
            + "or in its \(variant.archiveFolder)/ subfolder: the binary version of \(variant.title) from "
            + "https://www.cs.toronto.edu/~kriz/cifar.html, unpacked, and passed with --data-path (nothing is downloaded)"
    }

    /// What a damaged file's error says.
    static func damagedHint(_ variant: Variant) -> String {
        "the file is damaged or incomplete: the binary version of \(variant.title) holds \(variant.expectedFiles) "
            + "(\(variant.officialRecords)); unpack the archive again"
    }

    /// Loads both splits, normalised per channel (R, G, B) with the training set's statistics
    /// (≈ 0.4914/0.4822/0.4465 and 0.2470/0.2435/0.2616 for CIFAR-10). Shape [3, 32, 32].
    /// `directory` may be the folder holding the files or its parent holding `archiveFolder`.
    /// Throws `DatasetError` naming the file: missing file, a size that is not a whole number of
    /// records, a label out of range.
    public static func load(_ variant: Variant, directory: String) throws -> (train: Dataset, test: Dataset) {
        let folder = try locate(variant, directory: directory)
        let (train, test) = try concurrently({ try read(variant, paths: variant.trainFiles.map { resolve(folder, $0) }) },
                                             { try read(variant, paths: variant.testFiles.map { resolve(folder, $0) }) })
        let normalization = train.fitNormalization()
        return (train.dataset(name: "\(variant.rawValue)/train", classes: variant.classes, normalization: normalization),
                test.dataset(name: "\(variant.rawValue)/test", classes: variant.classes, normalization: normalization))
    }

    /// The paths of the training files then the test files (each the file or its `.gz`), for
    /// provenance; throws like `load` when the folder or a file is missing.
    public static func resolveFiles(_ variant: Variant, directory: String) throws -> [String] {
        let folder = try locate(variant, directory: directory)
        return try (variant.trainFiles + variant.testFiles).map { name in
            let path = resolve(folder, name)
            guard FileManager.default.fileExists(atPath: path) else {
                throw DatasetError(path: path, kind: .notFound, problem: "no such file", hint: hint(variant))
            }
            return path
        }
    }

    /// The folder holding the files: `directory` itself, or `directory/archiveFolder`.
    static func locate(_ variant: Variant, directory: String) throws -> String {
        let first = variant.trainFiles[0]
        let candidates = [directory, (directory as NSString).appendingPathComponent(variant.archiveFolder)]
        for folder in candidates {
            let path = (folder as NSString).appendingPathComponent(first)
            if FileManager.default.fileExists(atPath: path) || FileManager.default.fileExists(atPath: path + ".gz") {
                return folder
            }
        }
        // The Python version (pickles, no extension) is a common mistake: say so.
        let python = (candidates + [(directory as NSString).appendingPathComponent(variant.pythonFolder)])
            .map { ($0 as NSString).appendingPathComponent(variant.pythonFile) }
            .first { FileManager.default.fileExists(atPath: $0) }
        throw DatasetError(path: (directory as NSString).appendingPathComponent(first), kind: .notFound,
                           problem: "no such file",
                           hint: (python.map { "\($0) looks like the Python (pickle) version, which is not read; " } ?? "") + hint(variant))
    }

    private static func resolve(_ folder: String, _ name: String) -> String {
        let path = (folder as NSString).appendingPathComponent(name)
        return !FileManager.default.fileExists(atPath: path) && FileManager.default.fileExists(atPath: path + ".gz") ? path + ".gz" : path
    }

    /// Reads and concatenates record files, in the order given.
    static func read(_ variant: Variant, paths: [String]) throws -> RawImages {
        let plane = 32 * 32, imageSize = 3 * plane, record = variant.recordSize
        var pixels: [UInt8] = [], labels: [Int32] = []
        for path in paths {
            let bytes: [UInt8]
            do {
                bytes = try GzipReader(path: path).readToEnd()
            } catch let error as DatasetError {
                switch error.kind {
                case .notFound: throw error.withHint(hint(variant))
                case .unreadable: throw error
                default: throw error.withHint(damagedHint(variant))
                }
            }
            guard !bytes.isEmpty, bytes.count % record == 0 else {
                let other: Variant = variant == .cifar10 ? .cifar100 : .cifar10
                let alsoOther = !bytes.isEmpty && bytes.count % other.recordSize == 0
                    ? " (it is a whole number of \(other.rawValue.uppercased()) records: wrong variant?)" : ""
                throw DatasetError(path: path, kind: .truncated,
                                   problem: "\(bytes.count) bytes is not a positive multiple of the \(record)-byte "
                                       + "\(variant.rawValue.uppercased()) record\(alsoOther)",
                                   hint: damagedHint(variant))
            }
            let n = bytes.count / record, start = labels.count
            pixels.reserveCapacity(pixels.count + n * imageSize)
            labels.reserveCapacity(start + n)
            bytes.withUnsafeBufferPointer { b in
                for r in 0..<n {
                    let base = r * record
                    labels.append(Int32(b[base + variant.labelBytes - 1]))  // CIFAR-100: the fine label
                    pixels.append(contentsOf: UnsafeBufferPointer(rebasing: b[(base + variant.labelBytes)..<(base + record)]))
                }
            }
            try RawImages.checkLabels(Array(labels[start...]), classes: variant.classes, path: path, hint: damagedHint(variant))
            if variant == .cifar100, let r = (0..<n).first(where: { bytes[$0 * record] >= 20 }) {
                throw DatasetError(path: path, kind: .labelOutOfRange,
                                   problem: "coarse label \(bytes[r * record]) of record \(r) is outside 0..<20",
                                   hint: "this is not a CIFAR-100 file (a CIFAR-10 file read as CIFAR-100?)")
            }
        }
        return RawImages(pixels: pixels, labels: labels, shape: [3, 32, 32])
    }
}
