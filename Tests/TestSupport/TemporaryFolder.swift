import Foundation

/// A new folder under the system's temporary directory, deleted with its last reference (or by
/// `remove()`), so a test leaves no checkpoints behind: a chapter's smoke run on a paper's network
/// writes gigabytes. A test that hands only `path` to another process keeps the folder alive
/// itself (`withExtendedLifetime`) until that process is done.
public final class TemporaryFolder: Sendable {
    public let path: String

    /// `<tmp>/<prefix>-<UUID>`, created empty.
    public init(_ prefix: String = "tests") {
        path = NSTemporaryDirectory() + "/\(prefix)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }

    deinit { remove() }
}
