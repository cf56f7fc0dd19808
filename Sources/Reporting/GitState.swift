import Foundation

/// The commit a run was made from and whether the working tree had uncommitted changes.
public struct GitState: Equatable, Sendable {
    /// `git rev-parse HEAD`, or nil when git or the repository is unavailable.
    public var commit: String?
    /// True when `git status --porcelain` printed anything; nil when unknown.
    public var dirty: Bool?

    public init(commit: String?, dirty: Bool?) { self.commit = commit; self.dirty = dirty }

    /// The commit as a report states it: "<hash>", "<hash> (uncommitted changes)" or "unknown (no git)".
    public var described: String {
        commit.map { $0 + (dirty == true ? " (uncommitted changes)" : "") } ?? "unknown (no git)"
    }

    /// Asks git about the repository containing `directory`. Never throws: without git, or
    /// outside a repository, both fields are nil. Changes under `ignoring` (paths relative to the
    /// repository root, e.g. the generated `figures`) do not count as dirty: a run writes its own
    /// outputs there before its report records the provenance.
    public static func read(at directory: String = FileManager.default.currentDirectoryPath,
                            ignoring: [String] = []) -> GitState {
        guard let head = run(["rev-parse", "HEAD"], in: directory)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !head.isEmpty else { return GitState(commit: nil, dirty: nil) }
        let pathspecs = ignoring.isEmpty ? [] : [":(top)"] + ignoring.map { ":(top,exclude)\($0)" }
        let status = run(["status", "--porcelain", "--"] + pathspecs, in: directory)
        return GitState(commit: head, dirty: status.map { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty })
    }

    /// Output of `git <arguments>` run in `directory`, or nil if it cannot run or fails.
    static func run(_ arguments: [String], in directory: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()  // read before waiting: no pipe deadlock
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
