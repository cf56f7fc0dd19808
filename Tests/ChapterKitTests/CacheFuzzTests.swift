import Foundation
import TestSupport
import Testing
@testable import ChapterKit
@testable import Experiments

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

/// Job files (written by `--plan`, read by `job` on other machines) fed thousands of mutated
/// files: never a crash, every error names the file.
@Suite struct JobFileFuzzTests {
    @Test func mutatedJobFilesNeverCrash() throws {
        let folder = NSTemporaryDirectory() + "/job-fuzz-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let base = TrainingRecipe(model: .tinyten, data: "fashion-mnist", trainImages: 512, seed: 1, epochs: 2)
        var end = base
        end.seed = 2
        let jobs = [Job(.train(base), dataset: .fashionMNIST, testImages: 256),
                    Job(.curve(CurveRecipe(kind: .bezier, start: base, end: end, epochs: 1)), dataset: .fashionMNIST, testImages: nil)]
        var tally = FuzzTally(), mutator = Mutator(seed: 11), parsed = 0
        for (k, job) in jobs.enumerated() {
            let path = folder + "/job-\(k).json"
            try job.write(to: path)
            #expect(try Job.read(from: path) == job, "a job file reads back as written")
            let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            for _ in 0..<2_500 {
                let (_, bytes) = mutator.mutate(original)
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                do {
                    _ = try Job.read(from: path)
                    parsed += 1
                    tally.record(nil, path: path)
                } catch let e as JobError {
                    tally.record(e, kind: Self.kind(e.reason), path: path)
                }
            }
        }
        print("job file fuzz: \(tally)")
        #expect(tally.tried == 5_000 && tally.unnamed.isEmpty, "\(tally.unnamed)")
        #expect(parsed < 5_000, "some mutations must be refused")
    }

    /// What a refused job file was refused for.
    static func kind(_ reason: String) -> String {
        if reason.contains("missing ") { return "missing field" }
        if reason.contains("unknown job kind") { return "unknown kind" }
        if reason.contains("job format") { return "format version" }
        if reason.contains("not valid JSON") || reason.contains("The given data was not valid JSON") { return "not JSON" }
        return "wrong value or type"
    }
}
