import Foundation
import Testing

/// `chapter2` end to end at the smoke budget on real Fashion-MNIST (a few hundred images).
@Suite(.serialized) struct Chapter2SmokeTests {

    @Test func writesACompleteReportWhoseLinksResolve() throws {
        let runner = ChapterRunner("chapter2")
        let report = try runner.runExpectingCompleteReport(linking: ["curves.png", "curves.svg", "curves.csv", "curvature.png", "curvature.csv"])
        // The table has a row per path and the claims were computed.
        for row in ["| Endpoints |", "| Segment |", "| Bezier |", "| PolyChain |"] { #expect(report.contains(row)) }
        #expect(report.contains("| outcome |") && ChapterRunner.claimSection(report).components(separatedBy: "| n = ").count - 1 == 6, "\(report)")
        // Curvature along the paths: the endpoints and t = 0.5 of the segment and the Bezier curve (one pair at smoke).
        #expect(report.contains("### Curvature along the paths") && report.contains("| Bezier | "), "\(report)")
        #expect(try runner.table("curvature.csv").split(separator: "\n").count == 1 + 2 * 3)
        // Why not: Bezier against PolyChain at the configured (1 epoch at smoke) and at twice the curve budget.
        let whyNot = try #require(ChapterRunner.whyNotSection(report, "the curves' training budget"), "\(report)")
        #expect(whyNot.contains("| 1 | ") && whyNot.contains("| 2 | "), "\(whyNot)")
        // 5 points × 3 paths in the CSV, plus the header.
        #expect(try runner.table("curves.csv").split(separator: "\n").count == 1 + 15)
        try runner.expectSecondRunTrainsNothingAndReplotReproduces("curves.csv")

        // Replotting for a paper: other formats and resolution, from the record alone.
        let pngBefore = try Data(contentsOf: URL(fileURLWithPath: runner.output + "/curves.png"))
        try FileManager.default.removeItem(atPath: runner.output + "/curves.svg")
        let (replotted, replotOutput) = try runner.run(["--replot", "--formats", "png,pdf", "--dpi", "100"], cache: runner.scratch("empty-cache"))
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
