import Dispatch
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Tensor

/// The engine's own data parallelism over the two cores. OpenBLAS's threading does not speed up
/// the GEMMs of these networks (at most 64 output channels: measured 30 GFLOP/s on one thread and
/// on two), so a forward or backward pass runs with OpenBLAS on ONE thread and splits each layer's
/// samples (or channels) over `BLAS.threads` workers itself, restoring the thread count after.
/// Partial parameter gradients are summed in worker order, so results are identical run to run
/// for a given thread count.
enum Parallel {
    /// Runs `body(worker)` for `worker` in `0..<workers`, concurrently when `workers > 1`: on the
    /// engine's own waiting threads (`SpinningWorkers`), or on Dispatch's when those are taken.
    @inline(__always)
    static func run(_ workers: Int, _ body: (Int) -> Void) {
        if workers <= 1 { body(0); return }
        if SpinningWorkers.shared.run(workers, body) { return }
        DispatchQueue.concurrentPerform(iterations: workers, execute: body)
    }

    /// Worker `w`'s contiguous share of `0..<n`.
    @inline(__always)
    static func share(_ w: Int, of workers: Int, _ n: Int) -> Range<Int> { (n * w / workers)..<(n * (w + 1) / workers) }

    /// Runs `body` with OpenBLAS single-threaded and returns what `body` returns; `body` receives the
    /// number of workers to use (the previous OpenBLAS thread count, at most `limit`).
    ///
    /// Passes may run concurrently (tests, ensembles on several threads): the first to enter saves the
    /// thread count and sets OpenBLAS to one thread, the last to leave restores it, and every pass in
    /// between sees the SAVED count, so its worker count (and thus its float summation order) does
    /// not depend on what else is running.
    static func withEngineThreads<T>(limit: Int, _ body: (Int) -> T) -> T {
        let threads = EngineThreads.enter()
        defer { EngineThreads.leave() }
        return body(max(1, min(threads, limit)))
    }
}

/// The process-wide count of passes inside `withEngineThreads` and the thread count they saved.
private enum EngineThreads {
    nonisolated(unsafe) static var lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()
    nonisolated(unsafe) static var active = 0
    nonisolated(unsafe) static var saved = 1

    static func enter() -> Int {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if active == 0 {
            saved = BLAS.threads
            if saved > 1 { BLAS.threads = 1 }
        }
        active += 1
        return saved
    }

    static func leave() {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        active -= 1
        if active == 0 && saved > 1 { BLAS.threads = saved }
    }
}
