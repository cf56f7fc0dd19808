import ArgumentParser
import Experiments

/// What `--plan`'s Slurm scripts ask of the cluster (written as `#SBATCH` lines into every wave).
public struct SlurmOptions: ParsableArguments {
    @Option(help: "With --plan: the Slurm partition the jobs go to (default: the cluster's).")
    public var slurmPartition: String?

    @Option(help: "With --plan: the Slurm account the jobs are charged to (default: yours).")
    public var slurmAccount: String?

    @Option(help: "With --plan: the time limit of each Slurm task, e.g. 30, 2:00:00 or 1-00:00:00 (default: the partition's).")
    public var slurmTime: String?

    @Option(help: "With --plan: CPUs per Slurm task (each job's BLAS threads unless --threads is given).")
    public var slurmCpusPerTask: Int = 2

    public init() {}

    public func validate() throws {
        guard slurmCpusPerTask >= 1 else { throw ValidationError("--slurm-cpus-per-task must be at least 1") }
        for (name, value) in [("--slurm-partition", slurmPartition), ("--slurm-account", slurmAccount), ("--slurm-time", slurmTime)] {
            if let value, value.isEmpty || value.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\"" }) {
                throw ValidationError("\(name) takes one word without spaces or quotes, got '\(value)'")
            }
        }
    }

    public var settings: JobPlan.SlurmSettings {
        JobPlan.SlurmSettings(partition: slurmPartition, account: slurmAccount, timeLimit: slurmTime, cpusPerTask: slurmCpusPerTask)
    }
}
