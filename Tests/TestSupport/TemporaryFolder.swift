import Foundation

/// A folder under the system's temporary directory that is deleted with its last reference, so a
/// test leaves no checkpoints behind (a chapter's smoke run on a paper's network writes gigabytes).
public final class TemporaryFolder: Sendable {
    public let path: String

    /// `<tmp>/<prefix>-<UUID>`, not created until something is written into it.
    public init(_ prefix: String) {
        path = NSTemporaryDirectory() + "/\(prefix)-\(UUID().uuidString)"
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
