import Foundation
import Testing

/// `chapter2` end to end at the smoke budget on real Fashion-MNIST (a few hundred images).
@Suite(.serialized) struct Chapter2SmokeTests {

    @Test func writesACompleteReportWhoseLinksResolve() throws {
        let runner = ChapterRunner("chapter2")
        let (status, output) = try runner.run()
        #expect(status == 0, "chapter2 failed:\n\(output)")
        let report = try #require(runner.report, "no report.md in \(runner.output)")
        for section in ChapterRunner.sections { #expect(report.contains(section), "report lacks \(section)") }
        let links = runner.links(in: report)
        #expect(links.contains("curves.png") && links.contains("curves.svg") && links.contains("curves.csv"))
        for link in links { #expect(runner.exists(link), "report links \(link), which does not exist") }
        // The table has a row per path and the claims were computed.
        for row in ["| Endpoints |", "| Segment |", "| Bezier |", "| PolyChain |"] { #expect(report.contains(row)) }
        #expect(report.contains("| held? |"))
        // 5 points × 3 paths in the CSV, plus the header.
        let csv = try String(contentsOfFile: runner.output + "/curves.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + 15)

        // A second run retrains nothing: the cache answers.
        let (again, secondOutput) = try runner.run()
        #expect(again == 0)
        #expect(!secondOutput.contains("epoch  1/1"), "second run trained again:\n\(secondOutput)")

        // The figures and the report come back from run.json alone, byte for byte.
        let problems = try runner.replotReproducesTheRun()
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func aMissingDatasetIsAClearErrorNamingTheFile() throws {
        let runner = ChapterRunner("chapter2")
        let (status, output) = try runner.run(["--data-path", "/nonexistent/fashion"])
        #expect(status != 0)
        #expect(output.contains("/nonexistent/fashion") && output.contains("apt-get install dataset-fashion-mnist"), "\(output)")
        #expect(runner.report == nil)
    }
}
