import Foundation
import Testing

/// `chapter4` end to end at the smoke budget on real Fashion-MNIST (a few hundred images).
@Suite(.serialized) struct Chapter4SmokeTests {

    @Test func writesACompleteReportWhoseLinksResolve() throws {
        let runner = ChapterRunner("chapter4")
        let report = try runner.runExpectingCompleteReport(linking: [
            "rays.png", "rays.svg", "segment.png", "segment.svg", "solutions.csv", "rays.csv", "segment.csv", "sweep.csv", "curvature.csv",
            "hessian-density.png", "hessian-density.csv", "summary.json",
        ])
        #expect(report.contains("| test: n, estimate [95 % interval], p | outcome |") && report.contains("| SGD, 1 B |"))
        // Every claim states its n (one seed at smoke: no test but the rays', paired over 2 rays).
        // Six claims of the paper and two of curvature (the Hessian's top eigenvalue and trace).
        #expect(ChapterRunner.claimSection(report).components(separatedBy: "| n = ").count - 1 == 8, "\(report)")
        #expect(report.contains("### Curvature") && report.contains("the Hessian's top eigenvalue is lower at SWA"), "\(report)")
        // One curvature seed at smoke: its SGD and SWA solutions, and the SWA solutions at the sweep's 2 other rates.
        #expect(try runner.table("curvature.csv").split(separator: "\n").count == 1 + 2 + 2)
        // Why not: every swa_lr of the sweep in both tables, each with its tests.
        let whyNot = try #require(ChapterRunner.whyNotSection(report, "SWA's learning rate"), "\(report)")
        for rate in ["0.01", "0.02", "0.05"] { #expect(whyNot.components(separatedBy: "| \(rate) |").count - 1 == 2, "\(whyNot)") }
        // Per swa_lr on the one smoke seed: its solution, 2 rays × 3 distances and 5 segment points.
        #expect(try runner.table("sweep.csv").split(separator: "\n").count == 1 + 3 * (1 + 6 + 5))
        #expect(report.contains("(paired t) |"), "\(report)")
        // Smoke: 2 rays × 3 distances × 2 solutions, plus the header.
        #expect(try runner.table("rays.csv").split(separator: "\n").count == 1 + 12)
        // The SGD run, the SWA run and every point come from the cache the second time.
        try runner.expectSecondRunTrainsNothingAndReplotReproduces("rays.csv")
    }

    /// With two seeds the sweep measures the Hessian at every swa_lr's solution of both, and tests
    /// the flatness claims at each rate (paired over the 2 seeds).
    @Test func theSweepTestsFlatnessAtEveryRate() throws {
        let runner = ChapterRunner("chapter4")
        let (status, output) = try runner.run(["--seeds", "1,2"])
        #expect(status == 0, "\(output)")
        let report = try #require(runner.report)
        let whyNot = try #require(ChapterRunner.whyNotSection(report, "SWA's learning rate"), "\(report)")
        #expect(whyNot.contains("| swa_lr | λ_max SWA | λ_max SGD | SWA − SGD: λ_max |"), "\(whyNot)")
        // Each rate in the three tables; its flatness row has the two paired tests.
        for rate in ["0.01", "0.02", "0.05"] {
            let rows = whyNot.split(separator: "\n").filter { $0.hasPrefix("| \(rate) |") }
            #expect(rows.count == 3, "\(whyNot)")
            #expect(rows.last.map { $0.components(separatedBy: "n = 2, ").count - 1 == 2 } == true, "\(whyNot)")
        }
        // Both seeds' SGD and SWA solutions, and the sweep's 2 other rates on both seeds.
        #expect(try runner.table("curvature.csv").split(separator: "\n").count == 1 + 2 * 2 + 2 * 2)
    }

    @Test func aNonPositiveSwaRateIsAClearError() throws {
        let runner = ChapterRunner("chapter4")
        let (status, output) = try runner.run(["--swa-lr", "0"])
        #expect(status != 0)
        #expect(output.contains("--swa-lr must be positive"), "\(output)")
        #expect(runner.report == nil)
    }
}
