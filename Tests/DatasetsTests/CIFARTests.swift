import Foundation
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
}
