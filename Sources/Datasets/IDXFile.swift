import Foundation

/// One IDX file (the MNIST family's format), read whole.
///
/// Layout: two zero bytes; one element-type byte (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
/// 0x0D float32, 0x0E float64); one byte with the number of dimensions d; d big-endian UInt32
/// sizes; then prod(sizes) big-endian elements in row-major order, and nothing after them.
/// Files may be gzip-compressed (read through zlib) or plain.
public struct IDXFile: Sendable, Equatable {
    public enum ElementType: UInt8, Sendable, CaseIterable {
        case uint8 = 0x08, int8 = 0x09, int16 = 0x0B, int32 = 0x0C, float32 = 0x0D, float64 = 0x0E

        /// Bytes per element.
        public var width: Int {
            switch self {
            case .uint8, .int8: return 1
            case .int16: return 2
            case .int32, .float32: return 4
            case .float64: return 8
            }
        }
    }

    public let elementType: ElementType
    /// The sizes of the dimensions, outermost first (e.g. [60000, 28, 28]).
    public let dimensions: [Int]
    /// The elements' raw bytes as stored (big-endian), `prod(dimensions) · elementType.width` of them.
    public let payload: [UInt8]

    /// The 32-bit magic number of a file with this element type and rank (0x00000803 for uint8 images).
    public static func magic(_ type: ElementType, rank: Int) -> UInt32 { UInt32(type.rawValue) << 8 | UInt32(rank) }

    /// Refuses headers announcing more than this many payload bytes (a damaged header would
    /// otherwise ask for an absurd allocation).
    public static let maximumPayload = 1 << 36

    public init(elementType: ElementType, dimensions: [Int], payload: [UInt8]) {
        precondition(!dimensions.isEmpty && dimensions.allSatisfy { $0 >= 0 && $0 <= Int(UInt32.max) },
                     "IDX dimensions must be 1 to 255 sizes in 0...UInt32.max, got \(dimensions)")
        precondition(dimensions.count <= 255, "IDX supports at most 255 dimensions, got \(dimensions.count)")
        precondition(payload.count == dimensions.reduce(1, *) * elementType.width,
                     "IDX payload of \(payload.count) bytes does not fit \(dimensions) × \(elementType)")
        self.elementType = elementType
        self.dimensions = dimensions
        self.payload = payload
    }

    /// Reads and validates `path`. With `expectedMagic`, also requires that exact type and rank
    /// (e.g. `IDXFile.magic(.uint8, rank: 3)` = 0x00000803 for an image file).
    ///
    /// Throws `DatasetError`: `.notFound`; `.badHeader` (non-zero leading bytes, unknown element
    /// type, zero rank, wrong magic, absurd size); `.truncated` (fewer payload bytes than the
    /// dimensions announce, or a cut gzip stream); `.trailingData` (bytes after the payload);
    /// `.corrupt` (damaged gzip data or CRC).
    public static func read(path: String, expectedMagic: UInt32? = nil) throws -> IDXFile {
        let reader = try GzipReader(path: path)
        func bad(_ problem: String) -> DatasetError {
            DatasetError(path: path, kind: .badHeader, problem: problem, hint: "this is not the IDX file it should be; " + DatasetError.damagedHint)
        }
        let head = try reader.readExactly(4, what: "a 4-byte IDX magic number")
        let magic = UInt32(head[0]) << 24 | UInt32(head[1]) << 16 | UInt32(head[2]) << 8 | UInt32(head[3])
        let found = "0x" + String(magic, radix: 16).leftPadded(to: 8)
        guard head[0] == 0, head[1] == 0 else {
            throw bad("magic number \(found) does not start with two zero bytes (not an IDX file, or still compressed twice)")
        }
        guard let type = ElementType(rawValue: head[2]) else {
            throw bad("unknown IDX element type 0x\(String(head[2], radix: 16)) in magic number \(found)")
        }
        let rank = Int(head[3])
        guard rank > 0 else { throw bad("magic number \(found) declares zero dimensions") }
        if let expected = expectedMagic, expected != magic {
            let wanted = "0x" + String(expected, radix: 16).leftPadded(to: 8)
            throw bad("magic number \(found) (\(type), \(rank) dimensions) where \(wanted) "
                + "(\(ElementType(rawValue: UInt8(expected >> 8 & 0xFF)).map { "\($0)" } ?? "?"), \(expected & 0xFF) dimensions) "
                + "was expected; are the image and label files swapped?")
        }
        let sizeBytes = try reader.readExactly(4 * rank, what: "\(rank) dimension sizes")
        var dimensions: [Int] = []
        for d in 0..<rank {
            let b = sizeBytes[(4 * d)..<(4 * d + 4)].map(Int.init)
            dimensions.append(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3])
        }
        var total = type.width
        for size in dimensions {
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow, product <= maximumPayload else {
                throw bad("dimensions \(dimensions) announce more than \(maximumPayload) bytes")
            }
            total = product
        }
        let payload = try reader.readExactly(total, what: "\(dimensions.map(String.init).joined(separator: "×")) \(type) elements")
        guard try reader.isAtEnd() else {
            throw DatasetError(path: path, kind: .trailingData,
                               problem: "file continues after the \(total) payload bytes its header \(dimensions) announces",
                               hint: DatasetError.damagedHint)
        }
        return IDXFile(elementType: type, dimensions: dimensions, payload: payload)
    }

    /// The file's bytes: header then payload (what `read` parses).
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = [0, 0, elementType.rawValue, UInt8(dimensions.count)]
        for size in dimensions {
            bytes += [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
        }
        return bytes + payload
    }

    /// Writes the file, gzip-compressed when `path` ends in ".gz".
    public func write(to path: String) throws {
        if path.hasSuffix(".gz") {
            try GzipFile.write(encoded(), to: path)
        } else if !FileManager.default.createFile(atPath: path, contents: Data(encoded())) {
            throw DatasetError(path: path, kind: .unreadable, problem: "cannot create the file",
                               hint: "check that the folder exists and is writable")
        }
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
