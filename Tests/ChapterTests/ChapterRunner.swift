import Foundation
import TestSupport
import Testing

/// Runs a chapter executable built beside the test bundle, at the smoke budget, into temporary
/// folders, and reads back what it wrote.
struct ChapterRunner {
    /// The sections every chapter report has, in order.
    static let sections = ["## Claim", "## Setup", "## Results", "## Paper vs here", "## Deviations", "## Reproduce", "## Provenance"]

    let executable: BuiltExecutable
    /// Holds the run's output and cache; deleted when the test no longer holds the runner.
    let folder: TemporaryFolder
    var output: String { folder.path + "/figures" }
    var cache: String { folder.path + "/cache" }

    init(_ name: String) {
        executable = BuiltExecutable(name)
        folder = TemporaryFolder("\(name)-smoke")
    }

    /// A further cache folder in the runner's folder (deleted with it), e.g. an empty one for `--replot`.
    func scratch(_ name: String) -> String { folder.path + "/" + name }

    /// Runs the chapter with `--budget smoke` plus `arguments`; returns the exit status and output.
    func run(_ arguments: [String] = [], cache: String? = nil) throws -> (status: Int32, output: String) {
        let pipe = Pipe()
        return BuiltExecutable.finish(try start(arguments, output: pipe, cache: cache), pipe)
    }

    /// Runs the executable with exactly `arguments` (e.g. `train`, which has no budget or output).
    func execute(_ arguments: [String]) throws -> (status: Int32, output: String) { try executable.run(arguments) }

    /// Starts the chapter as `run` does, without waiting; its output goes to `output` (nowhere by default).
    func start(_ arguments: [String] = [], output pipe: Pipe? = nil, cache: String? = nil) throws -> Process {
        try executable.start(["--budget", "smoke", "--output", output, "--cache", cache ?? self.cache, "--threads", "2"] + arguments, output: pipe)
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

    /// Every file the run wrote, by name.
    func writtenFiles() throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: output) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: output + "/" + name))
        }
        return files
    }

    /// `--replot` with an empty cache rewrites every file — report, figures in every format,
    /// CSV/JSON, run record — byte for byte as the run wrote it, and computes nothing.
    func replotReproducesTheRun() throws -> [String] {
        let before = try writtenFiles()
        let empty = scratch("replot-cache")
        for name in before.keys where name != "run.json" { try FileManager.default.removeItem(atPath: output + "/" + name) }
        let (status, out) = try run(["--replot"], cache: empty)
        var problems: [String] = []
        if status != 0 { problems.append("replot failed: \(out)") }
        var after = try writtenFiles()
        // The replotted report names the commit that rebuilt it in one more provenance row; otherwise it is the run's.
        if let replotted = after["report.md"].map({ String(decoding: $0, as: UTF8.self) }) {
            let lines = replotted.components(separatedBy: "\n")
            let row = lines.filter { $0.hasPrefix("| report rebuilt from the run record (`--replot`) at git commit |") }
            if row.count != 1 { problems.append("the replotted report has \(row.count) rebuilt-at rows") }
            after["report.md"] = Data(lines.filter { !row.contains($0) }.joined(separator: "\n").utf8)
        }
        for (name, data) in before where after[name] != data { problems.append("\(name) differs after --replot") }
        if after.count != before.count { problems.append("replot wrote \(after.keys.sorted()), the run \(before.keys.sorted())") }
        let cached = (try? FileManager.default.contentsOfDirectory(atPath: empty)) ?? []
        if !cached.isEmpty { problems.append("replot put \(cached) into the empty cache") }
        if !before.keys.contains("run.json") { problems.append("the run wrote no run.json") }
        return problems
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: output + "/" + relative) }

    /// Runs the chapter and checks what every report must be: the run succeeds, the report has
    /// every section, links each of `files`, every link resolves, and its Reproduce line names
    /// none of this machine's folders or threads. Returns the report.
    func runExpectingCompleteReport(linking files: [String]) throws -> String {
        let (status, out) = try run()
        #expect(status == 0, "\(URL(fileURLWithPath: executable.path).lastPathComponent) failed:\n\(out)")
        let report = try #require(self.report, "no report.md in \(output)")
        for section in Self.sections { #expect(report.contains(section), "report lacks \(section)") }
        let links = links(in: report)
        for file in files { #expect(links.contains(file), "report does not link \(file)") }
        for link in links { #expect(exists(link), "report links \(link), which does not exist") }
        let reproduce = report.components(separatedBy: "## Reproduce").last?.components(separatedBy: "## Provenance").first ?? ""
        for option in ["--cache", "--output", "--threads"] {
            #expect(!reproduce.contains(option), "the Reproduce line names \(option):\n\(reproduce)")
        }
        return report
    }

    /// `file` (a table the run wrote) as text.
    /// The report's Claim section (its verdict table), without the sections after it.
    static func claimSection(_ report: String) -> String { report.components(separatedBy: "## Setup").first ?? report }

    /// The report's why-not section under `heading` (up to the next link list), or nil.
    static func whyNotSection(_ report: String, _ heading: String) -> String? {
        guard let start = report.range(of: "### Why not: " + heading) else { return nil }
        let rest = report[start.lowerBound...]
        return String(rest.components(separatedBy: "Data behind").first ?? String(rest))
    }

    func table(_ file: String) throws -> String { try String(contentsOfFile: output + "/" + file, encoding: .utf8) }

    /// A second run over the same cache trains nothing and writes `file` again unchanged; then
    /// `--replot` rewrites every file byte for byte from the run record alone.
    func expectSecondRunTrainsNothingAndReplotReproduces(_ file: String) throws {
        let first = try table(file)
        let (again, out) = try run()
        #expect(again == 0, "\(out)")
        #expect(!out.contains("epoch  1/"), "second run trained again:\n\(out)")
        #expect(try table(file) == first, "\(file) changed on the second run")
        // Its provenance says so: none of the work was done again.
        let row = report?.components(separatedBy: "\n").first { $0.hasPrefix("| computed in this run |") } ?? ""
        let computed = try NSRegularExpression(pattern: "([0-9]+) of [0-9]+")
            .matches(in: row, range: NSRange(row.startIndex..., in: row)).map { Int(row[Range($0.range(at: 1), in: row)!])! }
        #expect(!computed.isEmpty && computed.allSatisfy { $0 == 0 } && row.contains("the rest from the artifact cache"), "\(row)")
        let problems = try replotReproducesTheRun()
        #expect(problems.isEmpty, "\(problems)")
    }
}
