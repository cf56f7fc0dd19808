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
        PathFigures.lossAndError(["Segment", "Bezier", "PolyChain"].enumerated().map { index, name in
            (name, pairs.map { $0.methods[index].evaluation })
        })
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
