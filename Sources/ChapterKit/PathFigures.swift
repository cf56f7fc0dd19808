import Plotting
import Statistics
import WeightSpace

/// The figures chapters and tools share: loss and error along paths of weight space (chapter 2,
/// `surface curve` and `evaluate-curve`), and the Hessian's eigenvalue density (chapter 4,
/// `surface hessian`).
public enum PathFigures {
    /// Train loss (log scale) and test error along t, one line per path; a path measured on
    /// several pairs is drawn as mean ± std. The first path (the segment, by convention) is dashed.
    public static func lossAndError(_ paths: [(name: String, evaluations: [CurveEvaluation])]) -> Figure {
        let figure = Figure(size: .doubleColumn(aspect: 0.38), grid: Grid(rows: 1, columns: 2), sharedAxes: .x)
        let loss = figure[0, 0], error = figure[0, 1]
        loss.yAxis = Axis(label: "train loss", scale: .log)
        error.yAxis = Axis(label: "test error (%)")
        for (index, path) in paths.enumerated() {
            var style = LineStyle.automatic(index)
            style.dash = index == 0 ? .dashed : .solid
            style.width = index == 0 ? 1.3 : 1.7
            let ts = path.evaluations[0].points.map(\.t)
            for (panel, series, scale) in [(loss, \CurvePoint.trainLoss, 1.0), (error, \CurvePoint.testError, 100.0)] {
                let values = path.evaluations.map { e in e.points.map { $0[keyPath: series] * scale } }
                let stats = ts.indices.map { k in MeanStd(values.map { $0[k] }) }
                if values.count > 1 {
                    panel.meanAndSpread(x: ts, mean: stats.map(\.mean), std: stats.map(\.std), label: path.name, style: style)
                } else {
                    panel.line(x: ts, y: stats.map(\.mean), label: path.name, style: style)
                }
            }
        }
        for panel in [loss, error] { panel.xAxis = Axis(label: "t", limits: 0...1) }
        return figure
    }

    /// Eigenvalue densities (stochastic Lanczos quadrature) on one log axis; densities below a
    /// millionth of their peak are drawn at that floor (the log axis has no zero).
    public static func density(_ densities: [(name: String, density: HessianSpectrum.Density, style: LineStyle)]) -> Figure {
        let figure = Figure(size: .singleColumn(aspect: 0.75))
        let panel = figure[0, 0]
        for (name, density, style) in densities {
            let peak = density.density.max() ?? 1
            panel.line(x: density.grid, y: density.density.map { max($0, peak * 1e-6) }, label: name, style: style)
        }
        panel.xAxis = Axis(label: "eigenvalue of the Hessian")
        panel.yAxis = Axis(label: "density (log scale)", scale: .log)
        return figure
    }
}
