import ChapterKit
import Experiments
import Reporting
import WeightSpace

/// The data behind chapter 4's figures and tables.
struct AveragingData {
    let findings: Findings

    static let metricColumns = ["train_loss", "train_nll", "train_error", "test_loss", "test_nll", "test_error"]
    static func cells(_ m: PointMetrics) -> [String] {
        [m.trainLoss, m.trainNLL, m.trainError, m.testLoss, m.testNLL, m.testError].map(CSVTable.format)
    }

    func solutionsTable() -> CSVTable {
        var table = CSVTable(header: ["seed", "solution", "epochs", "averaged"] + Self.metricColumns)
        for s in findings.seeds {
            table.append(["\(s.seed)", "sgd", "\(findings.plan.budgetEpochs)", "1"] + Self.cells(s.sgd))
            for (k, m) in s.swa.enumerated() {
                table.append(["\(s.seed)", "swa", "\(findings.plan.budgetTotals[k])", "\(s.members[k])"] + Self.cells(m))
            }
        }
        return table
    }

    func raysTable() -> CSVTable {
        var table = CSVTable(header: ["seed", "solution", "ray", "distance"] + Self.metricColumns)
        for s in findings.seeds {
            for (name, rays) in [("sgd", s.sgdRays), ("swa", s.swaRays)] {
                for (r, ray) in rays.enumerated() {
                    for (k, m) in ray.enumerated() { table.append(["\(s.seed)", name, "\(r)", CSVTable.format(findings.distances[k])] + Self.cells(m)) }
                }
            }
        }
        return table
    }

    func segmentTable() -> CSVTable {
        var table = CSVTable(header: ["seed", "lambda"] + Self.metricColumns)
        for s in findings.seeds {
            for (k, m) in s.segment.enumerated() { table.append(["\(s.seed)", CSVTable.format(findings.plan.segment[k])] + Self.cells(m)) }
        }
        return table
    }

    /// Every point of the swa_lr sweep: each setting's solution, ray points and segment points.
    func sweepTable() -> CSVTable {
        var table = CSVTable(header: ["swa_lr", "seed", "probe", "ray", "distance_or_lambda"] + Self.metricColumns)
        for r in findings.sweep {
            let lr = CSVTable.format(r.swaLR)
            table.append([lr, "\(r.seed)", "solution", "", ""] + Self.cells(r.swa))
            for (k, ray) in r.rays.enumerated() {
                for (d, m) in ray.enumerated() { table.append([lr, "\(r.seed)", "ray", "\(k)", CSVTable.format(findings.distances[d])] + Self.cells(m)) }
            }
            for (k, m) in r.segment.enumerated() {
                table.append([lr, "\(r.seed)", "segment", "", CSVTable.format(findings.plan.segment[k])] + Self.cells(m))
            }
        }
        return table
    }

    /// Per curvature seed and solution: the top eigenvalues, the trace and the work spent.
    /// Per curvature seed and solution (SWA's at the default swa_lr, then at the sweep's other
    /// rates): the top eigenvalues, the trace and the work spent.
    func curvatureTable() -> CSVTable {
        var table = CSVTable(header: ["seed", "solution", "swa_lr", "top_eigenvalues", "lanczos_products", "lanczos_change", "converged",
                                      "trace", "trace_standard_error", "probes", "products"])
        func append(_ seed: UInt64, _ name: String, _ rate: Double?, _ r: CurvatureResult) {
            table.append(["\(seed)", name, rate.map(CSVTable.format) ?? "", r.top.values.map(CSVTable.format).joined(separator: " "), "\(r.top.steps)",
                          CSVTable.format(r.top.change), "\(r.top.converged)", CSVTable.format(r.trace.estimate),
                          CSVTable.format(r.trace.standardError), "\(r.trace.samples.count)", "\(r.products)"])
        }
        let plan = findings.plan
        for pair in findings.curvature {
            append(pair.seed, "sgd", nil, pair.sgd)
            append(pair.seed, "swa", plan.swaLR, pair.swa)
        }
        for r in findings.sweep where r.swaLR != plan.swaLR {
            if let c = r.curvature { append(r.seed, "swa", r.swaLR, c) }
        }
        return table
    }

    /// Every density: seed, solution, eigenvalue, density.
    func densityTable() -> CSVTable {
        var table = CSVTable(header: ["seed", "solution", "eigenvalue", "density"])
        for pair in findings.curvature {
            for (name, r) in [("sgd", pair.sgd), ("swa", pair.swa)] {
                for (x, y) in zip(r.density?.grid ?? [], r.density?.density ?? []) { table.append(["\(pair.seed)", name, CSVTable.format(x), CSVTable.format(y)]) }
            }
        }
        return table
    }

    struct Summary: Encodable {
        let budget: String, budgetEpochs: Int, swaStartEpoch: Int, budgetTotals: [Int], swaLR: Double
        let sgdTestError: [Double], swaTestError: [[Double]]
        let widthRisePoints: Double, sgdWidths: [Double], swaWidths: [Double], distances: [Double]
        let separation: [Double]
        let verdicts: [[String: String]]
        /// Per swa_lr of the sweep: its tests, as the report's why-not tables print them.
        let sweep: [[String: String]]
    }

    func summary() -> Summary {
        let plan = findings.plan
        return Summary(budget: plan.budget.rawValue, budgetEpochs: plan.budgetEpochs, swaStartEpoch: plan.startEpoch,
                       budgetTotals: plan.budgetTotals, swaLR: plan.swaLR, sgdTestError: findings.seeds.map(\.sgd.testError),
                       swaTestError: findings.seeds.map { $0.swa.map(\.testError) }, widthRisePoints: AveragingPlan.widthRise,
                       sgdWidths: findings.widths(\.sgdRays).values, swaWidths: findings.widths(\.swaRays).values,
                       distances: findings.distances, separation: findings.seeds.map(\.separation),
                       verdicts: findings.verdicts.map {
                           ["claim": $0.claim, "measured": $0.measured, "outcome": $0.evidence?.outcome.rawValue ?? ($0.held ? "held" : "no"),
                            "test": $0.statistics ?? ""]
                       },
                       sweep: findings.sweepSettings.map { s in
                           ["swa_lr": CSVTable.format(s.swaLR), "seeds": "\(s.seeds)",
                            "test_error": Verdict.statistics(of: s.errorTest), "test_error_outcome": s.errorTest.outcome.rawValue,
                            "width": Verdict.statistics(of: s.widthTest), "width_outcome": s.widthTest.outcome.rawValue,
                            "segment_train_loss": Verdict.statistics(of: s.lossTest), "segment_train_loss_outcome": s.lossTest.outcome.rawValue,
                            "segment_test_error": Verdict.statistics(of: s.segmentErrorTest),
                            "segment_test_error_outcome": s.segmentErrorTest.outcome.rawValue,
                            "hessian_top": s.curvature.map { Verdict.statistics(of: $0.topTest) } ?? "",
                            "hessian_top_outcome": s.curvature?.topTest.outcome.rawValue ?? "",
                            "hessian_trace": s.curvature.map { Verdict.statistics(of: $0.traceTest) } ?? "",
                            "hessian_trace_outcome": s.curvature?.traceTest.outcome.rawValue ?? ""]
                       })
    }
}
