import ChapterKit
import Experiments
import Foundation
import Statistics
import WeightSpace

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
    var sharpnessCorrelation: Double? { RankCorrelation.spearman(densityPoints.map(\.fraction), densityPoints.map(\.sharpness)) }
    var accuracyCorrelation: Double? { RankCorrelation.spearman(densityPoints.map(\.fraction), densityPoints.map(\.accuracy)) }

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
