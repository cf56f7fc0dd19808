import Experiments
import Foundation
import Networks
import Reporting
import Tensor

extension Provenance {
    /// The provenance block of a chapter run: git state of the package, compiler, Cairo, OpenBLAS
    /// configuration, core and threads, the convolutions' code, dataset files with SHA-256, seeds, wall time, peak resident
    /// set and the exact command line.
    public static func chapter(data: TrainingData, seeds: [UInt64], seconds: Double, extra: [(String, String)] = []) throws -> Provenance {
        var p = Provenance(git: startingGitState)
        p.blasConfig = BLAS.config
        p.blasCore = BLAS.coreName
        p.blasThreads = BLAS.threads
        p.datasets = try data.files.map { try DatasetChecksum.of(file: $0) }
        p.seeds = seeds
        p.wallTimeSeconds = seconds
        // What the wall time paid for: how much of the run's work was done here rather than read from the cache.
        let work = CacheUsage.shared.summary.map { [("computed in this run", $0)] } ?? []
        p.extra = extra + work + [("convolutions", ConvolutionBackend.standard.description), ("peak resident set", peakResidentSet),
                                  ("date", today)]
        return p
    }

    /// The process's peak resident set so far (`getrusage`'s `ru_maxrss`), e.g. "0.41 GiB".
    static var peakResidentSet: String {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return "unknown" }
        return String(format: "%.2f GiB", Double(usage.ru_maxrss) / 1_048_576)  // ru_maxrss is in KiB on Linux
    }

    /// The package's git state (changes under `figures/` ignored) when the run started, read once
    /// (`ChapterOptions.prepare` reads it first): a commit made while a long run is in flight does
    /// not change which commit its report names.
    static let startingGitState: GitState = .read(at: ArtifactCache.packageRoot, ignoring: ["figures"])

    /// Reads the package's git state now, before the run's work (what `chapter(...)` will state).
    public static func recordStartingGitState() { _ = startingGitState }

    /// The run's day (UTC), e.g. "2026-12-01": what the book's index states a report is from.
    static var today: String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date())
    }
}
