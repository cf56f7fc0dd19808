import Foundation

extension Safetensors {
    /// Decodes a safetensors file's bytes; `path` only names the file in errors.
    ///
    /// Returns the tensors in data-offset order and the `__metadata__` strings (empty when absent);
    /// PyTorch BN batch counters (`*.num_batches_tracked`, I64) are checked and left out.
    /// Throws `SafetensorsError`: `.fileTooShort` (< 8 bytes), `.headerTooLarge` (N > 100 MB),
    /// `.headerBeyondFile` (8 + N > file size), `.invalidHeader` (not UTF-8 JSON, or not the
    /// expected structure), `.unknownDType` / `.unsupportedDType` (naming the dtype),
    /// `.duplicateName`, `.offsetsNotFromZero`, `.overlappingOffsets`, `.gapBetweenOffsets`,
    /// `.sizeMismatch` (end − begin ≠ prod(shape)·4), `.truncatedData` / `.trailingData` (the last
    /// end is beyond / before the end of the data buffer).
    public static func decode(_ data: Data, path: String = "<memory>") throws -> (tensors: [NamedTensor], metadata: [String: String]) {
        func fail(_ kind: SafetensorsError.Kind, _ reason: String) -> SafetensorsError {
            SafetensorsError(path: path, kind: kind, reason: reason)
        }
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard raw.count >= 8 else { throw fail(.fileTooShort, "the file has \(raw.count) bytes, fewer than the 8-byte header length") }
            let declared = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            guard declared <= UInt64(maximumHeaderSize) else {
                throw fail(.headerTooLarge, "the header length \(declared) exceeds the \(maximumHeaderSize)-byte limit")
            }
            let headerSize = Int(declared)
            guard 8 + headerSize <= raw.count else {
                throw fail(.headerBeyondFile, "the header length \(headerSize) reaches past the end of the \(raw.count)-byte file (truncated?)")
            }
            let headerBytes = UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[8..<(8 + headerSize)])
            guard String(validating: headerBytes, as: UTF8.self) != nil else { throw fail(.invalidHeader, "the header is not valid UTF-8") }
            let json: JSONValue
            do {
                json = try HeaderJSON.parse(headerBytes)
            } catch let error as HeaderJSON.ParseError {
                throw fail(.invalidHeader, "the header is not valid JSON: \(error.message) at byte \(8 + error.offset)")
            }
            var (entries, metadata) = try parseHeader(json, fail: fail)
            let buffer = UnsafeRawBufferPointer(rebasing: raw[(8 + headerSize)...])
            try checkLayout(&entries, bufferSize: buffer.count, fail: fail)
            let tensors = entries.filter { !$0.skipped }.map { entry in
                NamedTensor(name: entry.name, shape: entry.shape, values: loadLittleEndian(buffer, entry.begin, entry.end))
            }
            return (tensors, metadata)
        }
    }

    struct Entry {
        var name: String
        var shape: [Int]
        var begin: Int
        var end: Int
        /// A PyTorch BN batch counter (I64 `*.num_batches_tracked`): checked for layout, not returned.
        var skipped = false
    }

    private static func parseHeader(_ json: JSONValue, fail: (SafetensorsError.Kind, String) -> SafetensorsError) throws
        -> (entries: [Entry], metadata: [String: String]) {
        guard case .object(let members) = json else { throw fail(.invalidHeader, "the header is \(json.kindName), not a JSON object") }
        var entries: [Entry] = [], metadata: [String: String] = [:]
        var names = Set<String>()
        for (name, value) in members {
            guard names.insert(name).inserted else {
                throw fail(name == "__metadata__" ? .invalidHeader : .duplicateName, "\"\(name)\" appears twice in the header")
            }
            if name == "__metadata__" {
                guard case .object(let pairs) = value else { throw fail(.invalidHeader, "__metadata__ is \(value.kindName), not an object") }
                for (key, v) in pairs {
                    guard case .string(let s) = v else {
                        throw fail(.invalidHeader, "__metadata__ value of \"\(key)\" is \(v.kindName); values must be strings")
                    }
                    guard metadata.updateValue(s, forKey: key) == nil else {
                        throw fail(.invalidHeader, "__metadata__ key \"\(key)\" appears twice")
                    }
                }
                continue
            }
            entries.append(try parseEntry(name, value, fail: fail))
        }
        return (entries, metadata)
    }

    private static func parseEntry(_ name: String, _ value: JSONValue, fail: (SafetensorsError.Kind, String) -> SafetensorsError) throws -> Entry {
        guard case .object(let fields) = value else { throw fail(.invalidHeader, "tensor \"\(name)\" is \(value.kindName), not an object") }
        var dtype: String?, shape: [Int]?, offsets: [Int]?
        func integers(_ v: JSONValue, _ field: String) throws -> [Int] {
            guard case .array(let items) = v else { throw fail(.invalidHeader, "tensor \"\(name)\": \(field) is \(v.kindName), not an array") }
            return try items.map {
                guard let i = $0.nonNegativeInteger else {
                    throw fail(.invalidHeader, "tensor \"\(name)\": \(field) holds \($0.kindName) that is not a non-negative integer")
                }
                return i
            }
        }
        for (key, v) in fields {
            switch key {
            case "dtype":
                guard case .string(let s) = v else { throw fail(.invalidHeader, "tensor \"\(name)\": dtype is \(v.kindName), not a string") }
                dtype = s
            case "shape": shape = try integers(v, "shape")
            case "data_offsets": offsets = try integers(v, "data_offsets")
            default: throw fail(.invalidHeader, "tensor \"\(name)\" has an unknown field \"\(key)\"")
            }
        }
        guard let dtype, let shape, let offsets else {
            throw fail(.invalidHeader, "tensor \"\(name)\" lacks \(dtype == nil ? "dtype" : shape == nil ? "shape" : "data_offsets")")
        }
        guard knownDTypes.contains(dtype) else { throw fail(.unknownDType, "tensor \"\(name)\" has unknown dtype \"\(dtype)\"") }
        // PyTorch's BN modules keep an integer batch counter in their state dict; it is not part
        // of any network's function, so a file saved from PyTorch as it is reads without it.
        let counter = name.hasSuffix("num_batches_tracked") && dtype == "I64"
        guard dtype == "F32" || counter else { throw fail(.unsupportedDType, "tensor \"\(name)\" has dtype \(dtype); only F32 is supported") }
        guard offsets.count == 2 else {
            throw fail(.invalidHeader, "tensor \"\(name)\": data_offsets has \(offsets.count) numbers, not [begin, end]")
        }
        guard offsets[0] <= offsets[1] else {
            throw fail(.invalidHeader, "tensor \"\(name)\": data_offsets [\(offsets[0]), \(offsets[1])] ends before it begins")
        }
        var bytes = counter ? 8 : 4
        for size in shape {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: size)
            guard !overflow else { throw fail(.sizeMismatch, "tensor \"\(name)\": shape \(shape) is too large") }
            bytes = product
        }
        guard offsets[1] - offsets[0] == bytes else {
            throw fail(.sizeMismatch, "tensor \"\(name)\": data_offsets [\(offsets[0]), \(offsets[1])] span \(offsets[1] - offsets[0]) bytes "
                + "but shape \(shape) of \(dtype) needs \(bytes)")
        }
        return Entry(name: name, shape: shape, begin: offsets[0], end: offsets[1], skipped: counter)
    }

    /// Sorts `entries` by offset and checks they tile `0..<bufferSize` exactly.
    private static func checkLayout(_ entries: inout [Entry], bufferSize: Int, fail: (SafetensorsError.Kind, String) -> SafetensorsError) throws {
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expected = 0
        for (i, entry) in entries.enumerated() {
            if entry.begin != expected {
                if i == 0 { throw fail(.offsetsNotFromZero, "the first tensor by offset, \"\(entry.name)\", begins at \(entry.begin), not 0") }
                let previous = entries[i - 1].name
                if entry.begin < expected {
                    throw fail(.overlappingOffsets, "tensors \"\(previous)\" and \"\(entry.name)\" overlap (\(entry.begin) < \(expected))")
                }
                throw fail(.gapBetweenOffsets, "\(entry.begin - expected) unused bytes between tensors \"\(previous)\" and \"\(entry.name)\"")
            }
            expected = entry.end
        }
        if expected > bufferSize {
            throw fail(.truncatedData, "the tensors need \(expected) data bytes but the file holds only \(bufferSize) (truncated file)")
        }
        if expected < bufferSize {
            throw fail(.trailingData, "the data buffer holds \(bufferSize) bytes but the tensors use only \(expected)")
        }
    }

    private static func loadLittleEndian(_ buffer: UnsafeRawBufferPointer, _ begin: Int, _ end: Int) -> [Float] {
        let count = (end - begin) / 4
        return [Float](unsafeUninitializedCapacity: count) { out, initialised in
            if count > 0 {
                UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: buffer.baseAddress! + begin, byteCount: count * 4)
                #if _endian(big)
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: out[i].bitPattern)) }
                #endif
            }
            initialised = count
        }
    }
}
