import Foundation

/// Runs a chapter executable built beside the test bundle, at the smoke budget, into temporary
/// folders, and reads back what it wrote.
struct ChapterRunner {
    /// The sections every chapter report has, in order.
    static let sections = ["## Claim", "## Setup", "## Results", "## Paper vs here", "## Deviations", "## Reproduce", "## Provenance"]

    let executable: String
    let output: String
    let cache: String

    init(_ name: String) {
        let buildFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        executable = buildFolder.appendingPathComponent(name).path
        let base = NSTemporaryDirectory() + "/\(name)-smoke-\(UUID().uuidString)"
        output = base + "/figures"
        cache = base + "/cache"
    }

    /// Runs the chapter with `--budget smoke` plus `arguments`; returns the exit status and output.
    func run(_ arguments: [String] = []) throws -> (status: Int32, output: String) {
        try execute(["--budget", "smoke", "--output", output, "--cache", cache, "--threads", "2"] + arguments)
    }

    /// Runs the executable with exactly `arguments` (e.g. `train`, which has no budget or output).
    func execute(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LOSS_SURFACES_QUIET"] = "1"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    var report: String? { try? String(contentsOfFile: output + "/report.md", encoding: .utf8) }

    /// Relative link targets `](target)` in the report.
    func links(in report: String) -> [String] {
        var targets: [String] = []
        var rest = Substring(report)
        while let open = rest.range(of: "](") {
            let after = rest[open.upperBound...]
            guard let close = after.firstIndex(of: ")") else { break }
            targets.append(String(after[..<close]))
            rest = after[close...]
        }
        return targets
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: output + "/" + relative) }
}
