/// Why a safetensors file (or a tensor list to encode) was refused. `description` names the file
/// and says what is wrong.
public struct SafetensorsError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable, Equatable {
        /// The file cannot be read (missing, permissions).
        case unreadable
        /// Fewer than the 8 bytes of the header length.
        case fileTooShort
        /// The header length exceeds `Safetensors.maximumHeaderSize`.
        case headerTooLarge
        /// The header length points past the end of the file.
        case headerBeyondFile
        /// The header is not valid UTF-8 JSON of the expected structure.
        case invalidHeader
        /// A dtype the format does not define.
        case unknownDType
        /// A dtype the format defines but this reader does not load (anything but F32).
        case unsupportedDType
        /// The first tensor (by offset) does not start at 0.
        case offsetsNotFromZero
        /// Two tensors' data ranges overlap.
        case overlappingOffsets
        /// Unused bytes between two tensors' data ranges.
        case gapBetweenOffsets
        /// `end − begin ≠ prod(shape) · 4`.
        case sizeMismatch
        /// The data buffer ends before the last tensor does.
        case truncatedData
        /// The data buffer continues after the last tensor.
        case trailingData
        /// Two tensors with the same name.
        case duplicateName
        /// A tensor that cannot be encoded (values do not fit the shape, reserved name, negative size).
        case invalidTensor
    }

    /// The file concerned; nil when encoding in memory.
    public let path: String?
    public let kind: Kind
    public let reason: String

    /// Whether the error arose while encoding (writing) rather than decoding (reading).
    public let whileWriting: Bool

    public init(path: String?, kind: Kind, reason: String, whileWriting: Bool = false) {
        self.path = path
        self.kind = kind
        self.reason = reason
        self.whileWriting = whileWriting || path == nil
    }

    public var description: String {
        guard let path else { return "cannot encode safetensors: \(reason)" }
        if whileWriting { return "cannot write safetensors file \(path): \(reason)" }
        switch kind {
        case .unreadable: return "cannot read safetensors file \(path): \(reason)"
        case .unsupportedDType:
            return "safetensors file \(path): \(reason); convert the tensors to float32 before saving (`tensor.float()`)"
        default: return "safetensors file \(path) is not valid: \(reason); the file is damaged or not a safetensors file"
        }
    }

    /// The same encoding error, now naming the file being written.
    func writing(_ path: String) -> SafetensorsError {
        SafetensorsError(path: path, kind: kind, reason: reason, whileWriting: true)
    }
}
