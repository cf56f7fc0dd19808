import Foundation
import Testing

/// `chapter4` end to end at the smoke budget on real Fashion-MNIST (a few hundred images).
@Suite(.serialized) struct Chapter4SmokeTests {

    @Test func writesACompleteReportWhoseLinksResolve() throws {
        let runner = ChapterRunner("chapter4")
        let (status, output) = try runner.run()
        #expect(status == 0, "chapter4 failed:\n\(output)")
        let report = try #require(runner.report, "no report.md in \(runner.output)")
        for section in ChapterRunner.sections { #expect(report.contains(section), "report lacks \(section)") }
        let links = runner.links(in: report)
        for file in ["rays.png", "rays.svg", "segment.png", "segment.svg", "solutions.csv", "rays.csv", "segment.csv", "summary.json"] {
            #expect(links.contains(file), "report does not link \(file)")
        }
        for link in links { #expect(runner.exists(link), "report links \(link), which does not exist") }
        #expect(report.contains("| held? |") && report.contains("| SGD, 1 B |"))
        // Smoke: 2 rays × 3 distances × 2 solutions, plus the header.
        let rays = try String(contentsOfFile: runner.output + "/rays.csv", encoding: .utf8)
        #expect(rays.split(separator: "\n").count == 1 + 12)

        // A second run trains nothing: the SGD run, the SWA run and every point come from the cache.
        let (again, secondOutput) = try runner.run()
        #expect(again == 0)
        #expect(!secondOutput.contains("epoch  1/"), "second run trained again:\n\(secondOutput)")
        #expect(try String(contentsOfFile: runner.output + "/rays.csv", encoding: .utf8) == rays)

        // The figures and the report come back from run.json alone, byte for byte.
        let problems = try runner.replotReproducesTheRun()
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func aNonPositiveSwaRateIsAClearError() throws {
        let runner = ChapterRunner("chapter4")
        let (status, output) = try runner.run(["--swa-lr", "0"])
        #expect(status != 0)
        #expect(output.contains("--swa-lr must be positive"), "\(output)")
        #expect(runner.report == nil)
    }
}
