import Foundation
import TestSupport

/// A one-node Slurm cluster on this machine, made for a test in a temporary folder: munged with
/// its own key and socket, slurmctld and slurmd on ports of their own, the node with the
/// machine's 2 CPUs, every state, spool, log and pid file under the folder. Commands run through
/// `shell` see it through `SLURM_CONF`. `stop()` shuts it down. Needs Debian's slurm-wlm and
/// munge (`.ci/run` installs them); without them, or if a daemon does not come up, `start`
/// throws with the daemons' logs — the test fails, it is not skipped.
final class SlurmCluster {
    struct StartFailure: Error, CustomStringConvertible {
        let description: String
    }

    let folder: String
    let node = "lsnode"
    var configuration: String { folder + "/slurm.conf" }

    private init(folder: String) { self.folder = folder }

    static func start() throws -> SlurmCluster {
        for tool in ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel"] {
            guard try BuiltExecutable.shell("command -v \(tool)").status == 0 else {
                throw StartFailure(description: "\(tool) is not installed: apt-get install -y slurm-wlm munge (.ci/run does)")
            }
        }
        let cluster = SlurmCluster(folder: NSTemporaryDirectory() + "/slurm-\(UUID().uuidString.prefix(8))")
        try cluster.configure()
        try cluster.launch()
        return cluster
    }

    /// The key, the folders and `slurm.conf`: one node (NodeAddr 127.0.0.1, 2 CPUs), one partition,
    /// no accounting, no cgroups (process tracking by /proc), root as the Slurm user.
    private func configure() throws {
        let manager = FileManager.default
        for sub in ["state", "spool", "munge"] { try manager.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true) }
        var key = [UInt8](repeating: 0, count: 1024)
        for i in key.indices { key[i] = UInt8.random(in: 0...255) }
        try Data(key).write(to: URL(fileURLWithPath: folder + "/munge/munge.key"))
        chmod(folder + "/munge/munge.key", 0o400)
        let base = Int.random(in: 20_000...50_000)
        // slurmctld runs only where SlurmctldHost names this machine's short host name.
        let host = try BuiltExecutable.shell("hostname -s").output.trimmingCharacters(in: .whitespacesAndNewlines)
        let conf = """
            ClusterName=losssurfaces
            SlurmctldHost=\(host)(127.0.0.1)
            SlurmctldPort=\(base)
            SlurmdPort=\(base + 1)
            AuthType=auth/munge
            AuthInfo=socket=\(folder)/munge/munge.socket
            CredType=cred/munge
            StateSaveLocation=\(folder)/state
            SlurmdSpoolDir=\(folder)/spool
            SlurmctldPidFile=\(folder)/slurmctld.pid
            SlurmdPidFile=\(folder)/slurmd.pid
            SlurmctldLogFile=\(folder)/slurmctld.log
            SlurmdLogFile=\(folder)/slurmd.log
            SlurmUser=root
            SlurmdUser=root
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_CPU
            ReturnToService=2
            MpiDefault=none
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            SchedulerType=sched/backfill
            MailProg=/bin/true
            MinJobAge=3600
            NodeName=\(node) NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
            PartitionName=test Nodes=\(node) Default=YES MaxTime=INFINITE State=UP

            """
        try conf.write(toFile: configuration, atomically: true, encoding: .utf8)
    }

    private func launch() throws {
        let m = folder + "/munge"
        let steps = [
            "munged --force --socket=\(m)/munge.socket --key-file=\(m)/munge.key --log-file=\(m)/munged.log --pid-file=\(m)/munged.pid --seed-file=\(m)/munged.seed",
            "slurmctld -f \(configuration)",
            "slurmd -f \(configuration) -N \(node)",
        ]
        for step in steps {
            let status = try BuiltExecutable.daemonize(step, log: folder + "/daemons.out")
            guard status == 0 else { throw StartFailure(description: "`\(step)` failed (\(status))\n\(logs())") }
        }
        // The node registers within seconds; wait until it takes jobs.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let (status, out) = try? shell("sinfo -h -N -o '%N %t'"), status == 0, out.contains("\(node) idle") { return }
            Thread.sleep(forTimeInterval: 0.5)
        }
        let state = (try? shell("sinfo -N"))?.output ?? ""
        stop()
        throw StartFailure(description: "the Slurm node did not become idle within 60 s:\n\(state)\n\(logs())")
    }

    /// `command` under `/bin/sh` with `SLURM_CONF` pointing at this cluster.
    func shell(_ command: String) throws -> (status: Int32, output: String) {
        try BuiltExecutable.shell("SLURM_CONF='\(configuration)' ; export SLURM_CONF ; " + command)
    }

    /// Waits until no job of this cluster is pending or running (at most `seconds`); false on timeout.
    func waitUntilIdle(seconds: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let (status, out) = try shell("squeue -h -o %i")
            if status == 0 && out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return true }
            Thread.sleep(forTimeInterval: 1)
        }
        return false
    }

    /// One array task as `scontrol show job` describes it.
    struct Task: CustomStringConvertible {
        let id: String
        let arrayJob: String
        let state: String
        let start: String
        let end: String
        var description: String { "job \(id)\(arrayJob == "none" ? "" : " (array \(arrayJob))"): \(state), \(start) → \(end)" }
    }

    /// Every task of the array jobs `ids`, with its state and start and end times.
    func tasks(of ids: [String]) throws -> [Task] {
        var tasks: [Task] = []
        for id in ids {
            let (status, out) = try shell("scontrol -o show job \(id)")
            guard status == 0 else { throw StartFailure(description: "scontrol show job \(id): \(out)") }
            for line in out.split(separator: "\n") {
                var fields: [String: String] = [:]
                for word in line.split(separator: " ") {
                    let pair = word.split(separator: "=", maxSplits: 1)
                    if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
                }
                let array = fields["ArrayJobId"]
                tasks.append(Task(id: array.map { "\($0)_\(fields["ArrayTaskId"] ?? "?")" } ?? fields["JobId"] ?? "?", arrayJob: array ?? "none",
                                  state: fields["JobState"] ?? "?", start: fields["StartTime"] ?? "?", end: fields["EndTime"] ?? "?"))
            }
        }
        return tasks
    }

    func logs() -> String {
        ["daemons.out", "slurmctld.log", "slurmd.log", "munge/munged.log"].map { name in
            let text = (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? "(none)"
            return "--- \(name) (last lines)\n" + text.split(separator: "\n").suffix(15).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Shuts slurmctld, slurmd and munged down (their pids, if the polite way fails).
    func stop() {
        _ = try? shell("scontrol shutdown")
        Thread.sleep(forTimeInterval: 1)
        for pidFile in ["slurmctld.pid", "slurmd.pid", "munge/munged.pid"] {
            if let text = try? String(contentsOfFile: folder + "/" + pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                kill(pid, SIGTERM)
            }
        }
    }
}
