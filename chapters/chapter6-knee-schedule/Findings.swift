import ChapterKit
import Experiments
import Foundation
import WeightSpace

/// Spearman's rank correlation with average ranks for ties; nil when either variable is constant.
func spearman(_ x: [Double], _ y: [Double]) -> Double? {
    precondition(x.count == y.count && x.count >= 2, "rank correlation needs two equal-length series of ≥ 2 values")
    func ranks(_ v: [Double]) -> [Double] {
        let order = v.indices.sorted { v[$0] < v[$1] }
        var r = [Double](repeating: 0, count: v.count), i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
            for k in i...j { r[order[k]] = Double(i + j) / 2 + 1 }
            i = j + 1
        }
        return r
    }
    let rx = ranks(x), ry = ranks(y)
    let mx = rx.reduce(0, +) / Double(rx.count), my = ry.reduce(0, +) / Double(ry.count)
    let sxy = zip(rx, ry).reduce(0.0) { $0 + ($1.0 - mx) * ($1.1 - my) }
    let sxx = rx.reduce(0.0) { $0 + ($1 - mx) * ($1 - mx) }, syy = ry.reduce(0.0) { $0 + ($1 - my) * ($1 - my) }
    return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : nil
}

/// The experiment's numbers and the claims decided on them.
struct KneeFindings {
    let plan: KneePlan
    /// `[budget (long, short) × schedule][seed]`, in `KneePlan.schedules` order.
    let comparison: [[RunResult]]
    /// `[fraction][seed]`.
    let density: [[RunResult]]

    var scheduleCount: Int { KneePlan.schedules.count }
    /// Runs of schedule s at budget b (0 long, 1 short).
    func runs(_ s: Int, budget b: Int) -> [RunResult] { comparison[b * scheduleCount + s] }
    func accuracy(_ s: Int, budget b: Int) -> MeanStd { MeanStd(runs(s, budget: b).map(\.accuracy)) }
    var kneeIndex: Int { scheduleCount - 1 }

    /// Every density run's (fraction, sharpness, accuracy).
    var densityPoints: [(fraction: Double, sharpness: Double, accuracy: Double)] {
        zip(plan.fractions, density).flatMap { f, runs in runs.map { (f, $0.sharpness!.sharpness, $0.accuracy) } }
    }
    var sharpnessCorrelation: Double? { spearman(densityPoints.map(\.fraction), densityPoints.map(\.sharpness)) }
    var accuracyCorrelation: Double? { spearman(densityPoints.map(\.fraction), densityPoints.map(\.accuracy)) }

    var verdicts: [Verdict] {
        var out: [Verdict] = []
        for (b, label) in [(0, "\(plan.budgetEpochs) epochs"), (1, "\(plan.shortEpochs) epochs")] {
            let knee = accuracy(kneeIndex, budget: b)
            for s in 0..<kneeIndex {
                let other = accuracy(s, budget: b)
                out.append(Verdict(claim: "at \(label), Knee's test accuracy ≥ \(KneePlan.schedules[s].name)'s",
                                   measured: "Knee \(knee.formatted(2, scale: 100)) % vs \(other.formatted(2, scale: 100)) %",
                                   held: knee.mean >= other.mean,
                                   beyondSpread: Verdict.beyond(knee, other)))
            }
        }
        let n = densityPoints.count
        func rho(_ r: Double?) -> String { r.map { String(format: "Spearman ρ = %+.3f", $0) } ?? "ρ undefined (a constant series)" }
        out.append(Verdict(claim: "sharpness falls as the explore fraction grows", measured: "\(rho(sharpnessCorrelation)) over \(n) runs",
                           held: (sharpnessCorrelation ?? 0) < 0, beyondSpread: nil))
        out.append(Verdict(claim: "test accuracy rises as the explore fraction grows", measured: "\(rho(accuracyCorrelation)) over \(n) runs",
                           held: (accuracyCorrelation ?? 0) > 0, beyondSpread: nil))
        return out
    }
}
