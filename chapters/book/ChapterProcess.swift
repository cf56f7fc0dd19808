import ChapterKit
import Experiments
import Foundation
import Plotting

/// A chapter run as its own process: the executable built beside `book` (built with
/// `swift build --product` first when missing), the book's options passed on, its output kept in a log.
struct ChapterProcess {
    let chapter: BookChapter
    let options: ChapterOptions

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent(chapter.executable)
    }

    /// The chapters' own options, as given to the book.
    var arguments: [String] {
        var a = ["--budget", options.budget.rawValue, "--model", options.model.rawValue]
        if let seeds = options.seeds { a += ["--seeds", seeds.map(String.init).joined(separator: ",")] }
        if options.replot { a.append("--replot") }
        a += ["--formats", FigureFormat.allCases.filter(options.figures.formats.contains).map(\.fileExtension).joined(separator: ","), "--dpi", String(options.figures.dpi)]
        a += options.engine.arguments
        return a
    }

    func run(output: String, log: String) throws { try launch(arguments + ["--output", output], log: log) }

    /// The chapter's `--plan` into `folder`.
    func plan(into folder: String, log: String) throws { try launch(arguments + ["--plan", folder], log: log) }

    private func launch(_ arguments: [String], log: String) throws {
        if !FileManager.default.isExecutableFile(atPath: executable.path) { try build() }
        try FileManager.default.createDirectory(atPath: (log as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: log, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: log) else { throw Failure(description: "cannot write the log \(log)") }
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(chapter.executable) exited with status \(process.terminationStatus); its output is in \(log)")
        }
    }

    /// `swift build --product <chapter>` in the package, in the configuration `book` was built in.
    func build() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let configuration = executable.path.contains("/release/") ? "release" : "debug"
        process.arguments = ["swift", "build", "-c", configuration, "--product", chapter.executable, "--package-path", ArtifactCache.packageRoot]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw Failure(description: "could not build \(chapter.executable) (swift build exited with \(process.terminationStatus))")
        }
    }

    /// The day `path` was last committed (`git log -1 --format=%cs`), for reports that predate
    /// the Provenance table's date.
    static func committedDate(of path: String) -> String? {
        let process = Process(), pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", (path as NSString).deletingLastPathComponent, "log", "-1", "--format=%cs", "--", (path as NSString).lastPathComponent]
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        process.waitUntilExit()
        return out.isEmpty ? nil : "committed \(out)"
    }
}
