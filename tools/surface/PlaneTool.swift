import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import Plotting
import Reporting
import Tensor
import Training
import WeightSpace

/// `surface plane`: the loss surface on a plane of weight space (GAR's `plane.py`, Li et al.'s
/// filter-normalised plane), every grid point with BN recomputed, drawn as chapter 1 draws its planes.
struct PlaneTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plane",
        abstract: "Train loss and test error on a plane: through three networks, through a curve's ends and middle bend, or a filter-normalised random plane around one network.",
        discussion: """
            --networks A B C: GAR's plane with A at the origin, B on the x axis and C above it. --curve FILE: the plane \
            through the curve's first, middle and last bend, with the curve projected onto it. --around A: two \
            filter-normalised Gaussian directions (Li et al. 2018; biases and BN parameters not moved). Every grid \
            point's BN statistics are recomputed on a fixed training subset; points are cached, so an interrupted \
            run resumes.
            """)

    @Option(parsing: .upToNextOption, help: "Three networks' checkpoints: the plane through them.")
    var networks: [String] = []
    @Option(help: "A curve's checkpoint (from `surface curve`): the plane through its ends and middle bend.")
    var curve: String?
    @Option(help: "One network's checkpoint: a filter-normalised random plane around it.")
    var around: String?
    @Option(help: "Grid points per axis.")
    var grid: Int = 21
    @Option(help: "GAR's planes span [-margin, 1 + margin] of the networks' spacing on each axis.")
    var margin: Double = 0.2
    @Option(help: "The random plane spans [-range, range] times each direction (Li et al.: 1).")
    var range: Double = 1
    @Option(help: "Seed of the random plane's directions.")
    var seed: UInt64 = 1
    @OptionGroup var images: PointOptions
    @Option(name: .customLong("wd"), help: "Weight decay of the train loss's ½·wd·‖θ‖² term.")
    var weightDecay: Double = 5e-4
    @OptionGroup var options: ToolOptions

    func validate() throws {
        guard [!networks.isEmpty, curve != nil, around != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give one of --networks A B C, --curve FILE or --around FILE")
        }
        if !networks.isEmpty && networks.count != 3 { throw ValidationError("--networks takes three checkpoints, got \(networks.count)") }
        guard grid >= 3, margin >= 0, range > 0 else { throw ValidationError("need --grid ≥ 3, --margin ≥ 0, --range > 0") }
    }

    func run() throws {
        let started = Date(), data = try options.prepare()
        let files = try options.checkpoints(networks + [curve, around].compactMap { $0 }, data: data)
        let network = files[0].network, p = network.layout.parameterCount
        let probe = images.probe(network: network, state: files[0].snapshot.state, data: data, cache: options.cache, weightDecay: weightDecay)
        let spec = around == nil ? PlaneGridSpec(points: grid, lower: -margin, upper: 1 + margin) : PlaneGridSpec(points: grid, lower: -range, upper: range)
        var marks: [(name: String, x: Double, y: Double)] = [], overlay: [(x: Double, y: Double)] = []
        let measured: PlaneGrid, title: String, axes: (String, String)
        if let around {
            let center = try files[0].network(for: "plane --around")
            let plane = FilterNormalizedPlane(center: center.snapshot.parameters, layout: network.layout, seed: seed)
            measured = try probe.grid("random-plane", identity: "filter-normalised plane around \(center.sha256) seed \(seed)", plane: plane, spec: spec)
            marks = [(center.name, 0, 0)]
            (title, axes) = ("A filter-normalised random plane around \(center.name)", ("x (along δ)", "y (along η)"))
        } else if curve != nil {
            let file = files[0]
            guard case .curve(let bends) = file.content, let kind = file.curveKind else {
                throw CheckpointFileError(path: file.path, reason: "is not a curve's checkpoint (no bend0. tensors or no \"curve\" kind in its metadata)")
            }
            func bend(_ i: Int) -> [Float] { Array(file.snapshot.parameters[(i * p)..<((i + 1) * p)]) }
            if let why = Plane.degeneracy(bend(0), bend(bends / 2), bend(bends - 1)) {
                throw CheckpointFileError(path: file.path, reason: "no plane passes through the curve's ends and middle bend: \(why)")
            }
            let plane = Plane.through(bend(0), bend(bends / 2), bend(bends - 1)), path = Curve(kind, bends: bends)
            measured = try probe.grid("curve-plane", identity: "curve plane \(file.sha256)", plane: plane, spec: spec)
            overlay = CurveEvaluation.grid(points: 61).map { plane.coordinates(of: path.point(at: $0, bendVector: file.snapshot.parameters, parameterCount: p)) }
            let middle = plane.coordinates(of: bend(bends / 2))
            marks = [("start", 0, 0), ("end", plane.dx, 0), ("middle bend", middle.x, middle.y)]
            (title, axes) = ("The plane of the \(kind.rawValue) curve \(file.name)", ("u", "v"))
        } else {
            let w = try files.map { try $0.network(for: "plane --networks").snapshot.parameters }
            if let why = Plane.degeneracy(w[0], w[2], w[1]) {
                throw CheckpointFileError(path: files[2].path, reason: "no plane passes through \(files.map(\.name).joined(separator: ", ")): \(why)")
            }
            let plane = Plane.through(w[0], w[2], w[1])
            measured = try probe.grid("three-networks", identity: "plane through \(files.map(\.sha256).joined(separator: " "))", plane: plane, spec: spec)
            marks = zip(files, w).map { file, theta in let c = plane.coordinates(of: theta); return (file.name, c.x, c.y) }
            (title, axes) = ("The plane through \(files.map(\.name).joined(separator: ", "))", ("u", "v"))
        }
        var report = try ToolReport(title: title, inputs: files, settings: [
            ("grid", "\(grid) × \(grid) points, \(spec.lower) … \(spec.upper)" + (around == nil ? " of the plane's spacing" : " times each direction")),
            images.setting,
        ] + (around == nil ? [] : [("directions", "filter-normalised Gaussian, seed \(seed)")]), path: options.folder("plane"))
        try report.figure(planeFigure(measured, marks: marks, overlay: overlay, axes: axes), name: "plane",
                          caption: "Train loss (with the weight-decay term) and test error on the plane; GAR's log-spaced contour levels.")
        let best = measured.points.indices.min { measured.points[$0].trainLoss < measured.points[$1].trainLoss }!
        let cells = PlaneGrid.coordinates(xs: measured.xs, ys: measured.ys)
        report.summaryTable(header: ["", "x", "y", "train loss", "test error (%)"], rows: [
            ["lowest train loss on the grid", format(cells[best].x), format(cells[best].y), format4(measured.points[best].trainLoss), format2(100 * measured.points[best].testError)],
            ["highest train loss on the grid", "", "", format4(measured.points.map(\.trainLoss).max()!), format2(100 * measured.points.map(\.testError).max()!)],
        ])
        var table = CSVTable(header: ["x", "y", "train_loss", "train_nll", "train_error", "test_loss", "test_nll", "test_error"])
        for (cell, m) in zip(cells, measured.points) {
            table.append(numbers: [cell.x, cell.y, m.trainLoss, m.trainNLL, m.trainError, m.testLoss, m.testNLL, m.testError])
        }
        try report.data(table, name: "plane", what: "Every grid point")
        try report.finish(data: data, seconds: Date().timeIntervalSince(started))
    }

    /// Train loss and test error side by side, each on GAR's levels, with the networks (and the curve) marked.
    func planeFigure(_ grid: PlaneGrid, marks: [(name: String, x: Double, y: Double)], overlay: [(x: Double, y: Double)], axes: (String, String)) -> Figure {
        let figure = Figure(size: .doubleColumn(aspect: 0.42), grid: Grid(rows: 1, columns: 2))
        for (column, series) in PlaneSeries.allCases.enumerated() {
            let panel = figure[0, column], (levels, overflow) = series.levels(over: [grid])
            panel.field(xs: grid.xs, ys: grid.ys, values: grid.field(series.keyPath, scale: series.scale), levels: levels,
                        overflowLabel: overflow, colorbarLabel: series.label)
            if !overlay.isEmpty {
                panel.line(x: overlay.map(\.x), y: overlay.map(\.y), label: column == 0 ? "curve" : nil, style: LineStyle(color: .white, width: 2.4))
            }
            panel.scatter(x: marks.map(\.x), y: marks.map(\.y), label: column == 0 ? "networks" : nil, style: PlaneMarkers.network)
            for mark in marks { panel.text(mark.name, at: mark.x, mark.y, anchor: .left, offset: (6, 4), color: .white) }
            panel.legend = column == 0 ? .below : .hidden
            panel.title = series == .trainLoss ? "Train loss" : "Test error"
            panel.xAxis.label = axes.0
            panel.yAxis.label = column == 0 ? axes.1 : nil
        }
        return figure
    }
}
