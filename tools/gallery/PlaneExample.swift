import Foundation
import Plotting
import Reporting

/// A synthetic loss surface on the plane through two endpoints and a bend, drawn the way
/// Garipov et al. draw theirs: log-spaced levels (vmax 5, log_alpha −5, N 7), an overflow band,
/// a colorbar, the endpoints as circles, the bend as a diamond, the curve thick and the segment dashed.
/// The synthetic plane: grid, loss values, GAR's levels, and the overlays.
struct PlaneData {
    static let w0 = (0.0, 0.0), w2 = (1.0, 0.0), bend = (0.5, 0.9)
    let xs: [Double], ys: [Double], values: [[Double]], levels: [Double]
    let curve: [(Double, Double)]

    /// Long-format table: one row per grid point.
    var table: CSVTable {
        var table = CSVTable(header: ["u", "v", "loss"])
        for (j, y) in ys.enumerated() { for (i, x) in xs.enumerated() { table.append(numbers: [x, y, values[j][i]]) } }
        return table
    }

    var summary: [String: Any] {
        ["levels": levels, "vmax": 5, "log_alpha": -5, "N": 7, "grid": xs.count,
         "endpoints": [[Self.w0.0, Self.w0.1], [Self.w2.0, Self.w2.1]], "bend": [Self.bend.0, Self.bend.1]]
    }
}

/// Two basins joined by a curved valley (a quadratic Bezier through the bend's control point):
/// loss grows with the squared distance to the curve, with a small bump away from the ends.
func planeData() -> PlaneData {
    let (w0, w2, bend) = (PlaneData.w0, PlaneData.w2, PlaneData.bend)
    func bezier(_ t: Double) -> (Double, Double) {
        let a = (1 - t) * (1 - t), b = 2 * t * (1 - t), c = t * t
        return (a * w0.0 + b * bend.0 + c * w2.0, a * w0.1 + b * bend.1 + c * w2.1)
    }
    let curve = (0...200).map { bezier(Double($0) / 200) }
    func loss(_ x: Double, _ y: Double) -> Double {
        let d2 = curve.map { ($0.0 - x) * ($0.0 - x) + ($0.1 - y) * ($0.1 - y) }.min()!
        let ends = min((x - w0.0) * (x - w0.0) + (y - w0.1) * (y - w0.1), (x - w2.0) * (x - w2.0) + (y - w2.1) * (y - w2.1))
        return 0.02 + 9 * d2 + 0.15 * (1 - exp(-ends / 0.02)) + 1.2 * max(0, -y)
    }
    let xs = (0..<41).map { -0.2 + 1.4 * Double($0) / 40 }
    let ys = (0..<41).map { -0.2 + 1.4 * Double($0) / 40 }
    let values = ys.map { y in xs.map { x in loss(x, y) } }
    let levels = ContourLevels.logSpaced(values: values, vmax: 5, logAlpha: -5, count: 7)
    return PlaneData(xs: xs, ys: ys, values: values, levels: levels, curve: curve)
}

func planeExample() -> Example {
    let data = planeData()
    let (w0, w2, bend) = (PlaneData.w0, PlaneData.w2, PlaneData.bend)
    let (xs, ys, values, levels, curve) = (data.xs, data.ys, data.values, data.levels, data.curve)

    let figure = Figure(size: .singleColumn(aspect: 0.86))
    let p = figure.panel
    p.field(xs: xs, ys: ys, values: values, levels: levels, overflowLabel: "> 5", colorbarLabel: "train loss")
    p.line(x: [w0.0, w2.0], y: [w0.1, w2.1], label: "segment",
           style: LineStyle(color: .white, width: 1.4, dash: .dashed))
    p.line(x: curve.map(\.0), y: curve.map(\.1), label: "Bezier curve", style: LineStyle(color: .white, width: 2.6))
    p.scatter(x: [w0.0, w2.0], y: [w0.1, w2.1], label: "endpoints",
              style: MarkerStyle(shape: .circle, size: 7, fill: .ink, edge: .white, edgeWidth: 1))
    p.scatter(x: [bend.0], y: [bend.1], label: "bend",
              style: MarkerStyle(shape: .diamond, size: 7, fill: .ink, edge: .white, edgeWidth: 1))
    p.xAxis.label = "u (along w₂ − w₁)"
    p.yAxis.label = "v"
    p.title = "Train loss on the plane"
    return Example(name: "plane", caption: """
        A plane through two endpoints and a Bezier bend (synthetic loss): GAR's log-spaced levels with vmax 5, \
        log_alpha −5, N 7, an overflow band, endpoints as circles, the bend as a diamond, the curve thick and \
        the segment dashed.
        """, figure: figure)
}

/// Three planes side by side, as chapter 1 lays out its train-loss and test-error planes:
/// one colorbar per panel, the legend under the first panel only.
func planesRowExample() -> Example {
    let data = planeData()
    let figure = Figure(size: .doubleColumn(aspect: 0.36), grid: Grid(rows: 1, columns: 3))
    let titles = ["Three optima", "Bezier plane", "PolyChain plane"]
    for (k, title) in titles.enumerated() {
        let p = figure[0, k]
        let scale = [3.0, 1.0, 1.4][k]
        let values = data.values.map { $0.map { $0 * scale } }
        let levels = ContourLevels.logSpaced(values: values, vmax: 5, logAlpha: -5, count: 7)
        p.field(xs: data.xs, ys: data.ys, values: values, levels: levels, overflowLabel: "> 5",
                colorbarLabel: k == 2 ? "train loss" : nil)
        p.line(x: data.curve.map(\.0), y: data.curve.map(\.1), label: k == 0 ? "curve" : nil,
               style: LineStyle(color: .white, width: 2.2))
        p.scatter(x: [0, 1], y: [0, 0], label: k == 0 ? "endpoints" : nil,
                  style: MarkerStyle(shape: .circle, size: 6, fill: .ink, edge: .white, edgeWidth: 1))
        p.title = title
        p.xAxis.label = "u"
        if k == 0 { p.yAxis.label = "v" }
    }
    return Example(name: "planes-row", caption: """
        Three planes in a double-column row, each with its own colorbar; the legend sits under the first \
        panel.
        """, figure: figure)
}
