import ChapterKit
import Experiments
import Reporting
import WeightSpace

/// The data behind chapter 6's figures and tables.
struct KneeData {
    let findings: KneeFindings

    var allRuns: [(experiment: String, run: RunResult)] {
        findings.comparison.flatMap { $0.map { ("comparison", $0) } } + findings.density.flatMap { $0.map { ("density", $0) } }
    }

    func runsTable() -> CSVTable {
        var table = CSVTable(header: ["experiment", "schedule", "explore_fraction", "epochs", "seed", "test_accuracy", "sharpness", "l0", "l1", "l1_step",
                                      "hessian_top_eigenvalue", "hessian_trace", "hessian_trace_standard_error"])
        for (experiment, r) in allRuns {
            let s = r.sharpness
            table.append([experiment, r.name, r.recipe.exploreFraction.map(CSVTable.format) ?? "", "\(r.recipe.epochs)", "\(r.recipe.seed)", CSVTable.format(r.accuracy),
                          s.map { CSVTable.format($0.sharpness) } ?? "", s.map { CSVTable.format($0.l0) } ?? "", s.map { CSVTable.format($0.l1) } ?? "",
                          s.map { "\($0.step)" } ?? "", r.curvature.map { CSVTable.format($0.top.values[0]) } ?? "",
                          r.curvature.map { CSVTable.format($0.trace.estimate) } ?? "", r.curvature.map { CSVTable.format($0.trace.standardError) } ?? ""])
        }
        return table
    }

    func curvesTable() -> CSVTable {
        var table = CSVTable(header: ["experiment", "schedule", "epochs", "seed", "epoch", "learning_rate", "train_loss", "train_error", "test_error"])
        for (experiment, r) in allRuns {
            for h in r.history {
                table.append([experiment, r.name, "\(r.recipe.epochs)", "\(r.recipe.seed)", "\(h.epoch)", CSVTable.format(h.learningRate),
                              CSVTable.format(h.trainLoss), CSVTable.format(h.trainError), h.testError.map(CSVTable.format) ?? ""])
            }
        }
        return table
    }

    struct Summary: Encodable {
        let budget: String, budgetEpochs: Int, shortEpochs: Int, sharpness: SharpnessOptions
        let accuracy: [String: [String: [Double]]]
        let densityFractions: [Double], densitySharpness: [[Double]], densityAccuracy: [[Double]]
        let sharpnessSpearman: Double?, accuracySpearman: Double?
        let verdicts: [[String: String]]
        /// The sharpness measured again (why not): per repeat, and the trends against the noises.
        let noiseSubsets: [Double]?, noiseOrders: [Double]?
        let sharpnessTrend: Double?, sharpnessSeedStd: Double?, sharpnessSubsetStd: Double?, sharpnessOrderStd: Double?
        let accuracyTrend: Double?, accuracySeedStd: Double?
        /// The Hessian measured again (why not): trends of λ_max and the trace against their noises.
        let hessianTopTrend: Double?, hessianTopSeedStd: Double?, hessianTopSubsetStd: Double?, hessianTopDrawStd: Double?
        let hessianTraceTrend: Double?, hessianTraceSeedStd: Double?, hessianTraceSubsetStd: Double?, hessianTraceDrawStd: Double?
        /// Per schedule comparison that is not held: its gap against what the seeds resolve.
        let resolvableGaps: [[String: String]]
    }

    func summary() -> Summary {
        let f = findings, plan = f.plan
        var accuracy: [String: [String: [Double]]] = [:]
        for (s, schedule) in KneePlan.schedules.enumerated() {
            accuracy[schedule.name] = ["\(plan.budgetEpochs)": f.runs(s, budget: 0).map(\.accuracy), "\(plan.shortEpochs)": f.runs(s, budget: 1).map(\.accuracy)]
        }
        let trends = f.trendsAgainstNoise
        return Summary(budget: plan.budget.rawValue, budgetEpochs: plan.budgetEpochs, shortEpochs: plan.shortEpochs, sharpness: plan.sharpness,
                       accuracy: accuracy, densityFractions: plan.fractions,
                       densitySharpness: f.density.map { $0.map { $0.sharpness!.sharpness } }, densityAccuracy: f.density.map { $0.map(\.accuracy) },
                       sharpnessSpearman: f.sharpnessCorrelation, accuracySpearman: f.accuracyCorrelation,
                       verdicts: f.verdicts.map {
                           ["claim": $0.claim, "measured": $0.measured, "outcome": $0.evidence?.outcome.rawValue ?? $0.cell,
                            "test": $0.statistics ?? ""]
                       },
                       noiseSubsets: f.noise?.subsets.map(\.sharpness), noiseOrders: f.noise?.draws.map(\.sharpness),
                       sharpnessTrend: trends?.sharpness.trend, sharpnessSeedStd: trends?.sharpness.seedSpread.std,
                       sharpnessSubsetStd: trends?.sharpness.subsetSpread?.std, sharpnessOrderStd: trends?.sharpness.orderSpread?.std,
                       accuracyTrend: trends?.accuracy.trend, accuracySeedStd: trends?.accuracy.seedSpread.std,
                       hessianTopTrend: trends?.top?.trend, hessianTopSeedStd: trends?.top?.seedSpread.std,
                       hessianTopSubsetStd: trends?.top?.subsetSpread?.std, hessianTopDrawStd: trends?.top?.orderSpread?.std,
                       hessianTraceTrend: trends?.trace?.trend, hessianTraceSeedStd: trends?.trace?.seedSpread.std,
                       hessianTraceSubsetStd: trends?.trace?.subsetSpread?.std, hessianTraceDrawStd: trends?.trace?.orderSpread?.std,
                       resolvableGaps: f.resolvableGaps.map { g in
                           ["claim": g.claim, "outcome": g.outcome.rawValue, "gap": CSVTable.format(g.gap), "sd": CSVTable.format(g.sd), "n": "\(g.n)",
                            "detectable_gap": CSVTable.format(g.detectable), "power": CSVTable.format(KneeFindings.power),
                            "paper_gap": g.paperGap.map(CSVTable.format) ?? "", "seeds_for_paper_gap": g.seedsForPaperGap.map(String.init) ?? "",
                            "seeds_for_this_gap": g.seedsForThisGap.map(String.init) ?? ""]
                       })
    }
}
