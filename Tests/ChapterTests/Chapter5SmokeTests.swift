import Foundation
import Testing

/// `chapter5` end to end at the smoke budget on real Fashion-MNIST (a few hundred images).
@Suite(.serialized) struct Chapter5SmokeTests {

    @Test func writesACompleteReportWhoseLinksResolve() throws {
        let runner = ChapterRunner("chapter5")
        let report = try runner.runExpectingCompleteReport(linking: [
            "paths.png", "paths.svg", "correlation.png", "correlation-matrix.png", "paths.csv", "correlation.csv", "summary.json",
        ])
        for row in ["| outcome |", "| weight matching |", "| correlation |", "| PAM from unaligned |", "| PAM from correlation |"] {
            #expect(report.contains(row), "report lacks \(row)")
        }
        // Why not: PAM from unaligned at the configured (1 epoch at smoke) and a 3× longer permutation step.
        let whyNot = try #require(ChapterRunner.whyNotSection(report, "PAM's permutation step at a longer budget"), "\(report)")
        #expect(whyNot.contains("| 1 epoch(s) (configured) |") && whyNot.contains("| 3 epochs |"), "\(whyNot)")
        // Why not, for weight matching: its alignment against correlation's, from the run's own permutations (one pair: untested).
        let matching = try #require(ChapterRunner.whyNotSection(report, "weight matching's alignment against correlation's"), "\(report)")
        #expect(matching.contains("| mean matched correlation (over groups) |") && matching.contains("| curve minimum accuracy (%) |")
                && matching.contains("no test with n = 1"), "\(matching)")
        // 5 methods × (curve + segment) × 3 points, plus the header.
        #expect(try runner.table("paths.csv").split(separator: "\n").count == 1 + 30)
        // Endpoints, aligned curves and points come from the cache the second time.
        try runner.expectSecondRunTrainsNothingAndReplotReproduces("paths.csv")
    }
}
