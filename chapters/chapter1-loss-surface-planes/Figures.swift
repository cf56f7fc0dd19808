import ChapterKit
import Foundation
import Plotting
import WeightSpace

/// Chapter 1's figures: the 2 × 3 planes of the figure's pair and the filter-normalised plane, on
/// one colour scale per series (levels from every drawn grid together).
struct PlaneFigures {
    let results: PlanesResults
    static let levelCount = 7

    private var grids: [PlaneGrid] {
        [results.triples[0].grid, results.bezier[0].grid, results.polychain[0].grid].compactMap { $0 } + [results.random.grid]
    }

    /// GAR's log-spaced levels over every drawn grid, and the overflow label when values exceed them.
    func levels(_ series: PlaneSeries) -> (levels: [Double], overflow: String?) { series.levels(over: grids, count: Self.levelCount) }

    /// Three optima · Bezier plane · PolyChain plane (columns) × train loss, test error (rows).
    func planesFigure() -> Figure {
        let figure = Figure(size: .doubleColumn(aspect: 0.68), grid: Grid(rows: 2, columns: 3))
        let triple = results.triples[0], curves = [results.bezier[0], results.polychain[0]]
        for (row, series) in PlaneSeries.allCases.enumerated() {
            let (levels, overflow) = levels(series)
            for column in 0..<3 {
                let panel = figure[row, column]
                let grid = column == 0 ? triple.grid! : curves[column - 1].grid!
                panel.field(xs: grid.xs, ys: grid.ys, values: grid.field(series.keyPath, scale: series.scale), levels: levels,
                            overflowLabel: overflow, colorbarLabel: column == 2 ? series.label : nil, showsColorbar: column == 2)
                if column == 0 { drawNetworks(triple, on: panel) } else { drawCurve(curves[column - 1], on: panel, labelled: row == 1 && column == 1) }
                panel.legend = row == 1 && column == 1 ? .below : .hidden
                if row == 0 { panel.title = ["Three optima", "Bezier plane", "PolyChain plane"][column] }
                if row == 1 { panel.xAxis.label = "u" }
                if column == 0 { panel.yAxis.label = "v" }
            }
        }
        return figure
    }

    /// The filter-normalised plane around the first network: train loss and test error on the same levels.
    func randomPlaneFigure() -> Figure {
        let figure = Figure(size: .doubleColumn(aspect: 0.4), grid: Grid(rows: 1, columns: 2))
        let grid = results.random.grid
        for (column, series) in PlaneSeries.allCases.enumerated() {
            let panel = figure[0, column]
            let (levels, overflow) = levels(series)
            panel.field(xs: grid.xs, ys: grid.ys, values: grid.field(series.keyPath, scale: series.scale), levels: levels,
                        overflowLabel: overflow, colorbarLabel: series.label)
            panel.scatter(x: [0], y: [0], label: "w (seed \(results.random.seed))", style: Self.networkMarker)
            panel.legend = column == 0 ? .below : .hidden
            panel.title = series == .trainLoss ? "Train loss" : "Test error"
            panel.xAxis.label = "x (along δ)"
            panel.yAxis.label = column == 0 ? "y (along η)" : nil
        }
        return figure
    }

    static let networkMarker = PlaneMarkers.network, bendMarker = PlaneMarkers.bend

    private func drawNetworks(_ triple: ThreeOptimaResult, on panel: Panel) {
        panel.scatter(x: triple.positions.map(\.x), y: triple.positions.map(\.y), label: "networks", style: Self.networkMarker)
        for (position, name) in zip(triple.positions, ["A", "B", "C"]) {
            panel.text(name, at: position.x, position.y, anchor: .left, offset: (6, 4), color: .white)
        }
    }

    private func drawCurve(_ result: CurvePlaneResult, on panel: Panel, labelled: Bool) {
        panel.line(x: [0, result.dx], y: [0, 0], label: labelled ? "segment" : nil, style: LineStyle(color: .white, width: 1.3, dash: .dashed))
        panel.line(x: result.overlay.map(\.x), y: result.overlay.map(\.y), label: labelled ? "curve" : nil, style: LineStyle(color: .white, width: 2.4))
        panel.scatter(x: [0, result.dx], y: [0, 0], label: labelled ? "endpoints" : nil, style: Self.networkMarker)
        panel.scatter(x: [result.bend.x], y: [result.bend.y], label: labelled ? "middle bend" : nil, style: Self.bendMarker)
    }
}
