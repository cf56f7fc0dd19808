import Foundation
import Testing

/// A chapter killed with SIGKILL at several moments of a smoke run and started again ends with
/// the same numbers, bit for bit, as an uninterrupted run, and leaves no partial file behind.
@Suite(.serialized) struct KillTests {
    @Test func chapter2KilledAndRerunMatchesAnUninterruptedRun() throws {
        let reference = ChapterRunner("chapter2")
        let (status, output) = try reference.run()
        #expect(status == 0, "\(output)")

        let killed = ChapterRunner("chapter2")
        var kills = 0
        for delay in [1.5, 3.0, 5.0, 8.0, 12.0] {
            let process = try killed.start()
            Thread.sleep(forTimeInterval: delay)
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        #expect(kills >= 2, "the run was killed only \(kills) time(s); it ends too fast to test")
        let (again, out) = try killed.run()
        #expect(again == 0, "\(out)")
        for file in ["summary.json", "curves.csv"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: reference.output + "/" + file))
            let b = try Data(contentsOf: URL(fileURLWithPath: killed.output + "/" + file))
            #expect(a == b, "\(file) differs after \(kills) kills")
        }
        #expect(try partialFiles(in: killed.cache).isEmpty && partialFiles(in: killed.output).isEmpty)
    }

    /// Temporary files of an interrupted atomic write, and unfinished checkpoints, under `root`.
    func partialFiles(in root: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".tmp") || $0.contains(".tmp.") || $0.hasSuffix("last.safetensors") }
    }
}
