import ChapterKit
import Experiments
import Foundation
import Networks
import Plotting
import Reporting
import Training
import WeightSpace

/// The data behind chapter 2's figure and tables: every evaluated point (CSV) and GAR's summaries
/// of every path (JSON).
extension Chapter2Report {
    /// The Hessian's top eigenvalue per pair, path and t (the endpoints at t = 0 and 1).
    func curvatureTable() -> CSVTable {
        var table = CSVTable(header: ["seed_a", "seed_b", "path", "t", "top_eigenvalue", "lanczos_products", "converged"])
        for pair in pairs {
            guard let c = pair.curvature else { continue }
            let ts = [0] + c.ts + [1]
            for (name, inside) in [("segment", c.segment), ("bezier", c.bezier)] {
                for (t, top) in zip(ts, [c.start] + inside + [c.end]) {
                    table.append(["\(pair.seeds.0)", "\(pair.seeds.1)", name, CSVTable.format(t), CSVTable.format(top.values[0]), "\(top.steps)",
                                  "\(top.converged)"])
                }
            }
        }
        return table
    }

    func pointsTable() -> CSVTable {
        var table = CSVTable(header: ["seed_a", "seed_b", "path", "t", "train_loss", "train_nll", "train_error", "test_nll", "test_loss", "test_error", "segment_length"])
        for pair in pairs {
            for (name, evaluation) in pair.methods {
                for p in evaluation.points {
                    table.append(["\(pair.seeds.0)", "\(pair.seeds.1)", name.lowercased()] +
                                 [p.t, p.trainLoss, p.trainNLL, p.trainError, p.testNLL, p.testLoss, p.testError, p.segmentLength].map(CSVTable.format))
                }
            }
        }
        return table
    }

    struct PathSummary: Encodable {
        let seeds: [UInt64]
        let path: String
        let length: Double
        let trainLoss, testError, testNLL: SeriesSummary
    }

    func summaryJSON() -> [PathSummary] {
        pairs.flatMap { pair in
            pair.methods.map { name, e in
                PathSummary(seeds: [pair.seeds.0, pair.seeds.1], path: name.lowercased(), length: e.length,
                            trainLoss: e.summary(\.trainLoss), testError: e.summary(\.testError), testNLL: e.summary(\.testNLL))
            }
        }
    }
}
