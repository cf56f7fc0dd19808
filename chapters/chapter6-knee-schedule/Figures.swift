import ChapterKit
import Experiments
import Plotting
import Statistics
import Training

/// Chapter 6's figures: the schedules and the training curves; sharpness and accuracy against
/// the explore fraction.
struct KneeFigures {
    let findings: KneeFindings
    var plan: KneePlan { findings.plan }

    /// The rate of every schedule against iteration (long budget), and test accuracy after every epoch.
    func schedulesFigure() -> Figure {
        let figure = Figure(size: .doubleColumn(aspect: 0.38), grid: Grid(rows: 1, columns: 2))
        let rates = figure[0, 0], curves = figure[0, 1]
        for (s, schedule) in KneePlan.schedules.enumerated() {
            let runs = findings.runs(s, budget: 0), recipe = runs[0].recipe
            let perEpoch = recipe.totalIterations / recipe.epochs, lr = recipe.learningRateSchedule
            let iterations = Array(stride(from: 0, to: recipe.totalIterations, by: max(1, recipe.totalIterations / 400))) + [recipe.totalIterations - 1]
            var style = LineStyle.automatic(s)
            style.width = s == findings.kneeIndex ? 2.2 : 1.4
            rates.line(x: iterations.map(Double.init), y: iterations.map { Double(lr(TrainingPosition(epoch: $0 / perEpoch, iteration: $0 % perEpoch, iterationsPerEpoch: perEpoch))) },
                       label: schedule.name, style: style)
            let epochs = (1...recipe.epochs).map(Double.init)
            let accuracy = (0..<recipe.epochs).map { e in MeanStd(runs.map { 100 * (1 - ($0.history[e].testError ?? 1)) }) }
            if runs.count > 1 {
                curves.meanAndSpread(x: epochs, mean: accuracy.map(\.mean), std: accuracy.map(\.std), label: schedule.name, style: style)
            } else {
                curves.line(x: epochs, y: accuracy.map(\.mean), label: schedule.name, style: style)
            }
        }
        rates.xAxis = Axis(label: "iteration")
        rates.yAxis = Axis(label: "learning rate")
        rates.legend = .outsideRight
        curves.xAxis = Axis(label: "epoch")
        curves.yAxis = Axis(label: "test accuracy (%)")
        curves.legend = .hidden
        return figure
    }

    /// Sharpness and test accuracy of every density run against its explore fraction, with the mean.
    func densityFigure() -> Figure {
        let figure = Figure(size: .doubleColumn(aspect: 0.38), grid: Grid(rows: 1, columns: 2), sharedAxes: .x)
        let sharp = figure[0, 0], acc = figure[0, 1]
        let points = findings.densityPoints, fractions = plan.fractions.map { 100 * $0 }
        for (panel, value, label) in [(sharp, { (p: (fraction: Double, sharpness: Double, accuracy: Double)) in p.sharpness }, "Keskar sharpness"),
                                      (acc, { 100 * $0.accuracy }, "test accuracy (%)")] {
            panel.scatter(x: points.map { 100 * $0.fraction }, y: points.map(value), label: "one run",
                          style: MarkerStyle(shape: .circle, size: 4, fill: Palette.color(0), edge: .white, edgeWidth: 0.5))
            let means = plan.fractions.map { f in MeanStd(points.filter { $0.fraction == f }.map(value)).mean }
            panel.line(x: fractions, y: means, label: "mean over seeds", style: LineStyle(color: .ink, width: 1.6))
            panel.xAxis = Axis(label: "explore at the peak rate (% of the budget)")
            panel.yAxis = Axis(label: label)
        }
        acc.legend = .hidden
        return figure
    }
}
