import Foundation
import TestSupport
import Testing
@testable import Datasets

/// The dataset readers fed thousands of mutated files: never a crash, every error names the file.
@Suite struct DatasetFuzzTests {
    @Test func idxFilesPlainAndCompressed() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let images = IDXFile(elementType: .uint8, dimensions: [3, 6, 6], payload: (0..<108).map { UInt8($0) }).encoded()
        let labels = IDXFile(elementType: .uint8, dimensions: [3], payload: [1, 2, 3]).encoded()
        var tally = FuzzTally()
        for (k, original) in [images, labels].enumerated() {
            var mutator = Mutator(seed: UInt64(k + 1), fieldOffsets: [0, 4, 8, 12])
            for i in 0..<1_500 {
                let (_, bytes) = mutator.mutate(original)
                // Half mutate the plain bytes then compress; half mutate the gzip stream itself.
                let path: String
                if i % 2 == 0 {
                    path = try folder.write(bytes, to: "f\(k).gz")
                } else {
                    let gz = folder.file("g\(k).gz")
                    try GzipFile.write(original, to: gz)
                    var (_, damaged) = mutator.mutate(Array(try Data(contentsOf: URL(fileURLWithPath: gz))))
                    if damaged.isEmpty { damaged = [0] }
                    try Data(damaged).write(to: URL(fileURLWithPath: gz))
                    path = gz
                }
                do {
                    _ = try IDXFile.read(path: path)
                    tally.record(nil, path: path)
                } catch let e as DatasetError {
                    tally.record(e, kind: "DatasetError.\(e.kind)", path: path)
                }
            }
        }
        print("IDX fuzz: \(tally)")
        #expect(tally.tried == 3_000 && tally.unnamed.isEmpty, "\(tally.unnamed)")
    }

    @Test func cifarRecordFiles() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        var tally = FuzzTally()
        for (k, variant) in CIFAR.Variant.allCases.enumerated() {
            let original = cifarRecords(variant, count: 2)
            var mutator = Mutator(seed: UInt64(10 + k), fieldOffsets: [0, 1, variant.recordSize])
            for i in 0..<750 {
                let (_, bytes) = mutator.mutate(original)
                let path = try folder.write(bytes, to: i % 3 == 0 ? "c\(k).bin.gz" : "c\(k).bin")
                do {
                    _ = try CIFAR.read(variant, paths: [path])
                    tally.record(nil, path: path)
                } catch let e as DatasetError {
                    tally.record(e, kind: "DatasetError.\(e.kind)", path: path)
                }
            }
        }
        print("CIFAR fuzz: \(tally)")
        #expect(tally.tried == 1_500 && tally.unnamed.isEmpty, "\(tally.unnamed)")
    }
}
