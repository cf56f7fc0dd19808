import ArgumentParser
import Datasets
import Networks

extension ModelName: ExpressibleByArgument {}
extension ScheduleKind: ExpressibleByArgument {}

/// Options every executable shares: where the data and the cache are, and how many BLAS threads.
public struct EngineOptions: ParsableArguments {
    @Option(name: .long, help: "Folder holding the Fashion-MNIST IDX files (train-images-idx3-ubyte.gz, ...).")
    public var dataPath: String = FashionMNIST.defaultDirectory

    @Option(name: .long, help: "BLAS threads (default: all cores).")
    public var threads: Int?

    @Option(name: .long, help: "Artifact cache folder (default: $LOSS_SURFACES_CACHE or cache/ in the package).")
    public var cache: String?

    public init() {}

    public func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    /// These options as command-line arguments (the book passes them on to every chapter).
    public var arguments: [String] {
        var a = ["--data-path", dataPath]
        if let threads { a += ["--threads", String(threads)] }
        if let cache { a += ["--cache", cache] }
        return a
    }

    /// Picks BLAS kernels and threads; call before any numeric work.
    public func prepareRuntime() { BLASRuntime.prepare(threads: threads) }
}
