import Foundation
import TestSupport
import Testing

/// GNU parallel sends a plan's jobs to another host over ssh, as docs/scale-out.md shows: the
/// package and the cache are on a folder both see (here the same machine), and the chapter then
/// assembles its report training nothing.
@Suite(.serialized) struct RemoteParallelTests {
    @Test func chapter2sPlanRunsOnASecondHostThroughSSH() throws {
        let host = try LoopbackSSHHost.start()
        defer { host.stop() }
        let before = host.acceptedSessions
        let runner = ChapterRunner("chapter2")
        let folder = try ScaleOutTests.plan(runner)
        let (status, output) = try BuiltExecutable.shell("JOBS=1 PARALLEL_OPTIONS='--sshloginfile \(host.sshloginFile)' sh '\(folder)/parallel.sh'")
        #expect(status == 0, "\(output)\n\(host.log)")
        #expect(output.components(separatedBy: ": done in").count - 1 == 6, "six jobs trained:\n\(output)")
        let sessions = host.acceptedSessions - before
        print("sshd on 127.0.0.1:\(host.port) accepted \(sessions) sessions for the plan's 6 jobs")
        #expect(sessions >= 6, "the jobs did not go through the second host's sshd:\n\(host.log)")
        let trained = try ScaleOutTests.trainingFiles(runner.cache)
        let (assembled, out) = try runner.run(["--threads", "1"])
        #expect(assembled == 0 && !out.contains("epoch  1/1"), "\(out)")
        #expect(try ScaleOutTests.trainingFiles(runner.cache) == trained, "the chapter trained or rewrote something after the remote jobs")
    }
}
