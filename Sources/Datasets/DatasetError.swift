/// A dataset file that cannot be used, with the file named, what is wrong, and what to do.
///
/// `description` reads as one sentence a user can act on, e.g.
/// "dataset not found at /x/train-images-idx3-ubyte.gz; install it with
/// `apt-get install dataset-fashion-mnist` or pass --data-path".
public struct DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What kind of problem it is (tests and callers can branch on it without parsing text).
    public enum Kind: String, Sendable, Equatable {
        /// The file (or folder) does not exist.
        case notFound
        /// The file exists but cannot be opened or read (permissions, I/O error).
        case unreadable
        /// The file ends before its header says it should.
        case truncated
        /// The compressed stream is damaged (bad gzip data or checksum).
        case corrupt
        /// The header is not the expected format (magic, element type, dimensions).
        case badHeader
        /// The file holds more bytes than its header announces.
        case trailingData
        /// Two files that belong together disagree (e.g. image and label counts).
        case mismatch
        /// A label is outside `0..<classes`.
        case labelOutOfRange
    }

    /// The file the problem is about.
    public let path: String
    public let kind: Kind
    /// What is wrong, without the path (e.g. "file is truncated: ...").
    public let problem: String
    /// What to do about it (e.g. "install it with `apt-get install dataset-fashion-mnist`").
    public var hint: String

    public init(path: String, kind: Kind, problem: String, hint: String) {
        self.path = path
        self.kind = kind
        self.problem = problem
        self.hint = hint
    }

    public var description: String {
        switch kind {
        case .notFound: return "dataset not found at \(path); \(hint)"
        default: return "\(path): \(problem); \(hint)"
        }
    }

    /// The same error with a dataset-specific hint (the generic readers give a generic one).
    public func withHint(_ hint: String) -> DatasetError {
        var copy = self
        copy.hint = hint
        return copy
    }

    static let damagedHint = "the file is damaged or incomplete; download or install it again"
}
