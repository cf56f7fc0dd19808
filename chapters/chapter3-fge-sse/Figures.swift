import ChapterKit
import Experiments
import Foundation
import Plotting
import Reporting
import Statistics
import WeightSpace

/// The chapter's figures and the data behind them.
extension Chapter3Report {
    static func color(_ method: Method) -> Color { Palette.color(Method.allCases.firstIndex(of: method)!) }

    static func style(_ method: Method, marker: Bool = true) -> LineStyle {
        let index = Method.allCases.firstIndex(of: method)!
        return LineStyle(color: color(method), width: method == .fge ? 1.8 : 1.4, dash: .automatic(index),
                         marker: marker ? MarkerShape.automatic(index) : nil, markerSize: 4.5)
    }

    /// GAR's FGE figure: the rate (top), test error of the current network and of the growing
    /// ensemble (middle), distance from the starting checkpoint (bottom), circles at the members.
    /// x counts steps since FGE started; the start (the base run after 80 % of B) is x = 0.
    func trajectoryFigure() -> Figure {
        let t = replicates[0].trajectory
        let figure = Figure(size: .doubleColumn(aspect: 0.78), grid: Grid(rows: 3, columns: 1), sharedAxes: .x)
        let (rate, error, distance) = (figure[0, 0], figure[1, 0], figure[2, 0])
        let x = t.steps.map { Double($0.step + 1) }
        let memberX = t.members.map { Double($0.step + 1) }
        let fge = Self.color(.fge)
        rate.line(x: x, y: t.steps.map(\.learningRate), label: "FGE rate", style: LineStyle(color: .ink, width: 1.3))
        rate.yAxis = Axis(label: "learning rate")
        rate.legend = .hidden

        let conventional = replicates[0][.ind].evaluation.members[0].error * 100
        error.hline(conventional, label: "conventional run, 1 budget", style: .reference)
        error.line(x: t.probes.map { Double($0.step + 1) }, y: t.probes.map { $0.error * 100 }, label: "current network",
                   style: LineStyle(color: .darkGrey, width: 1.2, marker: .circle, markerSize: 2.6))
        if let last = x.last, !t.members.isEmpty {
            var sx: [Double] = [], sy: [Double] = []
            for (i, mx) in memberX.enumerated() {
                let next = i + 1 < memberX.count ? memberX[i + 1] : last
                sx += [mx, next]
                sy += [t.ensembleErrors[i] * 100, t.ensembleErrors[i] * 100]
            }
            error.line(x: sx, y: sy, label: "FGE ensemble", style: LineStyle(color: fge, width: 2))
        }
        error.scatter(x: memberX, y: t.members.map { $0.error * 100 }, label: "members",
                      style: MarkerStyle(shape: .circle, size: 6, fill: fge, edge: .ink, edgeWidth: 0.6))
        error.yAxis = Axis(label: "test error (%)")
        error.legend = .outsideRight

        distance.line(x: [0] + x, y: [0] + t.steps.map(\.distance), label: "‖θ − θ_start‖", style: LineStyle(color: .ink, width: 1.3))
        distance.scatter(x: memberX, y: t.members.map(\.distance), label: "members",
                         style: MarkerStyle(shape: .circle, size: 6, fill: fge, edge: .ink, edgeWidth: 0.6))
        distance.yAxis = Axis(label: "distance from start")
        let span = Double(x.last ?? 1), limits = (-0.015 * span)...(1.015 * span)
        for panel in [rate, error] { panel.xAxis = Axis(limits: limits) }
        distance.xAxis = Axis(label: "iterations since FGE started (cycle \(t.cycleIterations) it = \(format(Double(t.cycleIterations) / Double(t.iterationsPerEpoch))) epoch)",
                              limits: limits)
        distance.legend = .hidden
        return figure
    }

    /// Ensemble test error against the training budget (left) and against the number of members
    /// (right, log scale) for Ind, SSE and FGE; mean ± std over replicates when there are several.
    /// The y axes are not shared: SSE's first snapshots would squeeze the budget panel.
    func ensemblesFigure() -> Figure {
        let figure = Figure(size: .doubleColumn(aspect: 0.4), grid: Grid(rows: 1, columns: 2))
        let (byBudget, byMembers) = (figure[0, 0], figure[0, 1])
        let budgets = (1...plan.budgets).map(Double.init)
        for method in Method.allCases {
            let stats = (1...plan.budgets).map { aggregate.error(method, budgets: $0) }
            draw(byBudget, x: budgets, stats: stats, label: method.rawValue, style: Self.style(method))
            let count = replicates.map { $0[method].evaluation.running.count }.min()!
            let running = (0..<count).map { i in MeanStd(replicates.map { $0[method].evaluation.running[i].error }) }
            draw(byMembers, x: (1...count).map(Double.init), stats: running, label: method.rawValue,
                 style: Self.style(method, marker: method == .ind || count <= 12))
        }
        byBudget.xAxis = Axis(label: "training budget (× B = \(plan.budgetEpochs) epochs)", limits: 0.8...3.2,
                              ticks: budgets, tickLabels: ["1", "2", "3"])
        byBudget.yAxis = Axis(label: "ensemble test error (%)")
        let most = Method.allCases.map { m in replicates.map { $0[m].evaluation.running.count }.min()! }.max()!
        let ticks = [1.0, 2, 3, 5, 10, 20, 50, 100, 200].filter { $0 <= Double(most) }
        byMembers.xAxis = Axis(label: "members in the ensemble", scale: .log, ticks: ticks, tickLabels: ticks.map { String(Int($0)) })
        byMembers.yAxis = Axis(label: "ensemble test error (%)")
        byMembers.legend = .hidden
        return figure
    }

    private func draw(_ panel: Panel, x: [Double], stats: [MeanStd], label: String, style: LineStyle) {
        let mean = stats.map { $0.mean * 100 }
        if replicates.count > 1 {
            panel.meanAndSpread(x: x, mean: mean, std: stats.map { $0.std * 100 }, label: label, style: style)
        } else {
            panel.line(x: x, y: mean, label: label, style: style)
        }
    }
}
