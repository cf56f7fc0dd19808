import Foundation
import Testing
@testable import Safetensors

/// Runs `python3 -c script args…`; returns its stdout, or nil if it failed or Python is absent.
func python(_ script: String, _ arguments: [String] = []) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
}

let pythonSafetensors = python("import safetensors.numpy") != nil

/// The reference implementation reads what we write and we read what it writes (skipped where
/// Python's `safetensors` and `numpy` are not installed).
@Suite(.enabled(if: pythonSafetensors, "needs python3 with safetensors and numpy"))
struct PythonInteropTests {
    @Test func pythonReadsOurFilesAndWeReadPythons() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-py-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ours = folder + "/ours.safetensors", theirs = folder + "/theirs.safetensors"
        try Safetensors.write([NamedTensor(name: "fc1.weight", shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
                               NamedTensor(name: "bn.running_var", shape: [], values: [0.25])],
                              metadata: ["epochs_done": "3"], to: ours)
        // Python checks our file, then writes its own: names sorted, __metadata__ first.
        let script = """
        import sys, numpy as np
        from safetensors import safe_open
        from safetensors.numpy import load_file, save_file
        t = load_file(sys.argv[1])
        assert t["fc1.weight"].tolist() == [[1, 2, 3], [4, 5, 6]] and t["fc1.weight"].dtype == np.float32
        assert t["bn.running_var"].shape == () and float(t["bn.running_var"]) == 0.25
        with safe_open(sys.argv[1], "np") as f: assert f.metadata() == {"epochs_done": "3", "format": "pt"}
        save_file({"z": np.arange(4, dtype=np.float32).reshape(2, 2), "a": np.array([-1.5], dtype=np.float32)},
                  sys.argv[2], metadata={"format": "pt", "note": "é"})
        print("ok")
        """
        #expect(python(script, [ours, theirs]) == "ok\n")
        let (tensors, metadata) = try Safetensors.read(path: theirs)
        #expect(tensors == [NamedTensor(name: "a", shape: [1], values: [-1.5]), NamedTensor(name: "z", shape: [2, 2], values: [0, 1, 2, 3])])
        #expect(metadata == ["format": "pt", "note": "é"])
    }
}
