#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Synchronization

/// The threads that run the engine's parallel regions (`Parallel.run`) beside the calling one:
/// one per further core, started once, each waiting for the next region by spinning for a while
/// (`spinSeconds`) before it sleeps.
///
/// `DispatchQueue.concurrentPerform` wakes its pool's threads for every region: on these machines
/// its second worker joined late, and for regions under half a millisecond mostly not at all (two
/// halves of 110–125 µs took 313–333 µs, of 1.1 ms 1.6–1.9 ms; tools/bench/HISTORY.md), and a pass
/// has a region per layer of 0.1–3 ms. A waiting thread here sees the region's generation change
/// within a spin.
///
/// One region runs here at a time: a region started while another runs (passes on several threads
/// at once, as the tests run them), one nested in another, or one asking for more workers than there
/// are threads, is left to `concurrentPerform` (`run` returns false). Worker k always runs
/// `body(k)`, so results do not depend on which threads ran them.
final class SpinningWorkers: @unchecked Sendable {
    /// One helper per core beyond the first.
    static let shared = SpinningWorkers(helpers: max(0, sysconf(Int32(_SC_NPROCESSORS_ONLN)) - 1))

    /// How long a helper spins for the next region after the last before it sleeps.
    static let spinSeconds = 0.002

    let helpers: Int
    /// Set while a region runs here.
    private let busy = Atomic<Bool>(false)
    /// Counts regions started; a change tells the helpers to run the new one.
    private let generation = Atomic<Int>(0)
    /// Helpers still running the current region.
    private let remaining = Atomic<Int>(0)
    /// Helpers asleep (or about to be) on `condition`.
    private let sleepers = Atomic<Int>(0)
    /// The current region's body and worker count: written before `generation` changes, read after.
    nonisolated(unsafe) private var body: ((Int) -> Void)?
    nonisolated(unsafe) private var workers = 0
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    private init(helpers: Int) {
        self.helpers = helpers
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        pthread_cond_init(condition, nil)
        for k in 0..<helpers {
            let context = Unmanaged.passRetained(Helper(pool: self, index: k + 1)).toOpaque()
            var thread = pthread_t()
            let started = pthread_create(&thread, nil, { context in
                let helper = Unmanaged<Helper>.fromOpaque(context!).takeRetainedValue()
                helper.pool.serve(helper.index)
                return nil
            }, context)
            precondition(started == 0, "could not start the engine's worker thread \(k + 1) (pthread_create: \(started))")
            pthread_detach(thread)
        }
    }

    private final class Helper {
        let pool: SpinningWorkers, index: Int
        init(pool: SpinningWorkers, index: Int) { self.pool = pool; self.index = index }
    }

    /// Runs `body(k)` for k in `0..<workers`, `body(0)` on the calling thread, and returns true; or
    /// returns false at once, running nothing, when the region is not for this pool (see above).
    func run(_ workers: Int, _ body: (Int) -> Void) -> Bool {
        guard workers - 1 <= helpers, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        withoutActuallyEscaping(body) { body in
            self.body = body
            self.workers = workers
            // Every helper reports every region, those past `workers` too, so none lags into the next.
            remaining.store(helpers, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(condition)
                pthread_mutex_unlock(mutex)
            }
            body(0)
            var spins = 0
            while remaining.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins > 1_000 { sched_yield() }
            }
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
        return true
    }

    /// A helper's life: wait for a new generation (spinning, then asleep), run its worker's share if
    /// the region has that many workers, report, repeat.
    private func serve(_ index: Int) {
        // The generation before any region: a helper may start after the first region has begun.
        var seen = 0
        while true {
            var current = generation.load(ordering: .acquiring)
            if current == seen {
                let deadline = Self.now() + Self.spinSeconds
                var spins = 0
                while current == seen {
                    spins += 1
                    if spins % 256 == 0 {
                        if Self.now() > deadline {
                            sleepers.add(1, ordering: .sequentiallyConsistent)
                            pthread_mutex_lock(mutex)
                            while generation.load(ordering: .sequentiallyConsistent) == seen { pthread_cond_wait(condition, mutex) }
                            pthread_mutex_unlock(mutex)
                            sleepers.subtract(1, ordering: .sequentiallyConsistent)
                        } else {
                            sched_yield()
                        }
                    }
                    current = generation.load(ordering: .acquiring)
                }
            }
            seen = current
            if index < workers { invoke(index) }
            remaining.subtract(1, ordering: .releasing)
        }
    }

    /// Runs the current body for `index`, its reference released before this returns (the caller's
    /// `withoutActuallyEscaping` checks that none is left once every helper has reported).
    @inline(never) private func invoke(_ index: Int) { body!(index) }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
