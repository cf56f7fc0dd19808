import Foundation
import Testing

/// `chapter1` end to end at the smoke budget on real Fashion-MNIST (a few hundred images).
@Suite(.serialized) struct Chapter1SmokeTests {

    @Test func writesACompleteReportWhoseLinksResolve() throws {
        let runner = ChapterRunner("chapter1")
        let (status, output) = try runner.run()
        #expect(status == 0, "chapter1 failed:\n\(output)")
        let report = try #require(runner.report, "no report.md in \(runner.output)")
        for section in ChapterRunner.sections { #expect(report.contains(section), "report lacks \(section)") }
        let links = runner.links(in: report)
        for file in ["planes.png", "planes.svg", "random-plane.png", "random-plane.svg", "grids.csv", "points.csv", "summary.json"] {
            #expect(links.contains(file), "report does not link \(file)")
        }
        for link in links { #expect(runner.exists(link), "report links \(link), which does not exist") }
        #expect(report.contains("| held? |") && report.contains("| Bezier plane |") && report.contains("| midpoint AB |"))
        // Smoke grid: 4 × 4 on the three GAR planes, 3 × 3 on the random one, plus the header.
        let grids = try String(contentsOfFile: runner.output + "/grids.csv", encoding: .utf8)
        #expect(grids.split(separator: "\n").count == 1 + 3 * 16 + 9)

        // A second run trains and evaluates nothing: networks, curves and points come from the cache.
        let (again, secondOutput) = try runner.run()
        #expect(again == 0)
        #expect(!secondOutput.contains("epoch  1/1"), "second run trained again:\n\(secondOutput)")
        #expect(try String(contentsOfFile: runner.output + "/grids.csv", encoding: .utf8) == grids)

        // The figures and the report come back from run.json alone, byte for byte.
        let problems = try runner.replotReproducesTheRun()
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func tooFewSeedsIsAClearError() throws {
        let runner = ChapterRunner("chapter1")
        let (status, output) = try runner.run(["--seeds", "1,2"])
        #expect(status != 0)
        #expect(output.contains("--seeds needs at least three seeds"), "\(output)")
        #expect(runner.report == nil)
    }
}
