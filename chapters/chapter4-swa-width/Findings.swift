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
    /// The swa_lr sweep (why not): every setting on the sweep's seeds.
    let sweep: [SweepResult]
    /// The Hessian at both solutions of the curvature seeds (empty in records from before it).
    let curvature: [CurvaturePair]

    var sgdError: MeanStd { MeanStd(seeds.map(\.sgd.testError)) }
    func swaError(_ budget: Int) -> MeanStd { MeanStd(seeds.map { $0.swa[budget].testError }) }

    /// Width of each ray of each seed: the distance where test error first rises
    /// `AveragingPlan.widthRise` points above the solution's own; rays that never rise that far
    /// count at the largest distance probed (a lower bound), and are counted in `censored`.
    func widths(_ rays: KeyPath<SeedResult, [[PointMetrics]]>) -> (values: [Double], censored: Int) {
        widths(of: seeds.flatMap { $0[keyPath: rays] })
    }

    func widths(of rays: [[PointMetrics]]) -> (values: [Double], censored: Int) {
        var values: [Double] = [], censored = 0
        for ray in rays {
            if let w = RandomRays.width(distances: distances, values: ray.map(\.testError), rise: AveragingPlan.widthRise / 100) {
                values.append(w)
            } else {
                values.append(distances.last!)
                censored += 1
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

    /// Per segment (one per seed), its values at λ = 0 (SWA) and λ = 1 (SGD), × `scale`.
    func ends(_ segments: [[PointMetrics]], _ series: KeyPath<PointMetrics, Double>, scale: Double) -> (swa: [Double], sgd: [Double]) {
        let i0 = plan.segment.firstIndex { abs($0) < 1e-9 }!, i1 = plan.segment.firstIndex { abs($0 - 1) < 1e-9 }!
        return (segments.map { scale * $0[i0][keyPath: series] }, segments.map { scale * $0[i1][keyPath: series] })
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
        let lossEnds = ends(seeds.map(\.segment), \.trainLoss, scale: 1), errorEnds = ends(seeds.map(\.segment), \.testError, scale: 100)
        out.append(Verdict(claim: "on the segment, SGD's train loss is below SWA's",
                           measured: "SGD \(loss.sgd.formatted(4)) vs SWA \(loss.swa.formatted(4))",
                           evidence: .difference(lossEnds.sgd, lossEnds.swa, paired: true, claim: .less)))
        out.append(Verdict(claim: "while SGD's test error on the segment is higher than SWA's (points)",
                           measured: "SGD \(percent(error.sgd)) vs SWA \(percent(error.swa))",
                           evidence: .difference(errorEnds.sgd, errorEnds.swa, paired: true, claim: .greater)))
        if !curvature.isEmpty {
            let sgdTop = curvature.map { $0.sgd.top.values[0] }, swaTop = curvature.map { $0.swa.top.values[0] }
            let sgdTrace = curvature.map(\.sgd.trace.estimate), swaTrace = curvature.map(\.swa.trace.estimate)
            out.append(Verdict(claim: "SWA's optimum is flatter: the Hessian's top eigenvalue is lower at SWA than at SGD",
                               measured: "λ_max SWA \(MeanStd(swaTop).formatted(3)) vs SGD \(MeanStd(sgdTop).formatted(3))",
                               evidence: .difference(swaTop, sgdTop, paired: true, claim: .less)))
            out.append(Verdict(claim: "SWA's optimum is flatter: the Hessian's trace is lower at SWA than at SGD",
                               measured: "trace SWA \(MeanStd(swaTrace).formatted(1)) vs SGD \(MeanStd(sgdTrace).formatted(1))",
                               evidence: .difference(swaTrace, sgdTrace, paired: true, claim: .less)))
        }
        return out
    }
}

/// One swa_lr setting of the sweep, tested as the primary claims are (paired over the sweep's
/// seeds; widths paired over their rays), against the same SGD solutions.
struct SweepSetting {
    let swaLR: Double
    let seeds: Int
    let swaError: MeanStd, sgdError: MeanStd
    let errorTest: Evidence
    let swaWidth: MeanStd, sgdWidth: MeanStd
    let widthTest: Evidence
    let lossTest: Evidence
    let segmentErrorTest: Evidence
    /// The Hessian at the setting's solution against SGD's, on the curvature seeds it was measured
    /// on: top eigenvalue and trace (SWA − SGD, the paper's direction "lower"); nil without them.
    let curvature: SweepCurvature?
}

/// The flatness claims at one swa_lr of the sweep.
struct SweepCurvature {
    let seeds: Int
    let swaTop: MeanStd, sgdTop: MeanStd, topTest: Evidence
    let swaTrace: MeanStd, sgdTrace: MeanStd, traceTest: Evidence
}

extension Findings {
    /// Every swa_lr of the sweep, in increasing order.
    var sweepSettings: [SweepSetting] {
        let rates = Array(Set(sweep.map(\.swaLR))).sorted()
        return rates.map { rate in
            let runs = sweep.filter { $0.swaLR == rate }
            let base = runs.map { run in seeds.first { $0.seed == run.seed }! }
            let swa = runs.map { 100 * $0.swa.testError }, sgd = base.map { 100 * $0.sgd.testError }
            let rays = runs.first?.rays.count ?? 0
            let swaWidths = widths(of: runs.flatMap(\.rays)).values
            let sgdWidths = widths(of: base.flatMap { Array($0.sgdRays.prefix(rays)) }).values
            let loss = ends(runs.map(\.segment), \.trainLoss, scale: 1), error = ends(runs.map(\.segment), \.testError, scale: 100)
            // The Hessian pairs: each measured setting's solution with its seed's SGD solution.
            let pairs = runs.compactMap { run in run.curvature.flatMap { swa in curvature.first { $0.seed == run.seed }.map { (swa, $0.sgd) } } }
            let flatness = pairs.count < 2 ? nil : SweepCurvature(
                seeds: pairs.count, swaTop: MeanStd(pairs.map { $0.0.top.values[0] }), sgdTop: MeanStd(pairs.map { $0.1.top.values[0] }),
                topTest: .difference(pairs.map { $0.0.top.values[0] }, pairs.map { $0.1.top.values[0] }, paired: true, claim: .less),
                swaTrace: MeanStd(pairs.map(\.0.trace.estimate)), sgdTrace: MeanStd(pairs.map(\.1.trace.estimate)),
                traceTest: .difference(pairs.map(\.0.trace.estimate), pairs.map(\.1.trace.estimate), paired: true, claim: .less))
            return SweepSetting(swaLR: rate, seeds: runs.count, swaError: MeanStd(swa), sgdError: MeanStd(sgd),
                                errorTest: .difference(swa, sgd, paired: true, claim: .less),
                                swaWidth: MeanStd(swaWidths), sgdWidth: MeanStd(sgdWidths),
                                widthTest: .difference(swaWidths, sgdWidths, paired: true, claim: .greater),
                                lossTest: .difference(loss.sgd, loss.swa, paired: true, claim: .less),
                                segmentErrorTest: .difference(error.sgd, error.swa, paired: true, claim: .greater), curvature: flatness)
        }
    }
}
