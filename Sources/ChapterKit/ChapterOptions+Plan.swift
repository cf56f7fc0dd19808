import Experiments
import Foundation

extension ChapterOptions {
    /// With `--plan DIR`: writes the chapter's jobs (`jobs()`) and scripts into DIR, prints how to
    /// run them and returns true (the chapter then stops); without it, returns false.
    public func writePlan(chapter: String, _ jobs: () throws -> JobPlan) throws -> Bool {
        guard let plan else { return false }
        try publish(try jobs(), to: plan, title: "\(chapter) (\(budget.rawValue) budget)")
        return true
    }

    /// Writes `jobPlan` into `folder` for the `job` executable beside this one, with this run's
    /// cache, data folder and threads, and prints how to run it.
    public func publish(_ jobPlan: JobPlan, to folder: String, title: String) throws {
        let job = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("job").path
        var arguments = ["--cache", URL(fileURLWithPath: ArtifactCache(root: engine.cache).root).standardizedFileURL.path]
        if let dataPath = engine.dataPath { arguments += ["--data-path", URL(fileURLWithPath: dataPath).standardizedFileURL.path] }
        if let convolutions = engine.convolutions { arguments += ["--convolutions", convolutions.rawValue] }
        let assemble = Self.commandLine(dropping: "--plan")
        let written = try jobPlan.write(to: folder, title: title, job: job, arguments: arguments, threads: engine.threads,
                                        slurm: slurm.settings, assemble: assemble)
        print("plan: \(jobPlan.jobs.count) jobs in \(written.waves.count) wave(s) in \(written.folder)")
        for (k, wave) in written.waves.enumerated() { print("  wave \(k + 1): \(wave.count) jobs, listed in \(wave.list)") }
        if !FileManager.default.isExecutableFile(atPath: job) { print("  (build the job executable first: swift build --product job)") }
        print("run them with GNU parallel:  sh \(written.parallelScript)")
        print("or as Slurm job arrays:      sh \(written.slurmScript)")
        print("then assemble the report:    \(assemble)")
    }
}
