import ChapterKit
import Experiments
import Foundation
import Networks
import Plotting
import Reporting
import Statistics
import Training
import WeightSpace

/// Chapter 2's figure: train loss and test error along t for the segment and both curves.
extension Chapter2Report {
    func curvesFigure() -> Figure {
        let figure = Figure(size: .doubleColumn(aspect: 0.38), grid: Grid(rows: 1, columns: 2), sharedAxes: .x)
        let loss = figure[0, 0], error = figure[0, 1]
        loss.yAxis = Axis(label: "train loss", scale: .log)
        error.yAxis = Axis(label: "test error (%)")
        let ts = pairs[0].segment.points.map(\.t)
        for (index, name) in ["Segment", "Bezier", "PolyChain"].enumerated() {
            var style = LineStyle.automatic(index)
            style.dash = index == 0 ? .dashed : .solid
            style.width = index == 0 ? 1.3 : 1.7
            for (panel, series, scale) in [(loss, \CurvePoint.trainLoss, 1.0), (error, \CurvePoint.testError, 100.0)] {
                let values = pairs.map { pair in pair.methods[index].evaluation.points.map { $0[keyPath: series] * scale } }
                let stats = ts.indices.map { k in MeanStd(values.map { $0[k] }) }
                if pairs.count > 1 {
                    panel.meanAndSpread(x: ts, mean: stats.map(\.mean), std: stats.map(\.std), label: name, style: style)
                } else {
                    panel.line(x: ts, y: stats.map(\.mean), label: name, style: style)
                }
            }
        }
        for panel in [loss, error] { panel.xAxis = Axis(label: "t", limits: 0...1) }
        return figure
    }

    /// The Hessian's top eigenvalue along t for the segment and the Bezier curve (mean ± std over pairs).
    func curvatureFigure() -> Figure? {
        let curvature = pairs.compactMap(\.curvature)
        guard curvature.count == pairs.count, let first = curvature.first else { return nil }
        let figure = Figure(size: .singleColumn(aspect: 0.75))
        let panel = figure[0, 0], ts = [0] + first.ts + [1]
        for (index, name, inside) in [(0, "Segment", \PathCurvature.segment), (1, "Bezier", \PathCurvature.bezier)] {
            var style = LineStyle.automatic(index)
            style.dash = index == 0 ? .dashed : .solid
            let values = curvature.map { $0.profile($0[keyPath: inside]) }
            let stats = ts.indices.map { k in MeanStd(values.map { $0[k] }) }
            if curvature.count > 1 {
                panel.meanAndSpread(x: ts, mean: stats.map(\.mean), std: stats.map(\.std), label: name, style: style)
            } else {
                panel.line(x: ts, y: stats.map(\.mean), label: name, style: style)
            }
            // The measured t, marked (the line only joins them).
            panel.scatter(x: ts, y: stats.map(\.mean), style: MarkerStyle(shape: .circle, size: 3.5, fill: style.color))
        }
        panel.xAxis = Axis(label: "t (dots: the measured points)", limits: 0...1)
        panel.yAxis = Axis(label: "top Hessian eigenvalue")
        return figure
    }
}
