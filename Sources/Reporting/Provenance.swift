import Foundation
import Plotting

/// A dataset file and its SHA-256.
public struct DatasetChecksum: Equatable, Sendable, Codable {
    public var path: String
    public var sha256: String
    public init(path: String, sha256: String) { self.path = path; self.sha256 = sha256 }

    /// Hashes the file at `path`.
    public static func of(file path: String) throws -> DatasetChecksum {
        DatasetChecksum(path: path, sha256: try SHA256.hex(ofFile: path))
    }
}

/// Everything needed to say how a report's numbers were made. The caller fills in what only it
/// knows (BLAS configuration, seeds, datasets, wall time); `Provenance.current` fills the rest.
/// Reporting does not link BLAS: OpenBLAS strings are passed in.
public struct Provenance: Sendable {
    public var git: GitState
    public var swiftVersion: String
    public var cairoVersion: String
    /// `openblas_get_config()`, e.g. "OpenBLAS 0.3.26 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64".
    public var blasConfig: String?
    /// `openblas_get_corename()`, e.g. "Haswell".
    public var blasCore: String?
    public var blasThreads: Int?
    public var datasets: [DatasetChecksum]
    public var seeds: [UInt64]
    public var wallTimeSeconds: Double?
    /// The exact command line, one element per argument.
    public var commandLine: [String]
    /// Further rows (label, value) a chapter wants on record.
    public var extra: [(String, String)]

    public init(git: GitState, swiftVersion: String = Provenance.compilerVersion,
                cairoVersion: String = CairoLibrary.version, blasConfig: String? = nil, blasCore: String? = nil,
                blasThreads: Int? = nil, datasets: [DatasetChecksum] = [], seeds: [UInt64] = [],
                wallTimeSeconds: Double? = nil, commandLine: [String] = CommandLine.arguments,
                extra: [(String, String)] = []) {
        self.git = git; self.swiftVersion = swiftVersion; self.cairoVersion = cairoVersion
        self.blasConfig = blasConfig; self.blasCore = blasCore; self.blasThreads = blasThreads
        self.datasets = datasets; self.seeds = seeds; self.wallTimeSeconds = wallTimeSeconds
        self.commandLine = commandLine; self.extra = extra
    }

    /// Git state of the current directory (changes under the generated `figures/` ignored),
    /// compiler and Cairo versions, and this process's command line; the rest left for the caller.
    public static func current(repository: String = FileManager.default.currentDirectoryPath) -> Provenance {
        Provenance(git: .read(at: repository, ignoring: ["figures"]))
    }

    /// The Swift compiler that built this module and the language mode, checked at compile
    /// time (`#if compiler(>=…)`; `#if swift(>=…)` would report the language mode instead).
    public static var compilerVersion: String {
        #if compiler(>=6.4)
        let compiler = "6.4 or later"
        #elseif compiler(>=6.3)
        let compiler = "6.3"
        #elseif compiler(>=6.2)
        let compiler = "6.2"
        #elseif compiler(>=6.1)
        let compiler = "6.1"
        #elseif compiler(>=6.0)
        let compiler = "6.0"
        #else
        let compiler = "earlier than 6.0"
        #endif
        #if swift(>=6.0)
        let mode = "6"
        #else
        let mode = "5"
        #endif
        return "\(compiler) (language mode \(mode))"
    }

    /// The command line as a shell would need it typed: arguments with spaces or special
    /// characters single-quoted.
    public var shellCommand: String {
        commandLine.map { arg in
            let safe = arg.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
            return safe && !arg.isEmpty ? arg : "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }

    /// Label–value rows in a fixed order; unknown values read "unknown".
    public var rows: [(String, String)] {
        var rows: [(String, String)] = [
            ("git commit", git.described),
            ("Swift", swiftVersion),
            ("Cairo", cairoVersion),
            ("OpenBLAS config", blasConfig ?? "unknown"),
            ("OpenBLAS core", blasCore ?? "unknown"),
            ("BLAS threads", blasThreads.map(String.init) ?? "unknown"),
            ("seeds", seeds.isEmpty ? "none" : seeds.map(String.init).joined(separator: ", ")),
            ("wall time", wallTimeSeconds.map { String(format: "%.1f s", $0) } ?? "unknown"),
            ("command", "`" + shellCommand + "`"),
        ]
        rows += datasets.map { ("dataset \($0.path)", "SHA-256 `\($0.sha256)`") }
        rows += extra
        return rows
    }
}

extension MarkdownDocument {
    /// The provenance as a two-column table.
    public mutating func provenance(_ provenance: Provenance) {
        table(header: ["item", "value"], rows: provenance.rows.map { [$0.0, $0.1] })
    }
}
