import Foundation
import TestSupport
import Testing
@testable import Experiments

/// Evaluated points survive an interrupted run and are not evaluated twice.
@Suite struct PointEvaluationCacheTests {
    struct Interrupted: Error {}

    @Test func anInterruptedEvaluationResumesAtTheFirstMissingPoint() throws {
        let scratch = TemporaryFolder("points-tests"), cache = ArtifactCache(root: scratch.path)
        defer { withExtendedLifetime(scratch) {} }
        let key = ArtifactCache.pointsKey("grid", identity: "squares")
        var evaluated: [Int] = []
        // The first run dies after three points.
        #expect(throws: Interrupted.self) {
            _ = try cache.pointEvaluations(key: key, identity: "squares", count: 6, label: "grid") { k -> Double in
                if k == 3 { throw Interrupted() }
                evaluated.append(k)
                return Double(k * k)
            }
        }
        #expect(evaluated == [0, 1, 2])
        let values = try cache.pointEvaluations(key: key, identity: "squares", count: 6, label: "grid") { k -> Double in
            evaluated.append(k)
            return Double(k * k)
        }
        #expect(values == [0, 1, 4, 9, 16, 25])
        #expect(evaluated == [0, 1, 2, 3, 4, 5])
        // A third request evaluates nothing.
        let again = try cache.pointEvaluations(key: key, identity: "squares", count: 6, label: "grid") { k -> Double in
            Issue.record("point \(k) evaluated again")
            return 0
        }
        #expect(again == values)
    }

    @Test func aKeyHoldingOtherPointsIsAClearError() throws {
        let scratch = TemporaryFolder("points-tests"), cache = ArtifactCache(root: scratch.path)
        defer { withExtendedLifetime(scratch) {} }
        _ = try cache.pointEvaluations(key: "k", identity: "plane A", count: 2, label: "a") { Double($0) }
        #expect(throws: CachedCheckpointError.self) {
            _ = try cache.pointEvaluations(key: "k", identity: "plane B", count: 2, label: "b") { Double($0) }
        }
        // A damaged file names itself and is left alone.
        let path = cache.root + "/points/k.json"
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try cache.pointEvaluations(key: "k", identity: "plane A", count: 2, label: "a") { Double($0) }
            Issue.record("a damaged points file was accepted")
        } catch let error as CachedCheckpointError {
            #expect(error.description.contains(path))
        }
        #expect(String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self) == "{not json")
    }
}
