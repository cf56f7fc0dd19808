// job — run jobs that `chapterN --plan DIR` wrote (a training run, a curve, an SSE, FGE or SWA run)
// into the artifact cache. Safe to run on many machines at once over one shared cache: each entry
// is locked while it trains, so two processes asking for one recipe train it once.
import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import Networks

struct JobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "Run job files written by `chapterN --plan DIR` into the artifact cache.",
        discussion: """
        Each file holds one recipe and the data set it runs on. A job whose entry is already in \
        the cache does nothing; a dependent job (a curve, FGE, SWA) trains a missing prerequisite \
        first. Exit status 1 when a job fails; its message names the file and the run.
        """)

    @Argument(help: "Job files (JSON).")
    var files: [String]

    @Option(help: "Folder holding the data set's files (default: the data set's default folder; CIFAR has none).")
    var dataPath: String?

    @Option(help: "BLAS threads (default: all cores).")
    var threads: Int?

    @Option(help: "Artifact cache folder (default: $LOSS_SURFACES_CACHE or cache/ in the package).")
    var cache: String?

    @Option(help: "Convolution code, as the chapter that wrote the plan was given it (default: $LOSS_SURFACES_CONVOLUTIONS, else fastest).")
    var convolutions: ConvolutionBackend?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        BLASRuntime.prepare(threads: threads)
        if let convolutions { ConvolutionBackend.standard = convolutions }
        let cache = ArtifactCache(root: self.cache)
        var failed = 0
        for (k, file) in files.enumerated() {
            let started = Date()
            do {
                let job = try Job.read(from: file)
                let label = "job \(k + 1)/\(files.count) \(job.kind) \(job.cacheKey)"
                if job.isDone(in: cache) {
                    print("\(label): already in the cache")
                    continue
                }
                try job.execute(cache: cache, data: try job.loadData(directory: dataPath))
                print("\(label): done in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            } catch let error as JobError where error.path != nil {
                failed += 1
                FileHandle.standardError.write(Data("job failed: \(error)\n".utf8))
            } catch {
                failed += 1
                FileHandle.standardError.write(Data("job failed: \(file): \(error)\n".utf8))
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }
}

JobCommand.main()
