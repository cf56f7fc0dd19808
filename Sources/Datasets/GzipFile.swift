import CZlib
import Foundation

/// Reading and writing files through zlib's gz interface, the only place the module touches zlib.
///
/// Reading is transparent: `gzopen` reads gzip-compressed and plain files alike, so every reader
/// in this module accepts both. Errors are `DatasetError`s that name the file.
final class GzipReader {
    let path: String
    private let file: gzFile
    /// The largest single `gzread` request (its length is a C `unsigned`).
    private static let chunk = 1 << 26

    /// Opens `path` for reading; throws `.notFound` if it does not exist, `.unreadable` otherwise.
    init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw DatasetError(path: path, kind: .notFound, problem: "no such file", hint: "check the path")
        }
        guard let file = gzopen(path, "rb") else {
            throw DatasetError(path: path, kind: .unreadable, problem: "cannot open: \(String(cString: strerror(errno)))",
                               hint: "check the file's permissions")
        }
        self.path = path
        self.file = file
        gzbuffer(file, 1 << 20)  // fewer, larger reads of the compressed file
    }

    deinit { gzclose(file) }

    /// Fills `buffer` as far as the file allows and returns how many bytes were read (less than
    /// `buffer.count` only at the end of the data). Throws `.corrupt` for a damaged gzip stream
    /// (bad deflate data or CRC) and `.unreadable` for I/O errors; a gzip stream cut short
    /// returns the bytes it could decompress (the caller reports the truncation it sees).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var filled = 0
        while filled < buffer.count {
            let request = min(buffer.count - filled, Self.chunk)
            let got = gzread(file, base + filled, UInt32(request))
            if got < 0 {
                var code: Int32 = 0
                let message = String(cString: gzerror(file, &code))
                if code == Z_BUF_ERROR { return filled }  // "unexpected end of file": a cut gzip stream
                if code == Z_ERRNO {
                    throw DatasetError(path: path, kind: .unreadable, problem: "read error: \(String(cString: strerror(errno)))",
                                       hint: "check the disk and the file's permissions")
                }
                throw DatasetError(path: path, kind: .corrupt, problem: "damaged gzip data (\(message))", hint: DatasetError.damagedHint)
            }
            if got == 0 { break }
            filled += Int(got)
        }
        return filled
    }

    /// Reads exactly `count` bytes or throws `.truncated`, describing the shortfall with `what`.
    func readExactly(_ count: Int, what: @autoclosure () -> String) throws -> [UInt8] {
        // In steps of at most 16 MiB, so that a header announcing far more than the file holds
        // fails once the data ends instead of allocating what it announces.
        let step = 1 << 24
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(count, step))
        while bytes.count < count {
            let start = bytes.count, want = min(step, count - start)
            bytes.append(contentsOf: repeatElement(0, count: want))
            let got = try bytes.withUnsafeMutableBytes { try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[start..<(start + want)])) }
            if got < want {
                throw DatasetError(path: path, kind: .truncated,
                                   problem: "file is truncated: expected \(what()) (\(count) bytes) but only \(start + got) bytes follow",
                                   hint: DatasetError.damagedHint)
            }
        }
        return bytes
    }

    /// Reads the rest of the file (for formats whose length is not in a header).
    func readToEnd() throws -> [UInt8] {
        var bytes: [UInt8] = []
        var capacity = 1 << 20
        while true {
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: capacity - start))
            let got = try bytes.withUnsafeMutableBytes { try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
            if start + got < capacity {
                bytes.removeLast(capacity - start - got)
                return bytes
            }
            capacity *= 2
        }
    }

    /// Whether the data has ended (reads at most one byte to find out).
    func isAtEnd() throws -> Bool {
        var byte: UInt8 = 0
        return try withUnsafeMutableBytes(of: &byte) { try read(into: $0) } == 0
    }
}

/// Writing gzip files (tests build tiny datasets with it; tools can export data with it).
public enum GzipFile {
    /// Writes `bytes` to `path` gzip-compressed at `level` (1 fastest … 9 smallest).
    public static func write(_ bytes: [UInt8], to path: String, level: Int = 6) throws {
        precondition((1...9).contains(level), "gzip level must be 1...9, got \(level)")
        guard let file = gzopen(path, "wb\(level)") else {
            throw DatasetError(path: path, kind: .unreadable, problem: "cannot create: \(String(cString: strerror(errno)))",
                               hint: "check that the folder exists and is writable")
        }
        var written = 0
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            while written < raw.count {
                let n = min(raw.count - written, 1 << 26)
                let got = gzwrite(file, raw.baseAddress! + written, UInt32(n))
                if got <= 0 { return false }
                written += Int(got)
            }
            return true
        }
        let closed = gzclose(file)
        guard ok, closed == Z_OK else {
            throw DatasetError(path: path, kind: .unreadable, problem: "write failed after \(written) bytes",
                               hint: "check free disk space and permissions")
        }
    }

    /// Reads a whole gzip (or plain) file; errors name the file.
    public static func read(path: String) throws -> [UInt8] {
        try GzipReader(path: path).readToEnd()
    }
}
