import Foundation
import Testing

/// `chapter3` end to end at the smoke budget on real Fashion-MNIST (a few hundred images).
@Suite(.serialized) struct Chapter3SmokeTests {

    @Test func writesACompleteReportWhoseLinksResolve() throws {
        let runner = ChapterRunner("chapter3")
        let report = try runner.runExpectingCompleteReport(linking: [
            "fge-trajectory.png", "fge-trajectory.svg", "ensembles.png", "ensembles.svg", "members.csv", "budgets.csv",
            "diversity.csv", "trajectory.csv", "summary.json",
        ])
        // One row per method in the error and diversity tables, and computed verdicts.
        for row in ["| Ind |", "| SSE |", "| FGE |"] { #expect(report.components(separatedBy: row).count - 1 >= 3, "\(row) rows") }
        #expect(report.contains("| outcome |"), "\(report)")
        #expect(report.contains("Smoke budget"))
        // 1 seed × 3 methods × 3 budgets, plus the header.
        #expect(try runner.table("budgets.csv").split(separator: "\n").count == 1 + 9)
        try runner.expectSecondRunTrainsNothingAndReplotReproduces("budgets.csv")
    }

    @Test func anFGECycleTooLongForOneBudgetIsAClearError() throws {
        let runner = ChapterRunner("chapter3")
        let (status, output) = try runner.run(["--cycle", "5"])
        #expect(status != 0)
        #expect(output.contains("--cycle"), "\(output)")
        #expect(runner.report == nil)
    }
}
