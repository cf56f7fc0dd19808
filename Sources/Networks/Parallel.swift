import Dispatch
import Tensor

/// The engine's own data parallelism over the two cores. OpenBLAS's threading does not speed up
/// the GEMMs of these networks (at most 64 output channels: measured 30 GFLOP/s on one thread and
/// on two), so a forward or backward pass runs with OpenBLAS on ONE thread and splits each layer's
/// samples (or channels) over `BLAS.threads` workers itself, restoring the thread count after.
/// Partial parameter gradients are summed in worker order, so results are identical run to run
/// for a given thread count.
enum Parallel {
    /// Runs `body(worker)` for `worker` in `0..<workers`, concurrently when `workers > 1`.
    @inline(__always)
    static func run(_ workers: Int, _ body: (Int) -> Void) {
        if workers <= 1 { body(0); return }
        DispatchQueue.concurrentPerform(iterations: workers, execute: body)
    }

    /// Worker `w`'s contiguous share of `0..<n`.
    @inline(__always)
    static func share(_ w: Int, of workers: Int, _ n: Int) -> Range<Int> { (n * w / workers)..<(n * (w + 1) / workers) }

    /// Runs `body` with OpenBLAS single-threaded and returns what `body` returns; `body` receives the
    /// number of workers to use (the previous OpenBLAS thread count, at most `limit`).
    static func withEngineThreads<T>(limit: Int, _ body: (Int) -> T) -> T {
        let threads = BLAS.threads
        if threads <= 1 { return body(1) }
        BLAS.threads = 1
        defer { BLAS.threads = threads }
        return body(min(threads, limit))
    }
}
