import AtomicFile
import Foundation

/// The safetensors checkpoint format (https://github.com/huggingface/safetensors), Float32 only.
///
/// Layout: an 8-byte little-endian header length N; N bytes of UTF-8 JSON
/// `{"<name>": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
/// "__metadata__": {"format": "pt", ...}}` padded with spaces so N is a multiple of 8; then the
/// data buffer: each tensor's values little-endian, row-major, contiguous, no gaps.
/// Offsets are relative to the data buffer.
///
/// Writing is deterministic: tensors appear in the header and the buffer in the order given,
/// `__metadata__` last with its keys sorted, no whitespace; the same input gives the same bytes.
/// Reading accepts any valid member order (Python's writer sorts names and puts `__metadata__`
/// first) and returns tensors in data-offset order.
public enum Safetensors {
    /// Headers longer than this are refused (the reference implementation's limit).
    public static let maximumHeaderSize = 100_000_000
    /// The dtypes the format defines; all but F32 are refused as unsupported, anything else as unknown.
    public static let knownDTypes: Set<String> = ["BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F32",
                                                  "F64", "I64", "U64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3",
                                                  "F6_E3M2", "F4", "C64"]

    /// The file's bytes. `metadata` values are stored as strings under `__metadata__`, with
    /// `"format": "pt"` added unless the caller sets "format".
    ///
    /// Throws `SafetensorsError` (`.invalidTensor`: values do not fit the shape, a negative size,
    /// the reserved name `__metadata__`; `.duplicateName`).
    public static func encode(_ tensors: [NamedTensor], metadata: [String: String] = [:]) throws -> Data {
        var seen = Set<String>()
        var header = "{"
        var offset = 0
        for tensor in tensors {
            try validate(tensor)
            guard seen.insert(tensor.name).inserted else {
                throw SafetensorsError(path: nil, kind: .duplicateName, reason: "two tensors are named \"\(tensor.name)\"")
            }
            let end = offset + 4 * tensor.values.count
            header += HeaderJSON.quoted(tensor.name) + ":{\"dtype\":\"F32\",\"shape\":["
                + tensor.shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":[\(offset),\(end)]},"
            offset = end
        }
        var metadata = metadata
        if metadata["format"] == nil { metadata["format"] = "pt" }
        header += "\"__metadata__\":{"
            + metadata.keys.sorted().map { HeaderJSON.quoted($0) + ":" + HeaderJSON.quoted(metadata[$0]!) }.joined(separator: ",")
            + "}}"
        var headerBytes = Array(header.utf8)
        headerBytes += repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8)
        guard headerBytes.count <= maximumHeaderSize else {
            throw SafetensorsError(path: nil, kind: .headerTooLarge,
                                   reason: "the header would be \(headerBytes.count) bytes, over the \(maximumHeaderSize)-byte limit")
        }
        var data = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: headerBytes)
        for tensor in tensors { appendLittleEndian(tensor.values, to: &data) }
        return data
    }

    /// Encodes and writes atomically (temporary file + rename), creating the folder if needed.
    /// Errors name `path`.
    public static func write(_ tensors: [NamedTensor], metadata: [String: String] = [:], to path: String) throws {
        let data: Data
        do {
            data = try encode(tensors, metadata: metadata)
        } catch let error as SafetensorsError {
            throw error.writing(path)
        }
        try AtomicFile.write(data, to: path)
    }

    /// Reads and decodes the file at `path` (see `decode`); a missing or unreadable file throws
    /// `.unreadable` naming it.
    public static func read(path: String) throws -> (tensors: [NamedTensor], metadata: [String: String]) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "\(error.localizedDescription)" : "no such file"
            throw SafetensorsError(path: path, kind: .unreadable, reason: reason)
        }
        return try decode(data, path: path)
    }

    private static func validate(_ tensor: NamedTensor) throws {
        func invalid(_ reason: String) -> SafetensorsError {
            SafetensorsError(path: nil, kind: .invalidTensor, reason: "tensor \"\(tensor.name)\": \(reason)")
        }
        guard tensor.name != "__metadata__" else { throw invalid("the name __metadata__ is reserved") }
        guard tensor.shape.allSatisfy({ $0 >= 0 }) else { throw invalid("negative size in shape \(tensor.shape)") }
        guard tensor.values.count == tensor.elementCount else {
            throw invalid("\(tensor.values.count) values do not fill shape \(tensor.shape) (\(tensor.elementCount) values)")
        }
    }

    private static func appendLittleEndian(_ values: [Float], to data: inout Data) {
        #if _endian(little)
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        #else
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        #endif
    }
}
