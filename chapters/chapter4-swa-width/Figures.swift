import ChapterKit
import Experiments
import Plotting
import Statistics
import WeightSpace

/// Chapter 4's figures: the rays from both solutions, and the segment between them.
struct AveragingFigures {
    let findings: Findings

    static let sgdStyle = LineStyle.automatic(0), swaStyle = LineStyle.automatic(1)

    private func draw(_ panel: Panel, x: [Double], _ profile: [MeanStd], scale: Double, label: String, style: LineStyle) {
        if profile.contains(where: { $0.count > 1 }) {
            panel.meanAndSpread(x: x, mean: profile.map { $0.mean * scale }, std: profile.map { $0.std * scale }, label: label, style: style)
        } else {
            panel.line(x: x, y: profile.map { $0.mean * scale }, label: label, style: style)
        }
    }

    /// Test error and train loss against distance along the random rays, SGD vs SWA.
    func raysFigure() -> Figure {
        let figure = Figure(size: .doubleColumn(aspect: 0.38), grid: Grid(rows: 1, columns: 2), sharedAxes: .x)
        let error = figure[0, 0], loss = figure[0, 1], d = findings.distances
        for (name, rays, style) in [("SGD", \SeedResult.sgdRays, Self.sgdStyle), ("SWA", \SeedResult.swaRays, Self.swaStyle)] {
            draw(error, x: d, findings.rayProfile(rays, \.testError), scale: 100, label: name, style: style)
            draw(loss, x: d, findings.rayProfile(rays, \.trainLoss), scale: 1, label: name, style: style)
        }
        error.yAxis = Axis(label: "test error (%)")
        loss.yAxis = Axis(label: "train loss", scale: .log)
        loss.legend = .hidden
        for p in [error, loss] { p.xAxis = Axis(label: "distance along a random unit direction", limits: 0...d.last!) }
        return figure
    }

    /// Train loss and test error along `w_SWA + λ·(w_SGD − w_SWA)`.
    func segmentFigure() -> Figure {
        let figure = Figure(size: .doubleColumn(aspect: 0.38), grid: Grid(rows: 1, columns: 2), sharedAxes: .x)
        let loss = figure[0, 0], error = figure[0, 1], lambda = findings.plan.segment
        draw(loss, x: lambda, findings.segmentProfile(\.trainLoss), scale: 1, label: "train loss", style: Self.swaStyle)
        draw(error, x: lambda, findings.segmentProfile(\.testError), scale: 100, label: "test error", style: Self.sgdStyle)
        loss.yAxis = Axis(label: "train loss", scale: .log)
        error.yAxis = Axis(label: "test error (%)")
        for p in [loss, error] {
            p.xAxis = Axis(label: "λ  (0: SWA, 1: SGD)", limits: lambda.first!...lambda.last!)
            p.vline(0, label: p === loss ? "SWA" : nil, style: LineStyle(color: .darkGrey, width: 0.9, dash: .dashed))
            p.vline(1, label: p === loss ? "SGD" : nil, style: LineStyle(color: .darkGrey, width: 0.9, dash: .dotted))
            p.legend = .hidden
        }
        loss.text("SWA", at: 0, findings.segmentProfile(\.trainLoss).map(\.mean).max()!, anchor: .left, offset: (3, -4))
        loss.text("SGD", at: 1, findings.segmentProfile(\.trainLoss).map(\.mean).max()!, anchor: .left, offset: (3, -4))
        return figure
    }

    /// The Hessian's eigenvalue density (stochastic Lanczos quadrature) at SGD and SWA, first curvature seed.
    func densityFigure() -> Figure? {
        guard let pair = findings.curvature.first else { return nil }
        let densities = [("SGD", pair.sgd, Self.sgdStyle), ("SWA", pair.swa, Self.swaStyle)].compactMap { name, result, style in
            result.density.map { (name: name, density: $0, style: style) }
        }
        return PathFigures.density(densities)
    }
}
