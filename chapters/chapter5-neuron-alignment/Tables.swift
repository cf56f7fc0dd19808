import ChapterKit
import Experiments
import Reporting
import WeightSpace

/// The data behind chapter 5's figures and tables.
struct AlignmentData {
    let findings: AlignmentFindings

    func pointsTable() -> CSVTable {
        var table = CSVTable(header: ["seed_a", "seed_b", "method", "path", "t", "segment_length", "train_loss", "train_error", "test_nll", "test_error"])
        for pair in findings.pairs {
            for paths in pair.paths {
                for path in paths {
                    for (k, m) in path.points.enumerated() {
                        table.append(["\(pair.seeds.0)", "\(pair.seeds.1)", path.method, path.isCurve ? "curve" : "segment"] +
                                     [path.ts[k], path.lengths[k], m.trainLoss, m.trainError, m.testNLL, m.testError].map(CSVTable.format))
                    }
                }
            }
        }
        return table
    }

    func correlationTable() -> CSVTable {
        var table = CSVTable(header: ["seed_a", "seed_b", "group", "method", "mean_matched_correlation"])
        for pair in findings.pairs {
            for (m, method) in findings.methods.enumerated() {
                for (g, value) in pair.matchedCorrelation(m).enumerated() {
                    table.append(["\(pair.seeds.0)", "\(pair.seeds.1)", pair.groups[g], method, CSVTable.format(value)])
                }
            }
        }
        return table
    }

    struct PathSummary: Encodable {
        let seeds: [UInt64], method: String, path: String
        let averageAccuracy: Double, minimumAccuracy: Double, testErrorBarrier: Double, trainLossBarrier: Double
    }

    struct Summary: Encodable {
        let budget: String
        let paths: [PathSummary]
        let matchingObjective: [[Double]]
        let pam: [[ProximalAlignment.Outcome]]
        let verdicts: [[String: String]]
    }

    func summary() -> Summary {
        let paths = findings.pairs.flatMap { pair in
            pair.paths.flatMap { $0 }.map { p in
                PathSummary(seeds: [pair.seeds.0, pair.seeds.1], method: p.method, path: p.isCurve ? "curve" : "segment",
                            averageAccuracy: p.averageAccuracy, minimumAccuracy: p.minimumAccuracy,
                            testErrorBarrier: p.barrier(\.testError), trainLossBarrier: p.barrier(\.trainLoss))
            }
        }
        return Summary(budget: findings.plan.budget.rawValue, paths: paths, matchingObjective: findings.pairs.map(\.matchingObjective),
                       pam: findings.pairs.map(\.pam),
                       verdicts: findings.verdicts.map {
                           ["claim": $0.claim, "measured": $0.measured, "outcome": $0.evidence?.outcome.rawValue ?? $0.untestedOutcome,
                            "test": $0.statistics ?? $0.untestedStatistics]
                       })
    }
}
