import Foundation
import Testing
@testable import Safetensors

/// A file built by hand: the 8-byte little-endian length of `header` (or `declaredLength`), the
/// header bytes, then `data`.
func handmade(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
    handmade(headerBytes: Array(header.utf8), data: data, declaredLength: declaredLength)
}

func handmade(headerBytes: [UInt8], data: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
    var bytes = Data()
    withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(contentsOf: headerBytes)
    bytes.append(contentsOf: data)
    return bytes
}

func floatBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
}

@Suite struct SafetensorsFormatTests {
    let sample = [
        NamedTensor(name: "fc1.weight", shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
        NamedTensor(name: "fc1.bias", shape: [2], values: [-0.5, .pi]),
        NamedTensor(name: "scale", shape: [], values: [42]),
        NamedTensor(name: "empty", shape: [0, 4], values: []),
        NamedTensor(name: "bn.running_var", shape: [1, 1, 1, 3], values: [.leastNonzeroMagnitude, .greatestFiniteMagnitude, -0.0]),
    ]

    @Test func roundTripKeepsNamesShapesValuesOrderAndMetadata() throws {
        let data = try Safetensors.encode(sample, metadata: ["epochs_done": "7", "network": "mlp"])
        let (tensors, metadata) = try Safetensors.decode(data, path: "x.safetensors")
        #expect(tensors == sample)
        #expect(tensors[4].values[2].sign == .minus)  // −0 survives bit for bit
        #expect(metadata == ["epochs_done": "7", "network": "mlp", "format": "pt"])
    }

    @Test func goldenBytesOfATinyFile() throws {
        let data = try Safetensors.encode([NamedTensor(name: "a", shape: [2], values: [1, -2])], metadata: ["epoch": "3"])
        // Tensors in the given order, then __metadata__ with sorted keys, no spaces: 97 bytes of
        // JSON + 7 spaces = 104 = 13·8. 1.0 = 0x3F800000 and −2.0 = 0xC0000000, little-endian.
        let json = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"epoch":"3","format":"pt"}}"#
        let padded = json + String(repeating: " ", count: (8 - json.utf8.count % 8) % 8)
        #expect(json.utf8.count == 97 && padded.utf8.count == 104)
        let expected: [UInt8] = [104, 0, 0, 0, 0, 0, 0, 0] + Array(padded.utf8) + [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0]
        #expect(Array(data) == expected)
    }

    @Test func headerIsPaddedWithSpacesToAMultipleOfEight() throws {
        for length in 1...9 {
            let data = try Safetensors.encode([NamedTensor(name: String(repeating: "w", count: length), shape: [1], values: [1])])
            let n = Int(data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
            #expect(n % 8 == 0)
            #expect(data.count == 8 + n + 4)
            let header = String(decoding: data[8..<(8 + n)], as: UTF8.self)
            #expect(header.hasSuffix("}") || header.hasSuffix(" "))
            #expect(header.trimmingCharacters(in: .init(charactersIn: " ")).hasSuffix("}"))
        }
    }

    @Test func encodingIsByteStableWhateverTheMetadataInsertionOrder() throws {
        var first: [String: String] = [:], second: [String: String] = [:]
        for key in ["z", "a", "m", "format2", "seed"] { first[key] = key + "!" }
        for key in ["seed", "format2", "m", "a", "z"] { second[key] = key + "!" }
        #expect(try Safetensors.encode(sample, metadata: first) == Safetensors.encode(sample, metadata: second))
        #expect(try Safetensors.encode(sample, metadata: first) == Safetensors.encode(sample, metadata: first))
    }

    @Test func callerMayOverrideFormat() throws {
        let (_, metadata) = try Safetensors.decode(Safetensors.encode([], metadata: ["format": "np"]))
        #expect(metadata == ["format": "np"])
    }

    @Test func namesAndMetadataWithEscapesAndUnicodeRoundTrip() throws {
        let odd = ["quote\"back\\slash", "new\nline\ttab", "control\u{01}\u{1F}", "ünïcødé 🙂", "/slash"]
        let tensors = odd.map { NamedTensor(name: $0, shape: [1], values: [1]) }
        let metadata = Dictionary(uniqueKeysWithValues: odd.map { ($0, "value of " + $0) })
        let (decoded, decodedMetadata) = try Safetensors.decode(Safetensors.encode(tensors, metadata: metadata))
        #expect(decoded.map(\.name) == odd)
        #expect(decodedMetadata.filter { $0.key != "format" } == metadata)
    }

    @Test func readsPythonStyleFilesInOffsetOrder() throws {
        // What Python's safetensors writes: __metadata__ first, names sorted, whitespace allowed,
        // and the data in a different order than the names; \u escapes including a surrogate pair.
        let header = """
        { "__metadata__" : { "format" : "pt" },
          "a.weight": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]},
          "b\\u00e9\\ud83d\\ude00": {"data_offsets": [0, 8], "shape": [2], "dtype": "F32"} }   \t\n
        """
        let (tensors, metadata) = try Safetensors.decode(handmade(header: header, data: floatBytes([1, 2, 3])))
        #expect(tensors == [NamedTensor(name: "bé😀", shape: [2], values: [1, 2]), NamedTensor(name: "a.weight", shape: [1], values: [3])])
        #expect(metadata == ["format": "pt"])
    }

    @Test func fileWithoutMetadataOrTensorsDecodes() throws {
        let (tensors, metadata) = try Safetensors.decode(handmade(header: "{}"))
        #expect(tensors.isEmpty && metadata.isEmpty)
    }

    @Test func writeAndReadThroughTheFileSystem() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UUID().uuidString)/nested").path
        defer { try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent) }
        let path = folder + "/model.safetensors"
        try Safetensors.write(sample, metadata: ["epochs_done": "1"], to: path)
        try Safetensors.write(sample, metadata: ["epochs_done": "2"], to: path)  // overwrite in place
        let (tensors, metadata) = try Safetensors.read(path: path)
        #expect(tensors == sample && metadata["epochs_done"] == "2")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["model.safetensors"])  // no temporary left
    }

    @Test func readingAMissingFileNamesIt() {
        #expect {
            try Safetensors.read(path: "/nonexistent/ckpt.safetensors")
        } throws: { error in
            let e = error as! SafetensorsError
            return e.kind == .unreadable && "\(e)".contains("/nonexistent/ckpt.safetensors") && "\(e)".contains("no such file")
        }
    }
}
