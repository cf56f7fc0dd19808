import Foundation
import TestSupport
import Testing

/// The plans' Slurm scripts, run for real: a one-node Slurm cluster started for the test
/// (`SlurmCluster`), chapter 2's smoke plan submitted with `sh slurm.sh` as the README says, and
/// a training job cancelled mid-run and submitted again.
@Suite(.serialized) struct SlurmTests {
    @Test func chapter2sSmokePlanRunsUnderSlurmWaveAfterWave() throws {
        let cluster = try SlurmCluster.start()
        defer { cluster.stop() }
        let runner = ChapterRunner("chapter2")
        let folder = try ScaleOutTests.plan(runner, extra: ["--slurm-cpus-per-task", "1"])
        let (status, submitted) = try cluster.shell("sh '\(folder)/slurm.sh'")
        #expect(status == 0 && submitted.contains("submitted"), "\(submitted)\n\(cluster.logs())")
        // The second wave is held on the first's success.
        let last = try #require(submitted.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) })
        let held = try cluster.shell("scontrol -o show job \(last)").output
        let queue = try cluster.shell("squeue -h -r -o '%i %j %T %r'").output
        print("slurm.sh: \(submitted)squeue after it:\n\(queue)")
        let dependency = held.split(separator: " ").first { $0.hasPrefix("Dependency=") }.map(String.init) ?? "none"
        #expect(dependency.hasPrefix("Dependency=afterok:") && !dependency.hasPrefix("Dependency=afterok:\(last)"),
                "wave 2 (job \(last)) must wait on wave 1's success, has \(dependency)")
        #expect(try cluster.waitUntilIdle(seconds: 900), "the jobs did not finish within 15 minutes:\n\(cluster.logs())")

        let ids = try Set(Self.arrayIDs(cluster)).sorted { Int($0)! < Int($1)! }
        let tasks = try cluster.tasks(of: ids)
        print("Slurm tasks:\n" + tasks.map(\.description).joined(separator: "\n"))
        #expect(ids.count == 2 && tasks.count == 6 && tasks.allSatisfy { $0.state == "COMPLETED" }, "\(tasks)\n\(cluster.logs())")
        let first = tasks.filter { $0.arrayJob == ids.first }, second = tasks.filter { $0.arrayJob == ids.last }
        let firstEnd = first.map(\.end).max() ?? "", secondStart = second.map(\.start).min() ?? ""
        #expect(first.count == 2 && second.count == 4 && secondStart >= firstEnd,
                "wave 2 (the curves) started at \(secondStart), before wave 1 (their endpoints) ended at \(firstEnd)")
        // Every task's job ran to its end, and the chapter then assembles its report training nothing.
        for (wave, count) in [(1, 2), (2, 4)] {
            for task in 1...count {
                let log = (try? String(contentsOfFile: folder + "/logs/wave\(wave)-\(task).out", encoding: .utf8)) ?? ""
                #expect(log.contains(": done in"), "wave \(wave) task \(task): \(log)")
            }
        }
        let trained = try ScaleOutTests.trainingFiles(runner.cache)
        let (assembled, out) = try runner.run(["--threads", "1"])
        #expect(assembled == 0 && !out.contains("epoch  1/1"), "\(out)")
        #expect(try ScaleOutTests.trainingFiles(runner.cache) == trained, "the chapter trained or rewrote something after the Slurm jobs")
    }

    @Test func aCancelledJobResumesFromItsLastFinishedEpoch() throws {
        let cluster = try SlurmCluster.start()
        defer { cluster.stop() }
        let folder = cluster.folder + "/resume", cache = folder + "/cache"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // One training job of 6 epochs, as a plan's job file and wave script would run it.
        let recipe = #"{"batchSize":128,"cropPadding":2,"data":"fashion-mnist","epochs":6,"horizontalFlip":true,"learningRate":0.05,"model":"tinyten","momentum":0.9,"nesterov":false,"schedule":"piecewise","seed":5,"trainImages":1024,"weightDecay":0.0005,"width":1}"#
        try #"{"format": 1, "kind": "train", "dataset": "fashion-mnist", "testImages": 256, "recipe": \#(recipe)}"#
            .write(toFile: folder + "/job.json", atomically: true, encoding: .utf8)
        let script = """
            #!/bin/sh
            #SBATCH --job-name=resume
            #SBATCH --cpus-per-task=1
            #SBATCH --output=\(folder)/job-%j.out
            exec \(BuiltExecutable("job").path) --cache \(cache) --threads 1 \(folder)/job.json

            """
        try script.write(toFile: folder + "/job.sbatch", atomically: true, encoding: .utf8)
        let id = try cluster.shell("sbatch --parsable \(folder)/job.sbatch").output.trimmingCharacters(in: .whitespacesAndNewlines)
        // Cancel it once its first epoch is checkpointed.
        let deadline = Date().addingTimeInterval(300)
        var entry: String?
        while Date() < deadline, entry == nil {
            entry = (try? FileManager.default.contentsOfDirectory(atPath: cache))?.first { !$0.hasSuffix(".lock") && FileManager.default.fileExists(atPath: cache + "/" + $0 + "/epoch-1.safetensors") }
            if entry == nil { Thread.sleep(forTimeInterval: 0.2) }
        }
        let run = try #require(entry.map { cache + "/" + $0 }, "no epoch was checkpointed within 5 minutes:\n\(cluster.logs())")
        #expect(try cluster.shell("scancel \(id)").status == 0)
        #expect(try cluster.waitUntilIdle(seconds: 60))
        let cancelled = try cluster.tasks(of: [id])
        print("cancelled: \(cancelled)")
        #expect(cancelled.first?.state == "CANCELLED", "\(cancelled)")
        #expect(!FileManager.default.fileExists(atPath: run + "/final.safetensors"), "the job finished before it was cancelled; the test needs a longer job")
        // Submitted again, it resumes after the last epoch it finished.
        let again = try cluster.shell("sbatch --parsable \(folder)/job.sbatch").output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try cluster.waitUntilIdle(seconds: 600))
        let resumed = try cluster.tasks(of: [again])
        print("resubmitted: \(resumed)")
        let log = (try? String(contentsOfFile: folder + "/job-\(again).out", encoding: .utf8)) ?? ""
        #expect(resumed.first?.state == "COMPLETED" && log.contains("resuming") && log.contains("after epoch"), "\(log)")
        #expect(!log.contains("epoch  1/6"), "the resubmitted job trained epoch 1 again:\n\(log)")
        #expect(log.contains("epoch  6/6") && FileManager.default.fileExists(atPath: run + "/final.safetensors"), "\(log)")
    }

    /// The array job ids of every task Slurm still knows about.
    static func arrayIDs(_ cluster: SlurmCluster) throws -> [String] {
        let out = try cluster.shell("scontrol -o show job").output
        return out.split(separator: "\n").compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("ArrayJobId=") }.map { String($0.dropFirst("ArrayJobId=".count)) }
        }
    }
}
