import Foundation
import TestSupport
import Testing
@testable import ChapterKit

/// The cache's own JSON (evaluated points, run records) fed thousands of mutated files: never a
/// crash, every error names the file, and a damaged file is never overwritten.
@Suite struct CacheFuzzTests {
    @Test func mutatedPointStoresAndRunRecordsNeverCrash() throws {
        let root = NSTemporaryDirectory() + "/cache-fuzz-\(UUID().uuidString)"
        let cache = ArtifactCache(root: root)
        _ = try cache.pointEvaluations(key: "p", identity: "fuzz points", count: 3, label: "fuzz") { Double($0) * 0.5 }
        let pointsPath = root + "/points/p.json"
        let points = Array(try Data(contentsOf: URL(fileURLWithPath: pointsPath)))
        let folder = root + "/record"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try RunRecord(chapter: "chapter9", budget: .smoke, report: RecordedReport(command: "swift run chapter9", provenance: [["budget", "smoke"]]),
                      measured: [1.5, 2.5]).write(to: folder)
        let recordPath = RunRecord<[Double]>.path(in: folder)
        let record = Array(try Data(contentsOf: URL(fileURLWithPath: recordPath)))

        var pointsTally = FuzzTally(), recordTally = FuzzTally()
        var mutator = Mutator(seed: 3)
        for _ in 0..<2_500 {
            let (_, bytes) = mutator.mutate(points)
            try Data(bytes).write(to: URL(fileURLWithPath: pointsPath))
            do {
                _ = try cache.pointEvaluations(key: "p", identity: "fuzz points", count: 3, label: "fuzz") { Double($0) * 0.5 }
                pointsTally.record(nil, path: pointsPath)
            } catch let e as CachedCheckpointError {
                pointsTally.record(e, kind: "CachedCheckpointError", path: pointsPath)
                #expect(try Data(contentsOf: URL(fileURLWithPath: pointsPath)) == Data(bytes), "a damaged point store was overwritten")
            }
        }
        for _ in 0..<2_500 {
            let (_, bytes) = mutator.mutate(record)
            try Data(bytes).write(to: URL(fileURLWithPath: recordPath))
            do {
                _ = try RunRecord<[Double]>.read(from: folder, chapter: "chapter9", budget: .smoke)
                recordTally.record(nil, path: recordPath)
            } catch let e as ReplotError {
                recordTally.record(e, kind: "ReplotError", path: recordPath)
            }
        }
        print("point store fuzz: \(pointsTally)")
        print("run record fuzz: \(recordTally)")
        #expect(pointsTally.tried == 2_500 && pointsTally.unnamed.isEmpty, "\(pointsTally.unnamed)")
        #expect(recordTally.tried == 2_500 && recordTally.unnamed.isEmpty, "\(recordTally.unnamed)")
    }
}
