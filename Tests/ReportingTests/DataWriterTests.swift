import Foundation
import Testing
@testable import Reporting

@Suite("CSV and JSON")
struct DataWriterTests {
    @Test("CSV fields with commas, quotes or line breaks are quoted (RFC 4180)")
    func csvQuoting() {
        var table = CSVTable(header: ["name", "value"])
        table.append(["plain", "1"])
        table.append(["a,b", "say \"hi\""])
        table.append(["two\nlines", ""])
        #expect(table.render() == "name,value\nplain,1\n\"a,b\",\"say \"\"hi\"\"\"\n\"two\nlines\",\n")
    }

    @Test("numeric columns round-trip through their text")
    func csvNumbers() {
        let table = CSVTable(columns: [("t", [0, 0.1]), ("loss", [1e-5, .nan])])
        #expect(table.render() == "t,loss\n0.0,1e-05\n0.1,nan\n")
    }

    @Test("JSON keys are sorted at every level")
    func jsonSorted() throws {
        struct Record: Encodable { let zeta = 1; let alpha = ["b": 2, "a": 1]; let mid = "x/y" }
        let text = String(decoding: try JSONOutput.encode(Record()), as: UTF8.self)
        #expect(text == "{\n  \"alpha\" : {\n    \"a\" : 1,\n    \"b\" : 2\n  },\n  \"mid\" : \"x/y\",\n  \"zeta\" : 1\n}\n")
        let object = String(decoding: try JSONOutput.serialize(["b": 1, "a": [3, 2]]), as: UTF8.self)
        #expect(object.range(of: "\"a\"")!.lowerBound < object.range(of: "\"b\"")!.lowerBound)
    }
}

@Suite("Output folder")
struct OutputFolderTests {
    static func temporaryFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)").path
    }

    @Test("writes files, records them, and writes a report linking only what it wrote")
    func writesAndLinks() throws {
        let path = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let folder = try OutputFolder(path: path)
        let csv = try folder.write(CSVTable(columns: [("x", [1, 2])]), name: "data")
        let json = try folder.write(json: ["k": 1], name: "summary")
        var doc = MarkdownDocument()
        doc.fileLink("data", to: csv)
        doc.fileLink("summary", to: json)
        try folder.writeReport(doc)
        #expect(folder.written == ["data.csv", "summary.json", "report.md"])
        #expect(try String(contentsOfFile: path + "/report.md", encoding: .utf8) == "[data](data.csv)\n\n[summary](summary.json)\n")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "no temporary files left behind")
    }

    @Test("a link to a file it did not write is refused")
    func refusesDangling() throws {
        let path = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let folder = try OutputFolder(path: path)
        try Data("old".utf8).write(to: URL(fileURLWithPath: path + "/stale.png"))
        var doc = MarkdownDocument()
        doc.figure("stale.png", caption: "from an earlier run")
        doc.figure("missing.png", caption: "never drawn")
        #expect(folder.danglingLinks(in: doc) == ["stale.png", "missing.png"])
        #expect(throws: OutputFolder.DanglingLinks.self) { try folder.writeReport(doc) }
        #expect(!FileManager.default.fileExists(atPath: path + "/report.md"))
        try folder.adopt("stale.png")
        #expect(folder.danglingLinks(in: doc) == ["missing.png"])
        #expect(throws: OutputFolder.DanglingLinks.self) { try folder.adopt("missing.png") }
    }
}

@Suite("Provenance")
struct ProvenanceTests {
    @Test("rows list every item, quote the command line, and flag a dirty tree")
    func rows() {
        let p = Provenance(git: GitState(commit: "0123abc", dirty: true), swiftVersion: "6.3", cairoVersion: "1.16.0",
                           blasConfig: "OpenBLAS 0.3.26", blasCore: "Haswell", blasThreads: 2,
                           datasets: [DatasetChecksum(path: "data/train.bin", sha256: "ff")], seeds: [7],
                           wallTimeSeconds: 12.34, commandLine: ["chapter1", "--note", "two words", "it's"])
        let rows = Dictionary(uniqueKeysWithValues: p.rows)
        #expect(rows["git commit"] == "0123abc (uncommitted changes)")
        #expect(rows["BLAS threads"] == "2")
        #expect(rows["wall time"] == "12.3 s")
        #expect(rows["dataset data/train.bin"] == "SHA-256 `ff`")
        #expect(p.shellCommand == "chapter1 --note 'two words' 'it'\\''s'")
    }

    @Test("git state is read in a repository and tolerated outside one")
    func git() throws {
        let outside = OutputFolderTests.temporaryFolder()
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        #expect(GitState.read(at: outside) == GitState(commit: nil, dirty: nil))
        let here = GitState.read(at: URL(fileURLWithPath: #filePath).deletingLastPathComponent().path)
        if let commit = here.commit { #expect(commit.count == 40 && here.dirty != nil) }
    }

    @Test("changes under an ignored folder (the run's own outputs) do not make the tree dirty")
    func gitIgnoringOutputs() throws {
        let repo = OutputFolderTests.temporaryFolder()
        try FileManager.default.createDirectory(atPath: repo + "/figures", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: repo) }
        func git(_ arguments: String...) { _ = GitState.run(["-c", "user.name=t", "-c", "user.email=t@t"] + arguments, in: repo) }
        git("init", "-q")
        try "a".write(toFile: repo + "/code.swift", atomically: true, encoding: .utf8)
        try "r".write(toFile: repo + "/figures/report.md", atomically: true, encoding: .utf8)
        git("add", "-A")
        git("commit", "-q", "-m", "start")
        guard GitState.read(at: repo).commit != nil else { return }  // no git on this machine
        try "r2".write(toFile: repo + "/figures/report.md", atomically: true, encoding: .utf8)
        #expect(GitState.read(at: repo).dirty == true)
        #expect(GitState.read(at: repo, ignoring: ["figures"]).dirty == false)
        try "b".write(toFile: repo + "/code.swift", atomically: true, encoding: .utf8)
        #expect(GitState.read(at: repo, ignoring: ["figures"]).dirty == true)
    }

    @Test("the compiler version is known at compile time")
    func compiler() {
        #expect(Provenance.compilerVersion.contains("language mode"))
    }
}
