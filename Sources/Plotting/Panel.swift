/// Where a panel's legend goes.
public enum LegendPlacement: Equatable, Sendable {
    /// Inside the plot area at the first corner or edge where it covers no data; outside
    /// (to the right, or below a field) when every inside position would cover some.
    case automatic
    /// Inside at a fixed position, even over data.
    case inside(LegendCorner)
    case outsideRight
    case below
    case hidden
}

/// Inside positions a legend may take, in the order the automatic placement tries them.
public enum LegendCorner: CaseIterable, Sendable {
    case upperRight, upperLeft, lowerLeft, lowerRight, centerRight, centerLeft, upperCenter, lowerCenter
}

/// One set of axes and the series drawn in them. Add series with the methods below; styles left
/// nil are chosen from the series index (colour, dash pattern, marker), so they vary together.
public final class Panel {
    public var title: String?
    public var xAxis = Axis()
    public var yAxis = Axis()
    public var legend: LegendPlacement = .automatic
    /// Draw a light grid at the major ticks (never under a field).
    public var grid = true
    public private(set) var series: [Series] = []
    /// Category names when the panel holds bars: the x axis then shows them at 0, 1, 2, ….
    public private(set) var categories: [String]?
    private var styleIndex = 0

    public init() {}

    private func nextStyleIndex() -> Int { defer { styleIndex += 1 }; return styleIndex }

    private static func checkLengths(_ what: String, _ counts: Int...) {
        precondition(Set(counts).count == 1, "\(what): arrays of different lengths \(counts)")
    }

    /// A line through `(x[i], y[i])`; non-finite points break the line.
    public func line(x: [Double], y: [Double], label: String? = nil, style: LineStyle? = nil) {
        Self.checkLengths("line", x.count, y.count)
        series.append(.line(LineSeries(x: x, y: y, label: label, style: style ?? .automatic(nextStyleIndex()))))
    }

    /// Markers at `(x[i], y[i])`; shape and colour default to the series index's.
    public func scatter(x: [Double], y: [Double], label: String? = nil, marker: MarkerShape? = nil,
                        color: Color? = nil, size: Double = 4.5) {
        Self.checkLengths("scatter", x.count, y.count)
        let i = nextStyleIndex()
        let style = MarkerStyle(shape: marker ?? .automatic(i), size: size, fill: color ?? Palette.color(i))
        series.append(.scatter(ScatterSeries(x: x, y: y, label: label, marker: style)))
    }

    /// Markers with a fully specified style (e.g. white-edged points over a field).
    public func scatter(x: [Double], y: [Double], label: String? = nil, style: MarkerStyle) {
        Self.checkLengths("scatter", x.count, y.count)
        series.append(.scatter(ScatterSeries(x: x, y: y, label: label, marker: style)))
    }

    /// A shaded region between `lower` and `upper`.
    public func band(x: [Double], lower: [Double], upper: [Double], label: String? = nil,
                     color: Color? = nil, opacity: Double = 0.22) {
        Self.checkLengths("band", x.count, lower.count, upper.count)
        let c = color ?? Palette.color(nextStyleIndex())
        series.append(.band(BandSeries(x: x, lower: lower, upper: upper, label: label, color: c, opacity: opacity)))
    }

    /// The mean as a line and mean ± std as a band of the same colour, one legend entry.
    public func meanAndSpread(x: [Double], mean: [Double], std: [Double], label: String? = nil,
                              style: LineStyle? = nil) {
        Self.checkLengths("meanAndSpread", x.count, mean.count, std.count)
        let lineStyle = style ?? .automatic(nextStyleIndex())
        series.append(.band(BandSeries(x: x, lower: zip(mean, std).map { $0 - $1 },
                                       upper: zip(mean, std).map { $0 + $1 }, label: nil,
                                       color: lineStyle.color, opacity: 0.2)))
        series.append(.line(LineSeries(x: x, y: mean, label: label, style: lineStyle)))
    }

    /// A horizontal line at `y` across the panel.
    public func hline(_ y: Double, label: String? = nil, style: LineStyle = .reference) {
        series.append(.reference(ReferenceLine(orientation: .horizontal, value: y, label: label, style: style)))
    }

    /// A vertical line at `x` across the panel.
    public func vline(_ x: Double, label: String? = nil, style: LineStyle = .reference) {
        series.append(.reference(ReferenceLine(orientation: .vertical, value: x, label: label, style: style)))
    }

    /// Grouped bars: `values[s][g]` is the bar of series `s` in group `g`; `errors` (same shape)
    /// draws ± error bars. The x axis shows the group names. Bars start at 0.
    public func bars(groups: [String], series names: [String], values: [[Double]], errors: [[Double]]? = nil,
                     colors: [Color]? = nil) {
        precondition(values.count == names.count && values.allSatisfy { $0.count == groups.count },
                     "bars: values must be [series][group] = [\(names.count)][\(groups.count)]")
        if let errors {
            precondition(errors.count == names.count && errors.allSatisfy { $0.count == groups.count },
                         "bars: errors must have the shape of values")
        }
        let palette = colors ?? names.indices.map { _ in Palette.color(nextStyleIndex()) }
        categories = groups
        series.append(.bars(BarGroups(groups: groups, series: names, values: values, errors: errors, colors: palette)))
    }

    /// Text at the data position `(x, y)`, shifted by `offset` points (x right, y up).
    public func text(_ text: String, at x: Double, _ y: Double, anchor: TextAnchor = .left,
                     offset: (dx: Double, dy: Double) = (0, 0), color: Color = .ink,
                     font: Font = Theme.annotationFont) {
        series.append(.text(TextAnnotation(text: text, x: x, y: y, anchor: anchor, offset: offset,
                                           color: color, font: font)))
    }

    /// A field drawn as filled contours between `levels` with contour lines and a colorbar
    /// (`showsColorbar: false` leaves it to another panel with the same levels).
    /// `values[j][i]` is the value at `(xs[i], ys[j])`. The axes default to the grid's extent.
    public func field(xs: [Double], ys: [Double], values: [[Double]], levels: [Double],
                      colormap: Colormap = .viridis, overflowLabel: String? = nil,
                      colorbarLabel: String? = nil, contourLines: Bool = true, showsColorbar: Bool = true) {
        precondition(xs.count >= 2 && ys.count >= 2, "field: need a grid of at least 2×2 points")
        precondition(values.count == ys.count && values.allSatisfy { $0.count == xs.count },
                     "field: values must be [ys.count][xs.count] = [\(ys.count)][\(xs.count)]")
        precondition(levels.count >= 2 && zip(levels, levels.dropFirst()).allSatisfy { $0 < $1 },
                     "field: levels must be at least two, strictly increasing: \(levels)")
        series.append(.field(FieldSeries(xs: xs, ys: ys, values: values, levels: levels, colormap: colormap,
                                         overflowLabel: overflowLabel, colorbarLabel: colorbarLabel,
                                         contourLines: contourLines, showsColorbar: showsColorbar)))
    }

    /// A matrix drawn as a heatmap: cell (i, j) centred on `(xs[i], ys[j])` in the colour of the
    /// band of `levels` that holds `values[j][i]`, with a colorbar.
    public func heatmap(xs: [Double], ys: [Double], values: [[Double]], levels: [Double], colormap: Colormap = .viridis,
                        colorbarLabel: String? = nil, showsColorbar: Bool = true) {
        field(xs: xs, ys: ys, values: values, levels: levels, colormap: colormap, colorbarLabel: colorbarLabel,
              contourLines: false, showsColorbar: showsColorbar)
        if case .field(var f) = series.removeLast() {
            f.cells = true
            series.append(.field(f))
        }
    }

    /// The field of this panel, if any (one per panel is drawn with a colorbar).
    var fieldSeries: FieldSeries? {
        for s in series { if case .field(let f) = s { return f } }
        return nil
    }

    /// Legend labels in the order the series were added.
    public var legendLabels: [String] { series.flatMap(\.legendLabels) }
}
