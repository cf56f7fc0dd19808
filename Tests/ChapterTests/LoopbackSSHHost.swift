import Foundation
import TestSupport

/// A second host for GNU parallel: an sshd on 127.0.0.1 started for the test with its own host
/// key, client key and port, everything under a temporary folder. `sshlogin` is the line GNU
/// parallel's `--sshloginfile` takes to reach it. Needs Debian's openssh-server (`.ci/run`
/// installs it); without it, or if sshd does not come up, `start` throws with its log.
final class LoopbackSSHHost {
    struct StartFailure: Error, CustomStringConvertible {
        let description: String
    }

    let folder: String
    let port = Int.random(in: 20_000...50_000)

    private init(folder: String) { self.folder = folder }

    static func start() throws -> LoopbackSSHHost {
        for tool in ["/usr/sbin/sshd", "ssh", "ssh-keygen", "parallel"] {
            guard try BuiltExecutable.shell("command -v \(tool)").status == 0 else {
                throw StartFailure(description: "\(tool) is not installed: apt-get install -y openssh-server parallel (.ci/run does)")
            }
        }
        let host = LoopbackSSHHost(folder: NSTemporaryDirectory() + "/ssh-\(UUID().uuidString.prefix(8))")
        let f = host.folder
        try FileManager.default.createDirectory(atPath: f, withIntermediateDirectories: true)
        let config = """
            Port \(host.port)
            ListenAddress 127.0.0.1
            HostKey \(f)/host_key
            AuthorizedKeysFile \(f)/authorized_keys
            PidFile \(f)/sshd.pid
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            StrictModes no
            UsePAM no
            LogLevel VERBOSE

            """
        try config.write(toFile: f + "/sshd_config", atomically: true, encoding: .utf8)
        for step in ["mkdir -p /run/sshd", "ssh-keygen -q -t ed25519 -N '' -f \(f)/host_key", "ssh-keygen -q -t ed25519 -N '' -f \(f)/id",
                     "cp \(f)/id.pub \(f)/authorized_keys"] {
            let (status, output) = try BuiltExecutable.shell(step)
            guard status == 0 else { throw StartFailure(description: "`\(step)` failed (\(status)): \(output)") }
        }
        let status = try BuiltExecutable.daemonize("/usr/sbin/sshd -f \(f)/sshd_config -E \(f)/sshd.log", log: f + "/daemon.out")
        guard status == 0 else { throw StartFailure(description: "sshd did not start (\(status))\n\(host.log)") }
        try "1/\(host.ssh) root@127.0.0.1\n".write(toFile: f + "/sshlogins", atomically: true, encoding: .utf8)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if try BuiltExecutable.shell("\(host.ssh) root@127.0.0.1 true").status == 0 { return host }
            Thread.sleep(forTimeInterval: 0.5)
        }
        host.stop()
        throw StartFailure(description: "sshd on 127.0.0.1:\(host.port) did not accept the test's key within 30 s\n\(host.log)")
    }

    /// The ssh command that reaches the host (key, port, no host-key prompts).
    var ssh: String {
        "ssh -p \(port) -i \(folder)/id -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
    }

    /// The file for GNU parallel's `--sshloginfile`: one job at a time on this host.
    var sshloginFile: String { folder + "/sshlogins" }

    var log: String { (try? String(contentsOfFile: folder + "/sshd.log", encoding: .utf8)) ?? "(no sshd log)" }

    /// Sessions sshd accepted so far.
    var acceptedSessions: Int { log.components(separatedBy: "Accepted publickey for root").count - 1 }

    func stop() {
        if let text = try? String(contentsOfFile: folder + "/sshd.pid", encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGTERM)
        }
    }
}
