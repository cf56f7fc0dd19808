import ChapterKit
import Experiments
import Foundation
import Plotting
import Reporting
import WeightSpace

/// The data behind chapter 3's figures and tables: CSV of members, budgets, the trajectory and
/// diversity; the JSON summary.
extension Chapter3Report {
    /// Every member of every method and replicate with the running ensemble after it.
    func membersTable() -> CSVTable {
        var table = CSVTable(header: ["seed", "method", "member", "label", "budgets_spent", "member_test_error", "member_test_nll",
                                      "ensemble_test_error", "ensemble_test_nll"])
        for r in replicates {
            for m in r.methods {
                for (i, member) in m.evaluation.members.enumerated() {
                    let running = m.evaluation.running[i]
                    table.append(["\(r.seed)", m.method.rawValue, "\(i + 1)", member.label] +
                                 [m.memberBudgets[i], member.error, member.nll, running.error, running.nll].map(CSVTable.format))
                }
            }
        }
        return table
    }

    /// Ensemble error and size at 1, 2, 3 budgets.
    func budgetsTable() -> CSVTable {
        var table = CSVTable(header: ["seed", "method", "budgets", "members", "ensemble_test_error", "ensemble_test_nll"])
        for r in replicates {
            for m in r.methods {
                for k in 0..<plan.budgets {
                    table.append(["\(r.seed)", m.method.rawValue, "\(k + 1)", "\(m.membersAtBudget[k])",
                                  CSVTable.format(m.errorAtBudget[k]), CSVTable.format(m.nllAtBudget[k])])
                }
            }
        }
        return table
    }

    /// The FGE trajectory of the first replicate: every step, with the probes' and ensemble's errors.
    func trajectoryTable() -> CSVTable {
        let t = replicates[0].trajectory
        let probe = Dictionary(uniqueKeysWithValues: t.probes.map { ($0.step, $0.error) })
        let member = Dictionary(uniqueKeysWithValues: t.members.enumerated().map { ($1.step, t.ensembleErrors[$0]) })
        var table = CSVTable(header: ["step", "learning_rate", "distance_from_start", "network_test_error", "is_member", "ensemble_test_error"])
        table.append(["0", "", "0", probe[-1].map(CSVTable.format) ?? "", "0", ""])
        for p in t.steps {
            table.append(["\(p.step + 1)", CSVTable.format(p.learningRate), CSVTable.format(p.distance),
                          probe[p.step].map(CSVTable.format) ?? "", member[p.step] == nil ? "0" : "1",
                          member[p.step].map(CSVTable.format) ?? ""])
        }
        return table
    }

    func diversityTable() -> CSVTable {
        var table = CSVTable(header: ["seed", "method", "members_compared", "mean_disagreement", "mean_l2_distance",
                                      "mean_member_error", "best_member_error", "worst_member_error"])
        for r in replicates {
            for m in r.methods {
                let d = m.diversity
                table.append(["\(r.seed)", m.method.rawValue, "\(d.members)", d.disagreement.map(CSVTable.format) ?? "",
                              d.distance.map(CSVTable.format) ?? ""] +
                             [d.memberError, d.bestMemberError, d.worstMemberError].map(CSVTable.format))
            }
        }
        return table
    }

    struct MethodSummary: Encodable {
        let seed: UInt64
        let method: String
        let membersAtBudget: [Int]
        let errorAtBudget: [Double]
        let nllAtBudget: [Double]
        let diversity: DiversitySummary
        let trainingSeconds: Double
    }

    struct ClaimSummary: Encodable {
        let claim: String, measured: String, outcome: String, test: String
    }

    struct Summary: Encodable {
        let budget: String, model: String, budgetEpochs: Int, budgets: Int, trainImages: Int, testImages: Int
        let batchNormImages: Int, fgeStartEpoch: Int, fgeCycleIterations: Int, lr1: Double, lr2: Double
        let sseCyclesPerBudget: Int, sseLearningRate: Double
        let methods: [MethodSummary]
        let claims: [ClaimSummary]
    }

    func summaryJSON() -> Summary {
        let base = plan.baseRecipe(seed: replicates[0].seed, data: data)
        return Summary(budget: plan.budget.rawValue, model: plan.model.rawValue, budgetEpochs: plan.budgetEpochs, budgets: plan.budgets,
                       trainImages: data.train.count, testImages: data.test.count, batchNormImages: batchNorm,
                       fgeStartEpoch: plan.fgeStartEpoch, fgeCycleIterations: plan.fastGeometricRecipe(base: base).cycleIterations,
                       lr1: plan.lr1, lr2: plan.lr2, sseCyclesPerBudget: plan.snapshotsPerBudget, sseLearningRate: plan.sseLearningRate,
                       methods: replicates.flatMap { r in
                           r.methods.map { MethodSummary(seed: r.seed, method: $0.method.rawValue, membersAtBudget: $0.membersAtBudget,
                                                         errorAtBudget: $0.errorAtBudget, nllAtBudget: $0.nllAtBudget,
                                                         diversity: $0.diversity, trainingSeconds: $0.trainingSeconds) }
                       },
                       claims: claims.map {
                           ClaimSummary(claim: $0.claim, measured: $0.measured, outcome: $0.evidence?.outcome.rawValue ?? $0.cell,
                                        test: $0.statistics ?? "")
                       })
    }
}
