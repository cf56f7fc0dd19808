import ChapterKit
import Experiments
import Reporting
import WeightSpace

/// The data behind chapter 1's figures and tables: CSV of grids and points, a JSON summary.
struct PlanesData {
    let results: PlanesResults
    /// The contour levels drawn, per series (train loss, test error in %).
    let levels: [[Double]]

    static let metricColumns = ["train_loss", "train_nll", "train_error", "test_loss", "test_nll", "test_error"]

    static func metricCells(_ m: PointMetrics) -> [String] {
        [m.trainLoss, m.trainNLL, m.trainError, m.testLoss, m.testNLL, m.testError].map(CSVTable.format)
    }

    /// The drawn grids: plane name, seeds, grid indices, coordinates, metrics.
    var drawnGrids: [(plane: String, seeds: String, grid: PlaneGrid)] {
        let t = results.triples[0], b = results.bezier[0], p = results.polychain[0]
        return [("three-optima", t.seeds.map(String.init).joined(separator: "-"), t.grid),
                ("bezier", "\(b.seeds.0)-\(b.seeds.1)", b.grid), ("polychain", "\(p.seeds.0)-\(p.seeds.1)", p.grid),
                ("filter-normalised", "\(results.random.seed)", results.random.grid)].compactMap { name, seeds, grid in grid.map { (name, seeds, $0) } }
    }

    func gridTable() -> CSVTable {
        var table = CSVTable(header: ["plane", "seeds", "i", "j", "x", "y"] + Self.metricColumns)
        for (plane, seeds, grid) in drawnGrids {
            for (j, y) in grid.ys.enumerated() {
                for (i, x) in grid.xs.enumerated() {
                    table.append([plane, seeds, "\(i)", "\(j)", CSVTable.format(x), CSVTable.format(y)] + Self.metricCells(grid.points[j * grid.xs.count + i]))
                }
            }
        }
        return table
    }

    func pointsTable() -> CSVTable {
        var table = CSVTable(header: ["plane", "seeds", "point", "t"] + Self.metricColumns)
        for t in results.triples {
            let seeds = t.seeds.map(String.init).joined(separator: "-")
            let names = ["A", "B", "C"] + ThreeOptimaResult.midpointNames.map { "midpoint " + $0 } + ["centroid"]
            let named = zip(names, t.optima + t.midpoints + [t.centroid])
            for (name, m) in named { table.append(["three-optima", seeds, name, ""] + Self.metricCells(m)) }
        }
        for (name, planes) in results.curvePlanes {
            for r in planes {
                for (k, t) in r.ts.enumerated() {
                    table.append([name.lowercased(), "\(r.seeds.0)-\(r.seeds.1)", "projected curve", CSVTable.format(t)] + Self.metricCells(r.curve[k]))
                    if name == "Bezier" {
                        table.append(["segment", "\(r.seeds.0)-\(r.seeds.1)", "segment", CSVTable.format(t)] + Self.metricCells(r.segment[k]))
                    }
                }
            }
        }
        return table
    }

    struct CurvePlaneSummary: Encodable {
        let kind: String, seeds: [UInt64], dx: Double, dy: Double, bend: PlanePosition
        let residual: Double, relativeResidual: Double
        let worseEndpoint: PointMetrics, curveMax: PointMetrics, segmentMax: PointMetrics
    }

    struct Summary: Encodable {
        let budget: String
        let grid: PlaneGridSpec, randomGrid: PlaneGridSpec
        let levels: [String: [Double]]
        let verdicts: [[String: String]]
        let threeOptima: [[String: [PointMetrics]]]
        let curvePlanes: [CurvePlaneSummary]
    }

    /// Per-series maxima along a path, as one PointMetrics (each field its own maximum).
    static func maxima(_ points: [PointMetrics]) -> PointMetrics {
        func m(_ k: KeyPath<PointMetrics, Double>) -> Double { points.map { $0[keyPath: k] }.max()! }
        return PointMetrics(trainLoss: m(\.trainLoss), trainNLL: m(\.trainNLL), trainError: m(\.trainError),
                            testLoss: m(\.testLoss), testNLL: m(\.testNLL), testError: m(\.testError))
    }

    func summary() -> Summary {
        let curvePlanes = results.curvePlanes.flatMap { name, planes in
            planes.map { r in
                CurvePlaneSummary(kind: name.lowercased(), seeds: [r.seeds.0, r.seeds.1], dx: r.dx, dy: r.dy, bend: r.bend,
                                  residual: r.residual, relativeResidual: r.relativeResidual,
                                  worseEndpoint: Self.maxima(r.endpoints), curveMax: Self.maxima(r.curve), segmentMax: Self.maxima(r.segment))
            }
        }
        return Summary(budget: results.plan.budget.rawValue, grid: results.plan.grid, randomGrid: results.plan.randomGrid,
                       levels: ["train_loss": levels[0], "test_error_percent": levels[1]],
                       verdicts: results.verdicts.map {
                           ["claim": $0.claim, "measured": $0.measured, "outcome": $0.evidence?.outcome.rawValue ?? $0.untestedOutcome,
                            "test": $0.statistics ?? $0.untestedStatistics]
                       },
                       threeOptima: results.triples.map { ["seeds_optima": $0.optima, "midpoints_AB_AC_BC": $0.midpoints, "centroid": [$0.centroid]] },
                       curvePlanes: curvePlanes)
    }
}
