import Foundation
import Testing

/// `chapter6` end to end at the smoke budget on real Fashion-MNIST (a few hundred images).
@Suite(.serialized) struct Chapter6SmokeTests {

    @Test func writesACompleteReportWhoseLinksResolve() throws {
        let runner = ChapterRunner("chapter6")
        let report = try runner.runExpectingCompleteReport(linking: [
            "schedules.png", "schedules.svg", "density.png", "density.svg", "runs.csv", "curves.csv", "summary.json",
        ])
        #expect(report.contains("| Knee (50 %) |") && report.contains("Spearman ρ") && report.contains("(Spearman, exact) |"), "\(report)")
        // Curvature: the Hessian's trends and its rank correlations with test accuracy, as claims.
        #expect(report.contains("| the Hessian's top eigenvalue falls as the explore fraction grows |")
                && report.contains("| networks with a smaller Hessian trace test better"), "\(report)")
        // Why not: the trends against the seeds' spread and the measurement's own (2 subsets, 2 orders at smoke).
        let whyNot = try #require(ChapterRunner.whyNotSection(report, "the trend against its noise"), "\(report)")
        #expect(whyNot.contains("| Keskar sharpness |") && whyNot.contains("(n = 3)") && whyNot.contains("| test accuracy (points) |"), "\(whyNot)")
        // The Hessian's trends against the curvature seeds' spread and the measurement's own (2 subsets, 2 draws).
        #expect(whyNot.contains("| Hessian λ_max |") && whyNot.contains("| Hessian trace |") && whyNot.contains("λ_max: subsets "), "\(whyNot)")
        // Why not, for the schedule comparisons that are not held: what 2 seeds resolve, as a number per row.
        let gaps = try #require(ChapterRunner.whyNotSection(report, "the schedule gaps against what 2 seeds resolve"), "\(report)")
        let rows = gaps.split(separator: "\n").filter { $0.hasPrefix("| at ") }
        #expect(!rows.isEmpty, "\(gaps)")
        for row in rows {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells.count == 8 && Double(cells[4]).map { $0 > 0 } == true, "\(row)")
        }
        // The ascent's plateau check over the 6 density runs' measurements and the 2 + 2 repeats.
        #expect(report.contains("over this run's 10 measurements, the ascent's second half"), "\(report)")
        // 5 schedules × 2 budgets × 2 seeds plus 3 fractions × 2 seeds, plus the header.
        #expect(try runner.table("runs.csv").split(separator: "\n").count == 1 + 20 + 6)
        // Every run and sharpness comes from the cache the second time.
        try runner.expectSecondRunTrainsNothingAndReplotReproduces("runs.csv")
    }

    @Test func oneSeedIsAClearError() throws {
        let runner = ChapterRunner("chapter6")
        let (status, output) = try runner.run(["--seeds", "1"])
        #expect(status != 0)
        #expect(output.contains("--seeds needs at least two seeds"), "\(output)")
    }
}
