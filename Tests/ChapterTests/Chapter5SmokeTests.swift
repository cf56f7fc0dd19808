import Foundation
import Testing

/// `chapter5` end to end at the smoke budget on real Fashion-MNIST (a few hundred images).
@Suite(.serialized) struct Chapter5SmokeTests {

    @Test func writesACompleteReportWhoseLinksResolve() throws {
        let runner = ChapterRunner("chapter5")
        let (status, output) = try runner.run()
        #expect(status == 0, "chapter5 failed:\n\(output)")
        let report = try #require(runner.report, "no report.md in \(runner.output)")
        for section in ChapterRunner.sections { #expect(report.contains(section), "report lacks \(section)") }
        let links = runner.links(in: report)
        for file in ["paths.png", "paths.svg", "correlation.png", "correlation-matrix.png", "paths.csv", "correlation.csv", "summary.json"] {
            #expect(links.contains(file), "report does not link \(file)")
        }
        for link in links { #expect(runner.exists(link), "report links \(link), which does not exist") }
        for row in ["| held? |", "| weight matching |", "| correlation |", "| PAM from unaligned |", "| PAM from correlation |"] {
            #expect(report.contains(row), "report lacks \(row)")
        }
        // 5 methods × (curve + segment) × 3 points, plus the header.
        let paths = try String(contentsOfFile: runner.output + "/paths.csv", encoding: .utf8)
        #expect(paths.split(separator: "\n").count == 1 + 30)

        // A second run trains nothing: endpoints, aligned curves and points come from the cache.
        let (again, secondOutput) = try runner.run()
        #expect(again == 0)
        #expect(!secondOutput.contains("epoch  1/1"), "second run trained again:\n\(secondOutput)")
        #expect(try String(contentsOfFile: runner.output + "/paths.csv", encoding: .utf8) == paths)

        // The figures and the report come back from run.json alone, byte for byte.
        let problems = try runner.replotReproducesTheRun()
        #expect(problems.isEmpty, "\(problems)")
    }
}
