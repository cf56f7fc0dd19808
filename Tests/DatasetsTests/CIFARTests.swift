import Foundation
import TestSupport
import Testing
@testable import Datasets

@Suite struct CIFARTests {
    func cifar10Folder(perBatch: Int = 2, test: Int = 3) throws -> TemporaryFolder {
        let folder = TemporaryFolder()
        for b in 1...5 { try folder.write(cifarRecords(.cifar10, count: perBatch, firstLabel: b), to: "data_batch_\(b).bin") }
        try folder.write(cifarRecords(.cifar10, count: test), to: "test_batch.bin")
        return folder
    }

    @Test func cifar10ConcatenatesBatchesInOrderAsRGBPlanes() throws {
        let folder = try cifar10Folder(); defer { folder.remove() }
        let (train, test) = try CIFAR.load(.cifar10, directory: folder.path)
        #expect(train.count == 10 && test.count == 3 && train.shape == [3, 32, 32] && train.classes == 10)
        #expect(train.labels == [1, 2, 2, 3, 3, 4, 4, 5, 5, 6] && test.labels == [0, 1, 2])
        #expect(train.normalization.channels == 3 && test.normalization == train.normalization)
        // Record 1 of test_batch.bin, green plane (offset 1024), pixel 5.
        let n = train.normalization
        #expect(test.images[3072 + 1024 + 5] == n.value(of: fakePixel(1, 1024 + 5), channel: 1))
    }

    @Test func cifar100UsesTheFineLabelAndFindsTheArchiveFolder() throws {
        let parent = TemporaryFolder(); defer { parent.remove() }
        try FileManager.default.createDirectory(atPath: parent.file("cifar-100-binary"), withIntermediateDirectories: true)
        try parent.write(cifarRecords(.cifar100, count: 4, firstLabel: 97), to: "cifar-100-binary/train.bin")
        try parent.write(cifarRecords(.cifar100, count: 2, firstLabel: 42), to: "cifar-100-binary/test.bin.gz")
        let (train, test) = try CIFAR.load(.cifar100, directory: parent.path)
        #expect(train.labels == [97, 98, 99, 0] && test.labels == [42, 43] && train.classes == 100)
    }

    @Test func sizeThatIsNotWholeRecordsNamesTheFile() throws {
        let folder = try cifar10Folder(); defer { folder.remove() }
        let path = try folder.write(Array(cifarRecords(.cifar10, count: 2).dropLast(1)), to: "data_batch_3.bin")
        let error = DatasetError.caught { _ = try CIFAR.load(.cifar10, directory: folder.path) }
        #expect(error?.kind == .truncated && error?.path == path && "\(error!)".contains("3073-byte"))
        try folder.write(cifarRecords(.cifar100, count: 2), to: "data_batch_3.bin")  // 6148 = 2·3074 = 2·3073 + 2
        #expect("\(DatasetError.caught { _ = try CIFAR.load(.cifar10, directory: folder.path) }!)".contains("wrong variant"))
        try folder.write([], to: "data_batch_3.bin")
        #expect(DatasetError.caught { _ = try CIFAR.load(.cifar10, directory: folder.path) }?.kind == .truncated)
    }

    @Test func labelOutOfRange() throws {
        let folder = try cifar10Folder(); defer { folder.remove() }
        var records = cifarRecords(.cifar10, count: 2)
        records[3073] = 10
        let path = try folder.write(records, to: "test_batch.bin")
        let error = DatasetError.caught { _ = try CIFAR.load(.cifar10, directory: folder.path) }
        #expect(error?.kind == .labelOutOfRange && error?.path == path && "\(error!)".contains("record 1"))
    }

    @Test func missingFilesNameThePathAndSayWhereToGetThem() throws {
        let empty = TemporaryFolder(); defer { empty.remove() }
        let error = DatasetError.caught { _ = try CIFAR.load(.cifar10, directory: empty.path) }
        #expect(error?.kind == .notFound && error?.path == empty.file("data_batch_1.bin"))
        #expect("\(error!)".contains("cs.toronto.edu") && "\(error!)".contains("--data-path"))
        let folder = try cifar10Folder(); defer { folder.remove() }
        try FileManager.default.removeItem(atPath: folder.file("data_batch_4.bin"))
        #expect(DatasetError.caught { _ = try CIFAR.load(.cifar10, directory: folder.path) }?.path == folder.file("data_batch_4.bin"))
    }

    @Test func aMissingFolderNamesEveryFileExpected() throws {
        let empty = TemporaryFolder(); defer { empty.remove() }
        let ten = "\(DatasetError.caught { _ = try CIFAR.load(.cifar10, directory: empty.path) }!)"
        for name in (1...5).map({ "data_batch_\($0).bin" }) + ["test_batch.bin", "cifar-10-batches-bin/"] {
            #expect(ten.contains(name), "\(ten)")
        }
        #expect(ten.contains("nothing is downloaded"))
        let hundred = "\(DatasetError.caught { _ = try CIFAR.load(.cifar100, directory: empty.path + "/absent") }!)"
        #expect(hundred.hasPrefix("dataset not found at \(empty.path)/absent/train.bin;") && hundred.contains("train.bin and test.bin")
            && hundred.contains("cifar-100-binary/"), "\(hundred)")
        #expect(DatasetError.caught { _ = try CIFAR.resolveFiles(.cifar10, directory: empty.path) }?.kind == .notFound)
    }

    @Test func thePythonVersionIsRecognised() throws {
        let folder = TemporaryFolder(); defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.file("cifar-10-batches-py"), withIntermediateDirectories: true)
        try folder.write([0x80, 0x02], to: "cifar-10-batches-py/data_batch_1")
        let error = DatasetError.caught { _ = try CIFAR.load(.cifar10, directory: folder.path) }
        #expect(error?.kind == .notFound && "\(error!)".contains("Python (pickle) version"), "\(String(describing: error))")
    }

    @Test func aDamagedFileSaysWhatTheReleaseHolds() throws {
        let folder = try cifar10Folder(); defer { folder.remove() }
        try folder.write(Array(cifarRecords(.cifar10, count: 1).dropLast(7)), to: "test_batch.bin")
        let text = "\(DatasetError.caught { _ = try CIFAR.load(.cifar10, directory: folder.path) }!)"
        #expect(text.hasPrefix(folder.file("test_batch.bin") + ": 3066 bytes") && text.contains("data_batch_5.bin and test_batch.bin")
            && text.contains("10 000 records of 3073 bytes each"), "\(text)")
        // A damaged gzip stream is reported the same way.
        try FileManager.default.removeItem(atPath: folder.file("test_batch.bin"))
        try folder.write([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3], to: "test_batch.bin.gz")
        let gz = DatasetError.caught { _ = try CIFAR.load(.cifar10, directory: folder.path) }
        #expect(gz?.path == folder.file("test_batch.bin.gz") && "\(gz!)".contains("unpack the archive again"), "\(String(describing: gz))")
    }

    @Test func resolveFilesListsTrainingThenTestFiles() throws {
        let folder = try cifar10Folder(); defer { folder.remove() }
        try FileManager.default.removeItem(atPath: folder.file("data_batch_2.bin"))
        try folder.write(cifarRecords(.cifar10, count: 2), to: "data_batch_2.bin.gz")
        #expect(try CIFAR.resolveFiles(.cifar10, directory: folder.path)
            == ["data_batch_1.bin", "data_batch_2.bin.gz", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"].map(folder.file))
    }

    /// Per-channel normalisation: channels with different statistics each come out with mean 0 and
    /// std 1 on the training set; the test set uses the training set's statistics.
    @Test func normalisesEachChannelWithItsOwnStatistics() throws {
        let folder = TemporaryFolder(); defer { folder.remove() }
        func records(_ n: Int, seed: Int) -> [UInt8] {
            (0..<n).flatMap { i -> [UInt8] in
                [UInt8(i % 10)] + (0..<3072).map { k in UInt8(k / 1024 * 80 + (k % 1024 * (k / 1024 + 1) + i * 7 + seed) % 50) }
            }
        }
        for b in 1...5 { try folder.write(records(4, seed: b), to: "data_batch_\(b).bin") }
        try folder.write(records(3, seed: 9), to: "test_batch.bin")
        let (train, test) = try CIFAR.load(.cifar10, directory: folder.path)
        let n = train.normalization
        #expect(n.channels == 3 && n.mean[0] < n.mean[1] && n.mean[1] < n.mean[2])
        for c in 0..<3 {
            var values: [Double] = []
            for i in 0..<train.count {
                let start: Int = (i * 3 + c) * 1024
                values += train.images[start..<(start + 1024)].map { Double($0) }
            }
            let count = Double(values.count)
            let mean: Double = values.reduce(0, +) / count
            let variance: Double = values.reduce(0.0) { (sum: Double, v: Double) in sum + (v - mean) * (v - mean) } / count
            #expect(abs(mean) < 1e-4 && abs(variance - 1) < 1e-3, "channel \(c): mean \(mean), variance \(variance)")
        }
        #expect(test.normalization == n && n.black.count == 3 && Set(n.black).count == 3)
    }
}
