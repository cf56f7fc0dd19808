import ChapterKit
import Experiments
import Foundation
import Statistics
import WeightSpace

/// What the run measured, summarised over seeds, and the claims decided on it.
struct Findings {
    let plan: AveragingPlan
    let seeds: [SeedResult]
    /// Distances probed along every ray.
    let distances: [Double]

    var sgdError: MeanStd { MeanStd(seeds.map(\.sgd.testError)) }
    func swaError(_ budget: Int) -> MeanStd { MeanStd(seeds.map { $0.swa[budget].testError }) }

    /// Width of each ray of each seed: the distance where test error first rises
    /// `AveragingPlan.widthRise` points above the solution's own; rays that never rise that far
    /// count at the largest distance probed (a lower bound), and are counted in `censored`.
    func widths(_ rays: KeyPath<SeedResult, [[PointMetrics]]>) -> (values: [Double], censored: Int) {
        var values: [Double] = [], censored = 0
        for seed in seeds {
            for ray in seed[keyPath: rays] {
                if let w = RandomRays.width(distances: distances, values: ray.map(\.testError), rise: AveragingPlan.widthRise / 100) {
                    values.append(w)
                } else {
                    values.append(distances.last!)
                    censored += 1
                }
            }
        }
        return (values, censored)
    }

    /// Mean and std over every ray of every seed, at each distance.
    func rayProfile(_ rays: KeyPath<SeedResult, [[PointMetrics]]>, _ series: KeyPath<PointMetrics, Double>) -> [MeanStd] {
        distances.indices.map { k in MeanStd(seeds.flatMap { $0[keyPath: rays].map { $0[k][keyPath: series] } }) }
    }

    /// Mean and std over seeds at each λ of the segment.
    func segmentProfile(_ series: KeyPath<PointMetrics, Double>) -> [MeanStd] {
        plan.segment.indices.map { k in MeanStd(seeds.map { $0.segment[k][keyPath: series] }) }
    }

    /// The segment's values at λ = 0 (SWA) and λ = 1 (SGD), per seed.
    func segmentEnds(_ series: KeyPath<PointMetrics, Double>) -> (swa: MeanStd, sgd: MeanStd) {
        let i0 = plan.segment.firstIndex { abs($0) < 1e-9 }!, i1 = plan.segment.firstIndex { abs($0 - 1) < 1e-9 }!
        return (MeanStd(seeds.map { $0.segment[i0][keyPath: series] }), MeanStd(seeds.map { $0.segment[i1][keyPath: series] }))
    }

    func percent(_ m: MeanStd) -> String { m.formatted(2, scale: 100) + " %" }

    /// Every claim decided by a one-sided test. SWA and SGD of one seed share that seed's run, and
    /// both solutions are probed along the same rays, so the tests are paired (over seeds, over
    /// rays); errors enter in percentage points.
    var verdicts: [Verdict] {
        var out: [Verdict] = []
        let sgd = seeds.map { 100 * $0.sgd.testError }
        for (k, factor) in AveragingPlan.budgetFactors.enumerated() {
            let swa = seeds.map { 100 * $0.swa[k].testError }
            out.append(Verdict(claim: "SWA at \(factor.formatted()) B has lower test error than SGD at 1 B (points)",
                               measured: "SWA \(percent(swaError(k))) vs SGD \(percent(sgdError))",
                               evidence: .difference(swa, sgd, paired: true, claim: .less)))
        }
        let sgdWidths = widths(\.sgdRays).values, swaWidths = widths(\.swaRays).values
        let sgdWidth = MeanStd(sgdWidths), swaWidth = MeanStd(swaWidths)
        out.append(Verdict(claim: """
                               SWA's optimum is wider along random rays: test error takes longer to rise \
                               \(AveragingPlan.widthRise.formatted()) points (width, paired by ray)
                               """,
                           measured: "mean width SWA \(swaWidth.formatted(2)) vs SGD \(sgdWidth.formatted(2)) (over \(sgdWidth.count) rays)",
                           evidence: .difference(swaWidths, sgdWidths, paired: true, claim: .greater)))
        let loss = segmentEnds(\.trainLoss), error = segmentEnds(\.testError)
        let i0 = plan.segment.firstIndex { abs($0) < 1e-9 }!, i1 = plan.segment.firstIndex { abs($0 - 1) < 1e-9 }!
        func ends(_ series: KeyPath<PointMetrics, Double>, scale: Double) -> (swa: [Double], sgd: [Double]) {
            (seeds.map { scale * $0.segment[i0][keyPath: series] }, seeds.map { scale * $0.segment[i1][keyPath: series] })
        }
        let lossEnds = ends(\.trainLoss, scale: 1), errorEnds = ends(\.testError, scale: 100)
        out.append(Verdict(claim: "on the segment, SGD's train loss is below SWA's",
                           measured: "SGD \(loss.sgd.formatted(4)) vs SWA \(loss.swa.formatted(4))",
                           evidence: .difference(lossEnds.sgd, lossEnds.swa, paired: true, claim: .less)))
        out.append(Verdict(claim: "while SGD's test error on the segment is higher than SWA's (points)",
                           measured: "SGD \(percent(error.sgd)) vs SWA \(percent(error.swa))",
                           evidence: .difference(errorEnds.sgd, errorEnds.swa, paired: true, claim: .greater)))
        return out
    }
}
