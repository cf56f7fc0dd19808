import Foundation
import Testing
@testable import Experiments

/// The provenance's "computed in this run": each entry counted once, from its first request.
@Suite struct CacheUsageTests {
    @Test func countsEachEntryOnceFromItsFirstRequest() {
        let usage = CacheUsage()
        #expect(usage.summary == nil)
        usage.record(.trainings, entry: "a", computed: 1, reused: 0)
        usage.record(.trainings, entry: "a", computed: 0, reused: 1)  // the same network read back after training it
        usage.record(.trainings, entry: "b", computed: 0, reused: 1)
        usage.record(.points, entry: "p", computed: 3, reused: 18)
        usage.record(.points, entry: "q", computed: 0, reused: 4)
        #expect(usage.summary == "1 of 2 trainings, 3 of 25 points; the rest from the artifact cache")
    }

    @Test func aRunThatComputedEverythingSaysNothingOfTheCache() {
        let usage = CacheUsage()
        usage.record(.predictions, entry: "m", computed: 1, reused: 0)
        #expect(usage.summary == "1 of 1 member predictions")
    }

    /// Through the point store: the first request of an entry records what it computed and read; a
    /// second, in the same process, does not count again.
    @Test func thePointStoreRecordsWhatItComputed() throws {
        let root = NSTemporaryDirectory() + "/cache-usage-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = ArtifactCache(root: root)
        _ = try cache.pointEvaluations(key: "usage", identity: "a", count: 3, label: "a") { Double($0) }
        _ = try cache.pointEvaluations(key: "usage", identity: "a", count: 3, label: "a") { Double($0) }
        let entry = try #require(CacheUsage.shared.recorded(.points, entry: root + "/points/usage.json"))
        #expect(entry.computed == 3 && entry.reused == 0)
    }
}
