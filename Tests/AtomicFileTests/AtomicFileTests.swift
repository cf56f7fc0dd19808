@testable import AtomicFile
import Foundation
import Testing

/// A write either replaces the file whole or fails with the file's name and the system's reason,
/// leaving the old file and no temporary behind.
struct AtomicFileTests {
    let folder = NSTemporaryDirectory() + "/atomic-file-\(UUID().uuidString)"

    @Test func aWriteReplacesTheFileAndLeavesNoTemporary() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/nested/report.md"
        try AtomicFile.write("first\n", to: path)
        try AtomicFile.write("second\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/nested") == ["report.md"])
    }

    @Test func aFailedWriteNamesTheFileAndTheReasonAndKeepsTheOldFile() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/run.json"
        try AtomicFile.write("old\n", to: path)
        // Something in the temporary's place that cannot be opened as a file.
        let blocker = folder + "/.run.json.\(getpid()).tmp"
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: false)
        do {
            try AtomicFile.write("new\n", to: path)
            Issue.record("the write should have failed")
        } catch let error as AtomicFile.WriteError {
            #expect(error.path == path)
            #expect(error.description.contains(path) && error.description.contains("Is a directory"), "\(error)")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: blocker, isDirectory: &isFolder) && isFolder.boolValue,
                "the failed write must not delete what it did not create")
    }

    /// A full disk (`/dev/full` refuses every byte with ENOSPC) is reported as such, not as an
    /// unexplained failure to create a file.
    @Test func aFullDiskIsNamed() throws {
        let reason = AtomicFile.writeWhole(Data(repeating: 7, count: 1 << 16), to: "/dev/full")
        #expect(reason == String(cString: strerror(ENOSPC)))
        #expect(AtomicFile.writeWhole(Data([1, 2, 3]), to: "/no-such-folder-\(UUID().uuidString)/file") == String(cString: strerror(ENOENT)))
    }
}
