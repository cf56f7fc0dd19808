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

    /// With two FGE members within 1 budget and two seeds, the FGE-vs-one-network claim's difference
    /// is split into the members' shortfall and the ensemble's gain (whose estimates add up to the
    /// claim's), under a "Why not" heading exactly when the claim does not hold.
    @Test func theFGEVersusOneNetworkDifferenceIsSplitAndHeadedWhyNotWhenItFails() throws {
        let runner = ChapterRunner("chapter3")
        let (status, output) = try runner.run(["--seeds", "1,2"])
        #expect(status == 0, "\(output)")
        let report = try #require(runner.report)
        let lines = report.split(separator: "\n").map(String.init)
        let claim = try #require(lines.first { $0.hasPrefix("| at 1 budget FGE's ensemble has lower test error than Ind") })
        let held = claim.hasSuffix("| held |")
        #expect(report.contains("### Why not: what FGE's members give up") == !held, "\(claim)")
        #expect(report.contains("### What FGE's members give up") == held, "\(claim)")
        var estimates: [Double] = []
        for row in ["| the members' shortfall", "| the ensemble's gain", "| the sum: ensemble − Ind"] {
            let line = try #require(lines.first { $0.hasPrefix(row) }, "\(row)")
            #expect(line.contains("n = 2"), "\(line)")
            // The estimate follows "n = 2, " in the statistics cell: a signed number of points.
            let after = try #require(line.components(separatedBy: "n = 2, ").dropFirst().first)
            estimates.append(try #require(Double(after.prefix { "+-−0123456789.".contains($0) }.replacingOccurrences(of: "−", with: "-")), "\(line)"))
        }
        #expect(abs(estimates[0] + estimates[1] - estimates[2]) <= 0.002, "\(estimates)")
    }

    @Test func anFGECycleTooLongForOneBudgetIsAClearError() throws {
        let runner = ChapterRunner("chapter3")
        let (status, output) = try runner.run(["--cycle", "5"])
        #expect(status != 0)
        #expect(output.contains("--cycle"), "\(output)")
        #expect(runner.report == nil)
    }
}
