import Foundation
import Testing
@testable import Safetensors

/// Decodes `data` and returns the error kind (nil if it decoded), checking the message names the file.
func rejection(_ data: Data) -> SafetensorsError.Kind? {
    do {
        _ = try Safetensors.decode(data, path: "/ckpt/bad.safetensors")
        return nil
    } catch let error as SafetensorsError {
        #expect("\(error)".contains("/ckpt/bad.safetensors"))
        return error.kind
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

func entry(_ name: String, dtype: String = "F32", shape: [Int], _ begin: Int, _ end: Int) -> String {
    "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(begin),\(end)]}"
}

@Suite struct SafetensorsRejectionTests {
    @Test func fileShorterThanTheLengthField() {
        #expect(rejection(Data([1, 2, 3])) == .fileTooShort)
        #expect(rejection(Data()) == .fileTooShort)
    }

    @Test func headerLengthBeyondLimitOrFile() {
        #expect(rejection(handmade(header: "{}", declaredLength: 100_000_001)) == .headerTooLarge)
        #expect(rejection(handmade(header: "{}", declaredLength: UInt64.max)) == .headerTooLarge)
        #expect(rejection(handmade(header: "{}", declaredLength: 64)) == .headerBeyondFile)
    }

    @Test func headerThatIsNotUTF8JSONOfTheRightShape() {
        #expect(rejection(handmade(headerBytes: [0x7B, 0xFF, 0x7D])) == .invalidHeader)
        for header in ["{\"a\":", "[1]", "{\"a\":1}", "{} x", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}",
                       "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
                       "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
                       "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}",
                       "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}",
                       "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}",
                       "{\"__metadata__\":{\"epoch\":3}}", "{\"__metadata__\":[]}", "{\"a\\x\":{}}", "{\"tab\tin\":{}}"] {
            #expect(rejection(handmade(header: header, data: [0, 0, 0, 0])) == .invalidHeader, "\(header)")
        }
    }

    @Test func pyTorchBatchNormCountersAreCheckedAndLeftOut() throws {
        // A state dict saved from PyTorch as it is: BN's I64 `num_batches_tracked` between F32 tensors.
        let header = "{" + entry("bn.num_batches_tracked", dtype: "I64", shape: [], 0, 8) + "," + entry("bn.weight", dtype: "F32", shape: [1], 8, 12) + "}"
        let (tensors, _) = try Safetensors.decode(handmade(header: header, data: [7, 0, 0, 0, 0, 0, 0, 0] + [0, 0, 128, 63]))
        #expect(tensors == [NamedTensor(name: "bn.weight", shape: [1], values: [1])])
        // Its bytes are still checked; another I64 tensor is still refused.
        #expect(rejection(handmade(header: "{" + entry("bn.num_batches_tracked", dtype: "I64", shape: [], 0, 4) + "}", data: [0, 0, 0, 0])) == .sizeMismatch)
        #expect(rejection(handmade(header: "{" + entry("steps", dtype: "I64", shape: [], 0, 8) + "}", data: Array(repeating: 0, count: 8))) == .unsupportedDType)
    }

    @Test func unknownAndUnsupportedDTypesAreNamed() throws {
        #expect(rejection(handmade(header: "{" + entry("w", dtype: "Q9", shape: [1], 0, 4) + "}", data: [0, 0, 0, 0])) == .unknownDType)
        #expect(rejection(handmade(header: "{" + entry("w", dtype: "F16", shape: [2], 0, 4) + "}", data: [0, 0, 0, 0])) == .unsupportedDType)
        #expect(throws: SafetensorsError.self) {
            try Safetensors.decode(handmade(header: "{" + entry("w", dtype: "BF16", shape: [2], 0, 4) + "}", data: [0, 0, 0, 0]))
        }
        do {
            _ = try Safetensors.decode(handmade(header: "{" + entry("w", dtype: "F64", shape: [1], 0, 8) + "}", data: Array(repeating: 0, count: 8)), path: "p")
        } catch {
            #expect("\(error)".contains("F64") && "\(error)".contains("\"w\"") && "\(error)".contains("float32"))
        }
    }

    @Test func offsetsMustTileTheBufferFromZero() {
        let eight = [UInt8](repeating: 0, count: 8), twelve = [UInt8](repeating: 0, count: 12)
        #expect(rejection(handmade(header: "{" + entry("a", shape: [1], 4, 8) + "}", data: eight)) == .offsetsNotFromZero)
        #expect(rejection(handmade(header: "{" + entry("a", shape: [2], 0, 8) + "," + entry("b", shape: [1], 4, 8) + "}", data: eight))
            == .overlappingOffsets)
        #expect(rejection(handmade(header: "{" + entry("a", shape: [1], 0, 4) + "," + entry("b", shape: [1], 8, 12) + "}", data: twelve))
            == .gapBetweenOffsets)
        #expect(rejection(handmade(header: "{" + entry("a", shape: [3], 0, 8) + "}", data: eight)) == .sizeMismatch)
        #expect(rejection(handmade(header: "{" + entry("a", shape: [1 << 62, 4], 0, 8) + "}", data: eight)) == .sizeMismatch)
        #expect(rejection(handmade(header: "{" + entry("a", shape: [2], 0, 8) + "}", data: [0, 0, 0, 0])) == .truncatedData)
        #expect(rejection(handmade(header: "{" + entry("a", shape: [2], 0, 8) + "}", data: twelve)) == .trailingData)
        #expect(rejection(handmade(header: "{}", data: [0])) == .trailingData)
    }

    @Test func duplicateNames() {
        let header = "{" + entry("a", shape: [1], 0, 4) + "," + entry("a", shape: [1], 4, 8) + "}"
        #expect(rejection(handmade(header: header, data: Array(repeating: 0, count: 8))) == .duplicateName)
    }

    @Test func truncatedFiles() throws {
        let good = try Safetensors.encode([NamedTensor(name: "w", shape: [4], values: [1, 2, 3, 4])])
        #expect(rejection(good.prefix(good.count - 1)) == .truncatedData)
        #expect(rejection(good.prefix(20)) == .headerBeyondFile)
        #expect(rejection(good.prefix(7)) == .fileTooShort)
        #expect(rejection(good + Data([0])) == .trailingData)
    }

    @Test func byteCorruptedFiles() throws {
        let good = try Safetensors.encode([NamedTensor(name: "w", shape: [4], values: [1, 2, 3, 4])])
        var badLength = good; badLength[5] = 0x40                 // header length ≈ 2^46
        var badUTF8 = good; badUTF8[12] = 0xFF                    // inside the name "w" … the JSON
        var badBrace = good; badBrace[8] = UInt8(ascii: "[")      // the opening brace
        var badDType = good; badDType[good.firstRange(of: Data("F32".utf8))!.lowerBound + 1] = UInt8(ascii: "7")  // "F72"
        var badOffset = good; badOffset[good.firstRange(of: Data("[0,16]".utf8))!.lowerBound + 1] = UInt8(ascii: "4")  // [4,16]
        #expect(rejection(badLength) == .headerTooLarge)
        #expect(rejection(badUTF8) == .invalidHeader)
        #expect(rejection(badBrace) == .invalidHeader)
        #expect(rejection(badDType) == .unknownDType)
        #expect(rejection(badOffset) == .sizeMismatch)
        // Safetensors has no checksum: a flipped data byte decodes, to a different value.
        var badValue = good; badValue[good.count - 1] ^= 0x01
        #expect(try Safetensors.decode(badValue).tensors[0].values[3] != 4)
    }

    @Test func encodeRefusesTensorsItCannotWrite() {
        func kind(_ tensors: [NamedTensor]) -> SafetensorsError.Kind? {
            do { _ = try Safetensors.encode(tensors); return nil } catch let e as SafetensorsError { return e.kind } catch { return nil }
        }
        #expect(kind([NamedTensor(name: "w", shape: [2, 2], values: [1, 2, 3])]) == .invalidTensor)
        #expect(kind([NamedTensor(name: "w", shape: [-1], values: [])]) == .invalidTensor)
        #expect(kind([NamedTensor(name: "__metadata__", shape: [1], values: [1])]) == .invalidTensor)
        #expect(kind([NamedTensor(name: "w", shape: [1], values: [1]), NamedTensor(name: "w", shape: [1], values: [2])]) == .duplicateName)
    }

    @Test func writeErrorsNameTheFile() {
        #expect {
            try Safetensors.write([NamedTensor(name: "w", shape: [2], values: [1])], to: "/tmp/never-written.safetensors")
        } throws: { error in
            "\(error)".contains("/tmp/never-written.safetensors") && "\(error)".contains("do not fill shape")
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written.safetensors"))
    }
}
