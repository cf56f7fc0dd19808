import Foundation
import Testing

/// `chapter3` end to end at the smoke budget on real Fashion-MNIST (a few hundred images).
@Suite(.serialized) struct Chapter3SmokeTests {

    @Test func writesACompleteReportWhoseLinksResolve() throws {
        let runner = ChapterRunner("chapter3")
        let (status, output) = try runner.run()
        #expect(status == 0, "chapter3 failed:\n\(output)")
        let report = try #require(runner.report, "no report.md in \(runner.output)")
        for section in ChapterRunner.sections { #expect(report.contains(section), "report lacks \(section)") }
        let links = runner.links(in: report)
        for file in ["fge-trajectory.png", "fge-trajectory.svg", "ensembles.png", "ensembles.svg", "members.csv", "budgets.csv",
                     "diversity.csv", "trajectory.csv", "summary.json"] {
            #expect(links.contains(file), "report does not link \(file)")
        }
        for link in links { #expect(runner.exists(link), "report links \(link), which does not exist") }
        // One row per method in the error and diversity tables, and computed verdicts.
        for row in ["| Ind |", "| SSE |", "| FGE |"] { #expect(report.components(separatedBy: row).count - 1 >= 3, "\(row) rows") }
        #expect(report.contains("| held? |"))
        #expect(report.contains("Smoke budget"))
        // 1 seed × 3 methods × 3 budgets, plus the header.
        let budgets = try String(contentsOfFile: runner.output + "/budgets.csv", encoding: .utf8)
        #expect(budgets.split(separator: "\n").count == 1 + 9)

        // A second run retrains nothing: the cache answers (and the report comes out the same).
        let (again, secondOutput) = try runner.run()
        #expect(again == 0)
        #expect(!secondOutput.contains("epoch  1/"), "second run trained again:\n\(secondOutput)")
        let budgetsAgain = try String(contentsOfFile: runner.output + "/budgets.csv", encoding: .utf8)
        #expect(budgetsAgain == budgets)

        // The figures and the report come back from run.json alone, byte for byte.
        let problems = try runner.replotReproducesTheRun()
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func anFGECycleTooLongForOneBudgetIsAClearError() throws {
        let runner = ChapterRunner("chapter3")
        let (status, output) = try runner.run(["--cycle", "5"])
        #expect(status != 0)
        #expect(output.contains("--cycle"), "\(output)")
        #expect(runner.report == nil)
    }
}
