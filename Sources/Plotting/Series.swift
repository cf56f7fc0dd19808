/// A line through points, optionally with markers at each point.
public struct LineSeries: Sendable {
    public var x: [Double], y: [Double]
    public var label: String?
    public var style: LineStyle
}

/// Unconnected points drawn as markers.
public struct ScatterSeries: Sendable {
    public var x: [Double], y: [Double]
    public var label: String?
    public var marker: MarkerStyle
}

/// A shaded region between two curves over the same x (e.g. mean ± std).
public struct BandSeries: Sendable {
    public var x: [Double], lower: [Double], upper: [Double]
    public var label: String?
    public var color: Color
    public var opacity: Double
}

/// A horizontal (constant y) or vertical (constant x) line across the whole panel.
public struct ReferenceLine: Sendable {
    public enum Orientation: Sendable { case horizontal, vertical }
    public var orientation: Orientation
    public var value: Double
    public var label: String?
    public var style: LineStyle
}

/// Grouped bars: one group per category along x, one bar per series inside each group.
public struct BarGroups: Sendable {
    public var groups: [String]
    public var series: [String]
    /// `values[s][g]`: height of series `s` in group `g`.
    public var values: [[Double]]
    /// Half-lengths of the error bars, same shape as `values`, or nil.
    public var errors: [[Double]]?
    public var colors: [Color]

    /// Fraction of a group's slot covered by its bars.
    static let groupWidth = 0.8
    /// Centre of bar `s` of group `g` in data coordinates (groups sit at 0, 1, 2, …).
    func center(series s: Int, group g: Int) -> Double {
        let width = Self.groupWidth / Double(series.count)
        return Double(g) - Self.groupWidth / 2 + (Double(s) + 0.5) * width
    }
    var barWidth: Double { Self.groupWidth / Double(series.count) }
}

/// Text placed at a data position, shifted by an offset in points.
public struct TextAnnotation: Sendable {
    public var text: String
    public var x: Double, y: Double
    public var anchor: TextAnchor
    /// Offset in points (x right, y up) from the data position.
    public var offset: (dx: Double, dy: Double)
    public var color: Color
    public var font: Font
}

/// Everything a panel can draw.
public enum Series: Sendable {
    case line(LineSeries)
    case scatter(ScatterSeries)
    case band(BandSeries)
    case reference(ReferenceLine)
    case bars(BarGroups)
    case text(TextAnnotation)
    case field(FieldSeries)

    /// The legend labels this series contributes.
    var legendLabels: [String] {
        switch self {
        case .line(let s): return s.label.map { [$0] } ?? []
        case .scatter(let s): return s.label.map { [$0] } ?? []
        case .band(let s): return s.label.map { [$0] } ?? []
        case .reference(let s): return s.label.map { [$0] } ?? []
        case .bars(let s): return s.series.count > 1 || !(s.series.first ?? "").isEmpty ? s.series : []
        case .text, .field: return []
        }
    }
}
