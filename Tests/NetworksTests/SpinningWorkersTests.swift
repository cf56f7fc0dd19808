import Dispatch
#if canImport(Glibc)
import Glibc
#endif
@testable import Networks
import Synchronization
import Testing

/// The engine's waiting worker threads (`SpinningWorkers`) behind `Parallel.run`.
@Suite("Spinning workers")
struct SpinningWorkersTests {
    /// Each region runs every worker's body once, over many regions in a row and after pauses long
    /// enough for the helpers to fall asleep (through `Parallel.run`: other tests running at the same
    /// time may hold the pool, and their regions then go to Dispatch).
    @Test func everyRegionRunsEveryWorkerOnce() {
        let counts = Atomic<Int>(0)
        for region in 0..<3_000 {
            if region % 1_000 == 999 { usleep(UInt32(SpinningWorkers.spinSeconds * 3e6)) }
            var slots = [0, 0]
            slots.withUnsafeMutableBufferPointer { slots in
                Parallel.run(2) { k in
                    slots[k] += k + 1
                    counts.add(1, ordering: .relaxed)
                }
            }
            #expect(slots == [1, 2], "region \(region): \(slots)")
        }
        #expect(counts.load(ordering: .relaxed) == 6_000)
    }

    /// The two workers of a region run at the same time: each waits (a bounded while) for the other
    /// to have started.
    @Test(.enabled(if: SpinningWorkers.shared.helpers >= 1)) func workersRunConcurrently() {
        let started = Atomic<Int>(0)
        var met = [false, false]
        let taken = met.withUnsafeMutableBufferPointer { met in
            SpinningWorkers.shared.run(2) { k in
                started.add(1, ordering: .sequentiallyConsistent)
                var spins = 0
                while started.load(ordering: .sequentiallyConsistent) < 2 && spins < 50_000_000 { spins += 1 }
                met[k] = started.load(ordering: .sequentiallyConsistent) == 2
            }
        }
        #expect(!taken || met == [true, true], "a worker ran alone: \(met)")
    }

    /// A region started inside another, or from several threads at once, is not taken by the busy
    /// pool: `Parallel.run` then runs it on Dispatch's threads, and every region still runs all its
    /// workers.
    @Test func busyPoolLeavesRegionsToDispatch() {
        let pool = SpinningWorkers.shared
        var nested = [Bool?](repeating: nil, count: 2)
        let taken = nested.withUnsafeMutableBufferPointer { nested in
            pool.run(2) { k in nested[k] = pool.run(2) { _ in } }
        }
        if taken { #expect(nested == [false, false], "a nested region was taken: \(nested)") }
        let total = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<200 { Parallel.run(2) { k in total.add(k + 1, ordering: .relaxed) } }
        }
        #expect(total.load(ordering: .relaxed) == 8 * 200 * 3)
    }
}
