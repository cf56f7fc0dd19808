import Datasets
import AtomicFile
import Foundation

/// A chapter's jobs in waves, for running them elsewhere: wave 1 needs nothing, every later job
/// starts from entries of earlier waves (a curve from its endpoints, FGE and SWA from their base
/// run). `chapterN --plan DIR` writes it; after its jobs, `chapterN` with the same options
/// assembles the report with nothing trained.
public struct JobPlan {
    /// Distinct jobs (by cache key) in the order they were added.
    public private(set) var jobs: [Job] = []

    public init() {}

    public mutating func add(_ job: Job) {
        if !jobs.contains(where: { $0.cacheKey == job.cacheKey }) { jobs.append(job) }
    }

    /// `work` on the data a chapter loaded: its data set, and its test images when a prefix.
    public mutating func add(_ work: Job.Work, data: TrainingData) {
        guard let dataset = DatasetName(rawValue: data.name) else { preconditionFailure("no data set is named \(data.name)") }
        add(Job(work, dataset: dataset, testImages: data.test.count < data.testSplitCount ? data.test.count : nil))
    }

    /// Jobs by wave: a job's wave is one after the latest of its prerequisites in the plan.
    public var waves: [[Job]] {
        var wave: [String: Int] = [:]
        for job in jobs {  // prerequisites are added before their dependents
            wave[job.cacheKey] = 1 + (job.prerequisites.compactMap { wave[$0] }.max() ?? 0)
        }
        let count = wave.values.max() ?? 0
        return (1...max(count, 1)).map { w in jobs.filter { wave[$0.cacheKey] == w } }.filter { !$0.isEmpty }
    }

    /// What the Slurm scripts ask of the cluster: a partition, an account, a time limit per task
    /// and CPUs per task (nil: the cluster's defaults; 2 CPUs per task).
    public struct SlurmSettings: Sendable, Equatable {
        public var partition: String?
        public var account: String?
        /// Slurm's format: "MM", "HH:MM:SS", "D-HH:MM:SS".
        public var timeLimit: String?
        public var cpusPerTask: Int

        public init(partition: String? = nil, account: String? = nil, timeLimit: String? = nil, cpusPerTask: Int = 2) {
            (self.partition, self.account, self.timeLimit, self.cpusPerTask) = (partition, account, timeLimit, cpusPerTask)
        }

        /// The `#SBATCH` lines of every wave's script.
        var directives: [String] {
            [partition.map { "--partition=\($0)" }, account.map { "--account=\($0)" }, timeLimit.map { "--time=\($0)" },
             "--cpus-per-task=\(cpusPerTask)"].compactMap { $0 }.map { "#SBATCH " + $0 }
        }
    }

    /// What `write` produced: the folder, and per wave its job list and count.
    public struct Written {
        public let folder: String
        public let waves: [(list: String, count: Int)]
        public let parallelScript: String
        public let slurmScript: String
    }

    /// Writes into `folder`: `jobs/<key>.json`, `wave-K.txt` (one job file per line), `parallel.sh`
    /// (the waves one after another through GNU parallel), `wave-K.sbatch` (a Slurm job array per
    /// wave) and `slurm.sh` (submits the arrays, each after the previous one succeeded).
    /// `job` is the job executable, `arguments` what it is given before the job file (the cache,
    /// data folder); `threads` its BLAS threads when fixed, otherwise each script gives every job
    /// its share (`$THREADS`, default 1, under GNU parallel; the task's CPUs under Slurm, which
    /// `slurm` sets with the partition, account and time limit), so that
    /// parallel jobs do not each take every core; `assemble` the command that builds the report
    /// afterwards.
    public func write(to folder: String, title: String, job: String, arguments: [String], threads: Int? = nil,
                      slurm settings: SlurmSettings = SlurmSettings(), assemble: String) throws -> Written {
        let folder = URL(fileURLWithPath: folder).standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: folder + "/jobs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        var lists: [(String, Int)] = []
        let command = ([job] + arguments).map(Self.quoted).joined(separator: " ")
        let parallelThreads = threads.map { "--threads \($0)" } ?? "--threads \"$THREADS\""
        let slurmThreads = threads.map { "--threads \($0)" } ?? "--threads \"${SLURM_CPUS_PER_TASK:-2}\""
        var parallel = """
            #!/bin/sh
            # \(title): \(jobs.count) jobs in \(waves.count) wave(s), run one wave after another with GNU parallel.
            # JOBS jobs at a time (default 2), THREADS BLAS threads each (default 1). On several machines that
            # share the cache and this folder: PARALLEL_OPTIONS='--sshlogin 2/node1,2/node2' sh parallel.sh
            # Afterwards, assemble the report (nothing is trained): \(assemble)
            set -e
            JOBS=${JOBS:-2}
            THREADS=${THREADS:-1}

            """
        var slurm = """
            #!/bin/sh
            # \(title): submits one Slurm job array per wave, each after the previous one succeeded.
            # Afterwards, assemble the report (nothing is trained): \(assemble)
            set -e
            cd \(Self.quoted(folder))

            """
        for (k, wave) in waves.enumerated() {
            let list = folder + "/wave-\(k + 1).txt"
            var paths: [String] = []
            for job in wave {
                let path = folder + "/jobs/" + job.cacheKey + ".json"
                try job.write(to: path)
                paths.append(path)
            }
            try AtomicFile.write(paths.joined(separator: "\n") + "\n", to: list)
            lists.append((list, wave.count))
            parallel += "parallel --halt now,fail=1 -j \"$JOBS\" $PARALLEL_OPTIONS \(command) \(parallelThreads) {} :::: \(Self.quoted(list))\n"
            let sbatch = """
                #!/bin/sh
                #SBATCH --job-name=\(Self.slug(String(title.split(separator: " ").first ?? "jobs")))-wave\(k + 1)
                #SBATCH --array=1-\(wave.count)
                \(settings.directives.joined(separator: "\n"))
                #SBATCH --output=\(folder)/logs/wave\(k + 1)-%a.out
                # Wave \(k + 1) of \(waves.count): task i runs line i of \(list).
                exec \(command) \(slurmThreads) "$(sed -n "${SLURM_ARRAY_TASK_ID}p" \(Self.quoted(list)))"

                """
            try AtomicFile.write(sbatch, to: folder + "/wave-\(k + 1).sbatch")
            slurm += k == 0 ? "id=$(sbatch --parsable wave-1.sbatch)\n"
                : "id=$(sbatch --parsable --dependency=afterok:$id wave-\(k + 1).sbatch)\n"
        }
        slurm += "echo \"submitted; the last wave is job $id\"\n"
        try AtomicFile.write(parallel, to: folder + "/parallel.sh")
        try AtomicFile.write(slurm, to: folder + "/slurm.sh")
        for script in ["parallel.sh", "slurm.sh"] { chmod(folder + "/" + script, 0o755) }
        return Written(folder: folder, waves: lists, parallelScript: folder + "/parallel.sh", slurmScript: folder + "/slurm.sh")
    }

    /// `text` as one shell word.
    static func quoted(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || "/._-=,:+".contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func slug(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
}

extension JobPlan {
    /// The jobs a written plan lists in `folder` (its `wave-K.txt` files, in order).
    public static func read(from folder: String) throws -> JobPlan {
        var plan = JobPlan(), wave = 1
        while let list = try? String(contentsOfFile: folder + "/wave-\(wave).txt", encoding: .utf8) {
            for path in list.split(separator: "\n") { plan.add(try Job.read(from: String(path))) }
            wave += 1
        }
        guard wave > 1 else { throw JobError(path: folder, reason: "no wave-1.txt: not a plan folder") }
        return plan
    }
}
