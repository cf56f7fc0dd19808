import Foundation
import TestSupport
import Testing

/// Several processes over one artifact cache: two asking for the same recipe at once train it
/// once — one trains, the other waits and reuses — and the entry they share is whole.
@Suite struct SharedCacheTests {
    func start(_ arguments: [String]) throws -> (Process, Pipe) {
        let pipe = Pipe()
        return (try BuiltExecutable("train").start(arguments, output: pipe), pipe)
    }

    func finish(_ p: (Process, Pipe)) -> (Int32, String) { BuiltExecutable.finish(p.0, p.1) }

    @Test func twoProcessesTrainingTheSameRecipeTrainItOnce() throws {
        let folder = TemporaryFolder("shared-cache"), cache = folder.path
        defer { withExtendedLifetime(folder) {} }
        let arguments = ["--model", "mlp", "--epochs", "3", "--train-limit", "2048", "--cache", cache, "--threads", "1"]
        let first = try start(arguments), second = try start(arguments)
        let (s1, out1) = finish(first), (s2, out2) = finish(second)
        #expect(s1 == 0 && s2 == 0, "\(out1)\n---\n\(out2)")
        func trained(_ out: String) -> Bool { out.contains("epoch  3/3") }
        #expect(trained(out1) != trained(out2), "exactly one process trains:\n\(out1)\n---\n\(out2)")
        #expect((trained(out1) ? out2 : out1).contains("waiting for another process"), "the other waited")
        func accuracy(_ out: String) -> Substring? { out.split(separator: "\n").first { $0.hasPrefix("final test loss") } }
        #expect(accuracy(out1) != nil && accuracy(out1) == accuracy(out2), "both report the same network")
        // The entry is whole: a third run reads it back without training.
        let (s3, out3) = finish(try start(arguments))
        #expect(s3 == 0 && !trained(out3) && !out3.contains("waiting") && accuracy(out3) == accuracy(out1), "\(out3)")
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache).filter { !$0.hasSuffix(".lock") }
        #expect(entries.count == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: cache + "/" + entries[0])
        #expect(files.contains("final.safetensors") && !files.contains("last.safetensors") && !files.contains { $0.hasSuffix(".tmp") }, "\(files)")
    }
}
