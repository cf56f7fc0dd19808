import Foundation
import Plotting

/// One example figure of the gallery: its file name, caption, and how to draw it.
struct Example {
    let name: String
    let caption: String
    let figure: Figure
}

private func linspace(_ a: Double, _ b: Double, _ n: Int) -> [Double] {
    (0..<n).map { a + (b - a) * Double($0) / Double(n - 1) }
}

/// Lines: solid, dashed, with markers, and a horizontal reference line.
func linesExample() -> Example {
    let figure = Figure(size: .singleColumn(aspect: 0.72))
    let p = figure.panel
    let t = linspace(0, 1, 41)
    p.line(x: t, y: t.map { 8 + 14 * sin(.pi * $0) }, label: "segment")
    p.line(x: t, y: t.map { 8 + 2.2 * sin(.pi * $0) }, label: "PolyChain")
    let coarse = linspace(0, 1, 11)
    p.line(x: coarse, y: coarse.map { 8 + 1.1 * sin(.pi * $0) - 0.6 * sin(2 * .pi * $0) }, label: "Bezier",
           style: LineStyle(color: Palette.color(2), marker: .circle))
    p.hline(8, label: "endpoints")
    p.xAxis.label = "t"
    p.yAxis.label = "test error (%)"
    p.title = "Error along the path"
    return Example(name: "lines", caption: "Lines: solid, dashed and with markers, and a reference line.", figure: figure)
}

/// Scatter with the four marker shapes.
func scatterExample() -> Example {
    let figure = Figure(size: .singleColumn(aspect: 0.72))
    let p = figure.panel
    var seed: UInt64 = 42
    func uniform() -> Double { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Double(seed >> 11) / Double(1 << 53) }
    for (k, name) in ["Ind", "SSE", "FGE", "SWA"].enumerated() {
        let x = (0..<12).map { _ in 0.9 + 0.25 * Double(k) + 0.12 * uniform() }
        let y = x.map { 28 - 3 * $0 + 0.6 * uniform() - Double(k) * 0.4 }
        p.scatter(x: x, y: y, label: name)
    }
    p.xAxis.label = "sharpness"
    p.yAxis.label = "test error (%)"
    return Example(name: "scatter", caption: "Scatter with circle, square, diamond and triangle markers.", figure: figure)
}

/// Mean ± std bands and a vertical reference line.
func bandsExample() -> Example {
    let figure = Figure(size: .singleColumn(aspect: 0.72))
    let p = figure.panel
    let d = linspace(0, 30, 61)
    p.meanAndSpread(x: d, mean: d.map { 0.05 + 0.002 * $0 * $0 }, std: d.map { 0.01 + 0.0006 * $0 * $0 }, label: "SGD")
    p.meanAndSpread(x: d, mean: d.map { 0.07 + 0.0008 * $0 * $0 }, std: d.map { 0.01 + 0.0003 * $0 * $0 }, label: "SWA")
    p.vline(10, label: "distance SWA–SGD")
    p.xAxis.label = "distance along a random ray"
    p.yAxis.label = "train loss"
    return Example(name: "bands", caption: "Mean ± std bands over 10 rays with a vertical reference line.", figure: figure)
}

/// Grouped bars with error bars.
func barsExample() -> Example {
    let figure = Figure(size: .singleColumn(aspect: 0.72))
    let p = figure.panel
    p.bars(groups: ["1 budget", "2 budgets", "3 budgets"], series: ["Ind", "SSE", "FGE"],
           values: [[27.4, 25.2, 24.4], [26.4, 25.0, 24.6], [25.7, 24.1, 23.4]],
           errors: [[0.4, 0.3, 0.3], [0.3, 0.3, 0.2], [0.3, 0.2, 0.2]])
    p.yAxis.label = "test error (%)"
    p.yAxis.limits = 20...30
    return Example(name: "bars", caption: "Grouped bars with error bars (mean ± std over seeds).", figure: figure)
}

/// Text annotations and a log-scaled axis.
func logAndTextExample() -> Example {
    let figure = Figure(size: .singleColumn(aspect: 0.72))
    let p = figure.panel
    let epochs = linspace(1, 200, 200)
    p.line(x: epochs, y: epochs.map { 2.3 * pow($0, -0.9) + 0.002 }, label: "Knee")
    p.line(x: epochs, y: epochs.map { 2.3 * pow($0, -0.7) + 0.004 }, label: "step decay")
    p.text("explore ends", at: 100, 2.3 * pow(100, -0.9) + 0.002, anchor: .left, offset: (4, 8))
    p.scatter(x: [100], y: [2.3 * pow(100, -0.9) + 0.002], style: MarkerStyle(shape: .circle, size: 4, fill: .ink))
    p.xAxis.label = "epoch"
    p.yAxis.label = "train loss"
    p.yAxis.scale = .log
    return Example(name: "log-and-text", caption: "A log-scaled y axis with a text annotation.", figure: figure)
}

/// Several panels sharing the y axis.
func panelsExample() -> Example {
    let figure = Figure(size: .doubleColumn(aspect: 0.3), grid: Grid(rows: 1, columns: 3), sharedAxes: .y)
    let t = linspace(0, 1, 31)
    for (k, name) in ["VGG16", "PreResNet", "WRN"].enumerated() {
        let p = figure[0, k]
        p.line(x: t, y: t.map { 5 + Double(3 + k) * sin(.pi * $0) }, label: "segment")
        p.line(x: t, y: t.map { 5 + 0.6 * sin(.pi * $0) }, label: "Bezier")
        p.title = name
        p.xAxis.label = "t"
        p.yAxis.label = "test error (%)"
        if k > 0 { p.legend = .hidden }  // one legend serves the row
    }
    return Example(name: "panels", caption: "Three panels on a grid sharing the y axis.", figure: figure)
}
