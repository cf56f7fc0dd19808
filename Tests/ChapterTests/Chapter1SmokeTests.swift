import Foundation
import Testing

/// `chapter1` end to end at the smoke budget on real Fashion-MNIST (a few hundred images).
@Suite(.serialized) struct Chapter1SmokeTests {

    @Test func writesACompleteReportWhoseLinksResolve() throws {
        let runner = ChapterRunner("chapter1")
        let report = try runner.runExpectingCompleteReport(linking: [
            "planes.png", "planes.svg", "random-plane.png", "random-plane.svg", "grids.csv", "points.csv", "summary.json",
        ])
        #expect(report.contains("| outcome |") && report.contains("| Bezier plane |") && report.contains("| midpoint AB |"), "\(report)")
        // Smoke grid: 4 × 4 on the three GAR planes, 3 × 3 on the random one, plus the header.
        #expect(try runner.table("grids.csv").split(separator: "\n").count == 1 + 3 * 16 + 9)
        // Networks, curves and points come from the cache the second time.
        try runner.expectSecondRunTrainsNothingAndReplotReproduces("grids.csv")
    }

    @Test func tooFewSeedsIsAClearError() throws {
        let runner = ChapterRunner("chapter1")
        let (status, output) = try runner.run(["--seeds", "1,2"])
        #expect(status != 0)
        #expect(output.contains("--seeds needs at least three seeds"), "\(output)")
        #expect(runner.report == nil)
    }
}
