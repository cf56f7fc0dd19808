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

        // Replotting for a paper: other formats and resolution, from the record alone.
        let pngBefore = try Data(contentsOf: URL(fileURLWithPath: runner.output + "/curves.png"))
        try FileManager.default.removeItem(atPath: runner.output + "/curves.svg")
        let (replotted, replotOutput) = try runner.run(["--replot", "--formats", "png,pdf", "--dpi", "100"], cache: NSTemporaryDirectory() + "/empty-\(UUID().uuidString)")
        #expect(replotted == 0, "\(replotOutput)")
        let png = try Data(contentsOf: URL(fileURLWithPath: runner.output + "/curves.png"))
        func width(_ png: Data) -> Int { png[16..<20].reduce(0) { $0 << 8 | Int($1) } }
        #expect(abs(2 * width(png) - width(pngBefore)) <= 2, "PNG at 100 dpi is \(width(png)) px wide, at 200 dpi \(width(pngBefore))")
        #expect(runner.exists("curves.pdf") && !runner.exists("curves.svg"))
        let replottedReport = try #require(runner.report)
        #expect(runner.links(in: replottedReport).contains("curves.pdf") && !runner.links(in: replottedReport).contains("curves.svg"))
        let (badFormat, badOutput) = try runner.run(["--replot", "--formats", "svg"])
        #expect(badFormat != 0 && badOutput.contains("--formats must include png"), "\(badOutput)")
    }

    @Test func aMissingDatasetIsAClearErrorNamingTheFile() throws {
        let runner = ChapterRunner("chapter2")
        let (status, output) = try runner.run(["--data-path", "/nonexistent/fashion"])
        #expect(status != 0)
        #expect(output.contains("/nonexistent/fashion") && output.contains("apt-get install dataset-fashion-mnist"), "\(output)")
        #expect(runner.report == nil)
    }
}
