import AtomicFile
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on one artifact-cache entry, held with `flock` on `<entry>.lock` beside it,
/// so that several processes can share one cache (on one machine or a shared filesystem that
/// supports `flock`): two asking for the same entry take turns — the second waits, then finds the
/// entry finished and reuses it — while different entries proceed in parallel. The kernel drops a
/// `flock` when its process dies, so a killed run never leaves a lock that blocks a later one.
///
/// Within one process the lock is re-entrant (counted per path): asking again for an entry the
/// process already holds does not deadlock. Entries depend on each other as a DAG (a curve on its
/// endpoints, never the reverse), so processes acquiring along dependencies cannot deadlock.
public final class EntryLock {
    public let path: String

    private static let registry = NSLock()
    nonisolated(unsafe) private static var held: [String: (fd: Int32, count: Int)] = [:]

    /// Blocks until this process holds `<entry>.lock`; released when the object is.
    public init(entry: String) throws {
        path = entry + ".lock"
        Self.registry.lock()
        if let h = Self.held[path] {
            Self.held[path] = (h.fd, h.count + 1)
            Self.registry.unlock()
            return
        }
        Self.registry.unlock()
        let parent = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw AtomicFile.WriteError(path: path, reason: "cannot open the lock file: \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw AtomicFile.WriteError(path: path, reason: "cannot lock: \(reason)")
            }
            FileHandle.standardError.write(Data("waiting for another process working on \(entry)\n".utf8))
            while flock(fd, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    let reason = String(cString: strerror(errno))
                    close(fd)
                    throw AtomicFile.WriteError(path: path, reason: "cannot lock: \(reason)")
                }
            }
        }
        Self.registry.lock()
        Self.held[path] = (fd, 1)
        Self.registry.unlock()
    }

    deinit {
        Self.registry.lock()
        defer { Self.registry.unlock() }
        guard let h = Self.held[path] else { return }
        if h.count > 1 {
            Self.held[path] = (h.fd, h.count - 1)
        } else {
            Self.held[path] = nil
            flock(h.fd, LOCK_UN)
            close(h.fd)
        }
    }

    /// Runs `body` holding the entry's lock.
    public static func holding<T>(_ entry: String, _ body: () throws -> T) throws -> T {
        let lock = try EntryLock(entry: entry)
        return try withExtendedLifetime(lock) { try body() }
    }
}
