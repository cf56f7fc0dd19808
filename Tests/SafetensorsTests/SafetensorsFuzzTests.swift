import Foundation
import TestSupport
import Testing
@testable import Safetensors

/// The safetensors decoder fed thousands of mutated files (bit flips, truncations, extensions,
/// huge header lengths and offsets): never a crash, every error names the file.
@Suite struct SafetensorsFuzzTests {
    @Test func mutatedCheckpointsNeverCrashAndEveryErrorNamesTheFile() throws {
        let tensors = [NamedTensor(name: "layers.0.weight", shape: [4, 3], values: (0..<12).map(Float.init)),
                       NamedTensor(name: "layers.0.bias", shape: [4], values: [1, 2, 3, 4])]
        let original = Array(try Safetensors.encode(tensors, metadata: ["epochs_done": "3"]))
        let headerLength = Int(original[0]) | Int(original[1]) << 8
        // Fields worth breaking: the 8-byte header length, and digits inside the JSON offsets.
        let digits = (8..<(8 + headerLength)).filter { original[$0] >= 0x30 && original[$0] <= 0x39 }
        var mutator = Mutator(seed: 7, fieldOffsets: [0] + digits)
        var tally = FuzzTally()
        let path = "fuzz-\(UUID().uuidString).safetensors"
        for _ in 0..<3_000 {
            let (_, bytes) = mutator.mutate(original)
            do {
                _ = try Safetensors.decode(Data(bytes), path: path)
                tally.record(nil, path: path)
            } catch let e as SafetensorsError {
                tally.record(e, kind: e.kind.rawValue, path: path)
            }
        }
        print("safetensors fuzz: \(tally)")
        #expect(tally.tried == 3_000 && tally.unnamed.isEmpty, "\(tally.unnamed)")
    }
}
