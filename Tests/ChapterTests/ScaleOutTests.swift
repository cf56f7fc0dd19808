import Foundation
import TestSupport
import Testing

/// `chapterN --plan DIR` writes the chapter's trainings as jobs in waves; run by GNU parallel or by
/// `job` one after another into a cache, they leave nothing for the chapter to train, and the
/// entries they write are the ones the chapter would have trained itself.
@Suite(.serialized) struct ScaleOutTests {
    /// Every file below the cache's training entries (points and predictions are evaluations and
    /// logs are not training) with its size and modification time.
    static func trainingFiles(_ cache: String) throws -> [String: String] {
        var files: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: cache) else { return files }
        for case let path as String in walker where !["points", "predictions", "logs"].contains(where: { path.hasPrefix($0) }) {
            let attributes = try FileManager.default.attributesOfItem(atPath: cache + "/" + path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            files[path] = "\(attributes[.size] ?? 0) \((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        }
        return files
    }

    /// Writes `chapter`'s smoke plan for `runner`'s cache; returns the plan folder and its output.
    static func plan(_ runner: ChapterRunner, extra: [String] = []) throws -> String {
        let folder = runner.cache + "-plan"
        let (status, out) = try runner.run(["--plan", folder, "--threads", "1"] + extra)
        #expect(status == 0, "\(out)")
        #expect(out.contains("plan: ") && out.contains("parallel.sh") && out.contains("slurm.sh"), "\(out)")
        #expect(!FileManager.default.fileExists(atPath: runner.output + "/report.md"), "--plan writes no report")
        return folder
    }

    static func waves(_ folder: String) throws -> [[String]] {
        var waves: [[String]] = []
        while let text = try? String(contentsOfFile: folder + "/wave-\(waves.count + 1).txt", encoding: .utf8) {
            waves.append(text.split(separator: "\n").map(String.init))
        }
        return waves
    }

    @Test func chapter2sSmokePlanRunsOnGNUParallelAndTheChapterThenTrainsNothing() throws {
        let which = try BuiltExecutable.shell("command -v parallel")
        try #require(which.status == 0, "GNU parallel is not installed (apt-get install parallel)")
        let runner = ChapterRunner("chapter2")
        let folder = try Self.plan(runner)
        let waves = try Self.waves(folder)
        #expect(waves.map(\.count) == [2, 4],
                "wave 1: two endpoints, wave 2: Bezier and PolyChain between them, and both trained twice as long (why not); got \(waves)")
        let sbatch = try String(contentsOfFile: folder + "/wave-2.sbatch", encoding: .utf8)
        #expect(sbatch.contains("#SBATCH --array=1-4") && sbatch.contains("SLURM_ARRAY_TASK_ID"), "\(sbatch)")
        let slurm = try String(contentsOfFile: folder + "/slurm.sh", encoding: .utf8)
        #expect(slurm.contains("--dependency=afterok:$id wave-2.sbatch"), "\(slurm)")

        let parallel = try BuiltExecutable.shell("JOBS=2 sh '\(folder)/parallel.sh'")
        #expect(parallel.status == 0, "\(parallel.output)")
        #expect(parallel.output.components(separatedBy: ": done in").count - 1 == 6, "six jobs trained:\n\(parallel.output)")
        let trained = try Self.trainingFiles(runner.cache)
        #expect(!trained.isEmpty)

        let (status, out) = try runner.run(["--threads", "1"])
        #expect(status == 0, "\(out)")
        #expect(try Self.trainingFiles(runner.cache) == trained, "the chapter trained or rewrote something after the jobs:\n\(out)")
        #expect(!out.contains("epoch  1/1"), "the chapter printed a training epoch:\n\(out)")

        // The same numbers as a chapter that trained everything itself.
        let direct = ChapterRunner("chapter2")
        let (s2, o2) = try direct.run(["--threads", "1"])
        #expect(s2 == 0, "\(o2)")
        let summary = { (r: ChapterRunner) in try Data(contentsOf: URL(fileURLWithPath: r.output + "/summary.json")) }
        let (viaJobs, itself) = (try summary(runner), try summary(direct))
        #expect(viaJobs == itself, "jobs and the chapter train the same networks and curves")
    }

    /// A plan made with `--convolutions` hands the choice to every job, and `job` accepts it.
    @Test func aPlansConvolutionChoiceReachesItsJobs() throws {
        let runner = ChapterRunner("chapter2")
        let folder = try Self.plan(runner, extra: ["--convolutions", "engine"])
        let script = try String(contentsOfFile: folder + "/parallel.sh", encoding: .utf8)
        #expect(script.contains("--convolutions engine"), "\(script)")
        let first = try #require(try Self.waves(folder).first?.first)
        let (status, out) = try BuiltExecutable("job").run(["--cache", runner.cache, "--threads", "1", "--convolutions", "engine", first])
        #expect(status == 0 && out.contains(": done in"), "\(out)")
    }

    /// Every other chapter's plan covers its training: after `job` runs the waves in order, the
    /// chapter trains nothing (chapter 5's aligned-curve jobs compute their alignment first).
    @Test(arguments: ["chapter1", "chapter3", "chapter4", "chapter5", "chapter6"])
    func everyChaptersPlanCoversItsTraining(_ chapter: String) throws {
        let runner = ChapterRunner(chapter)
        let folder = try Self.plan(runner)
        let waves = try Self.waves(folder)
        #expect(!waves.isEmpty)
        let job = BuiltExecutable("job")
        for wave in waves {
            let (status, out) = try job.run(["--cache", runner.cache, "--threads", "1"] + wave)
            #expect(status == 0, "\(out)")
        }
        let trained = try Self.trainingFiles(runner.cache)
        let (status, out) = try runner.run(["--threads", "1"])
        #expect(status == 0, "\(out)")
        let after = try Self.trainingFiles(runner.cache)
        let changed = after.filter { trained[$0.key] != $0.value }.keys.sorted()
        #expect(changed.isEmpty, "\(chapter) trained or rewrote \(changed) after its plan's jobs:\n\(out)")
    }

    @Test func aJobFileThatIsNotOneIsAnErrorNamingIt() throws {
        let folder = TemporaryFolder("bad-job"), dir = folder.path
        defer { withExtendedLifetime(folder) {} }
        let cases = [("garbage.json", "{ not json"), ("kind.json", #"{"format": 1, "kind": "dance", "dataset": "fashion-mnist", "recipe": {}}"#),
                     ("missing.json", #"{"format": 1, "kind": "train", "dataset": "fashion-mnist"}"#)]
        for (name, text) in cases { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        let (status, out) = try BuiltExecutable("job").run(["--cache", dir + "/cache"] + cases.map { dir + "/" + $0.0 } + [dir + "/absent.json"])
        #expect(status != 0)
        for (name, _) in cases { #expect(out.contains(dir + "/" + name + ": not a job file"), "\(name): \(out)") }
        #expect(out.contains("unknown job kind \"dance\""), "\(out)")
        #expect(out.contains("missing recipe"), "\(out)")
        #expect(out.contains(dir + "/absent.json: cannot read the file"), "\(out)")
        let written = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/cache")) ?? []
        #expect(written.isEmpty, "a bad job writes nothing to the cache")
    }
}
