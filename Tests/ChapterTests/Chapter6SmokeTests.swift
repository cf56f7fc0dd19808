import Foundation
import Testing

/// `chapter6` end to end at the smoke budget on real Fashion-MNIST (a few hundred images).
@Suite(.serialized) struct Chapter6SmokeTests {

    @Test func writesACompleteReportWhoseLinksResolve() throws {
        let runner = ChapterRunner("chapter6")
        let (status, output) = try runner.run()
        #expect(status == 0, "chapter6 failed:\n\(output)")
        let report = try #require(runner.report, "no report.md in \(runner.output)")
        for section in ChapterRunner.sections { #expect(report.contains(section), "report lacks \(section)") }
        let links = runner.links(in: report)
        for file in ["schedules.png", "schedules.svg", "density.png", "density.svg", "runs.csv", "curves.csv", "summary.json"] {
            #expect(links.contains(file), "report does not link \(file)")
        }
        for link in links { #expect(runner.exists(link), "report links \(link), which does not exist") }
        #expect(report.contains("| Knee (50 %) |") && report.contains("Spearman ρ"))
        // 5 schedules × 2 budgets × 1 seed plus 3 fractions × 2 seeds, plus the header.
        let runs = try String(contentsOfFile: runner.output + "/runs.csv", encoding: .utf8)
        #expect(runs.split(separator: "\n").count == 1 + 10 + 6)

        // A second run trains and measures nothing: every run and sharpness is cached.
        let (again, secondOutput) = try runner.run()
        #expect(again == 0)
        #expect(!secondOutput.contains("epoch  1/"), "second run trained again:\n\(secondOutput)")
        #expect(try String(contentsOfFile: runner.output + "/runs.csv", encoding: .utf8) == runs)

        // The figures and the report come back from run.json alone, byte for byte.
        let problems = try runner.replotReproducesTheRun()
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func oneSeedIsAClearError() throws {
        let runner = ChapterRunner("chapter6")
        let (status, output) = try runner.run(["--seeds", "1"])
        #expect(status != 0)
        #expect(output.contains("--seeds needs at least two seeds"), "\(output)")
    }
}
