import ChapterKit
import Experiments
import Plotting
import Statistics
import WeightSpace

/// Chapter 5's figures: accuracy along every path, matched correlation per layer, one layer's
/// correlation matrix before and after alignment.
struct AlignmentFigures {
    let findings: AlignmentFindings

    /// Test accuracy and train loss against t for every curve (solid) and segment (dashed).
    func pathsFigure() -> Figure {
        let figure = Figure(size: .doubleColumn(aspect: 0.4), grid: Grid(rows: 1, columns: 2), sharedAxes: .x)
        let accuracy = figure[0, 0], loss = figure[0, 1]
        let ts = findings.pairs[0].paths[0][0].ts
        for (m, name) in findings.methods.enumerated() {
            for kind in 0..<2 {
                var style = LineStyle.automatic(m)
                style.dash = kind == 0 ? .solid : .dashed
                style.width = kind == 0 ? 1.8 : 1.2
                let label = "\(name) \(kind == 0 ? "curve" : "segment")"
                for (panel, series, scale) in [(accuracy, \PointMetrics.testError, 100.0), (loss, \PointMetrics.trainLoss, 1.0)] {
                    let stats = ts.indices.map { k in MeanStd(findings.pairs.map { $0.paths[m][kind].points[k][keyPath: series] }) }
                    let mean = stats.map { series == \PointMetrics.testError ? scale * (1 - $0.mean) : $0.mean }
                    if findings.pairs.count > 1 {
                        panel.meanAndSpread(x: ts, mean: mean, std: stats.map { $0.std * scale }, label: panel === loss ? label : nil, style: style)
                    } else {
                        panel.line(x: ts, y: mean, label: panel === loss ? label : nil, style: style)
                    }
                }
            }
        }
        accuracy.yAxis = Axis(label: "test accuracy (%)")
        loss.yAxis = Axis(label: "train loss", scale: .log)
        accuracy.legend = .hidden
        loss.legend = .outsideRight
        for p in [accuracy, loss] { p.xAxis = Axis(label: "t", limits: 0...1) }
        return figure
    }

    /// Mean correlation of matched units per unit group, as trained and under each alignment (first pair).
    func correlationFigure() -> Figure {
        let figure = Figure(size: .doubleColumn(aspect: 0.36))
        let p = figure.panel, pair = findings.pairs[0]
        p.bars(groups: pair.groups, series: findings.methods, values: findings.methods.indices.map { pair.matchedCorrelation($0) })
        p.yAxis = Axis(label: "mean correlation of matched units")
        p.xAxis = Axis(label: "unit group (pair \(pair.seeds.0)–\(pair.seeds.1))")
        return figure
    }

    /// The correlation matrix of one unit group, B's units in their trained order and aligned.
    func matrixFigure(group g: Int) -> Figure {
        let pair = findings.pairs[0], c = pair.correlations[g], pi = pair.permutations[1][g], n = c.count
        let before = c, after = c.map { row in (0..<n).map { row[pi[$0]] } }
        let all = (before + after).joined()
        let levels = ContourLevels.linear(from: all.min()!, to: all.max()!, count: 10)
        let figure = Figure(size: .doubleColumn(aspect: 0.45), grid: Grid(rows: 1, columns: 2))
        let axis = (0..<n).map(Double.init)
        for (k, (values, title)) in [(before, "as trained"), (after, "aligned by correlation")].enumerated() {
            let p = figure[0, k]
            p.heatmap(xs: axis, ys: axis, values: values, levels: levels, colorbarLabel: k == 1 ? "correlation" : nil, showsColorbar: k == 1)
            p.title = "\(pair.groups[g]): \(title)"
            p.xAxis = Axis(label: "unit of B")
            p.yAxis = Axis(label: k == 0 ? "unit of A" : nil)
        }
        return figure
    }
}
