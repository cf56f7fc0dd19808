/// One element of a path, in figure coordinates (points, y down).
public enum PathElement: Equatable, Sendable {
    case move(Point)
    case line(Point)
    case close
    /// A full circle as its own closed subpath.
    case circle(center: Point, radius: Double)
}

/// A vector path: a list of subpaths built from `PathElement`s.
public struct Path: Equatable, Sendable {
    public var elements: [PathElement] = []
    public init(_ elements: [PathElement] = []) { self.elements = elements }

    /// An open polyline through `points` (empty when fewer than two).
    public static func polyline(_ points: [Point]) -> Path {
        guard points.count >= 2 else { return Path() }
        return Path([.move(points[0])] + points.dropFirst().map { .line($0) })
    }

    /// A closed polygon through `points`.
    public static func polygon(_ points: [Point]) -> Path {
        var path = polyline(points)
        if !path.elements.isEmpty { path.elements.append(.close) }
        return path
    }

    public static func rect(_ r: Rect) -> Path {
        polygon([Point(r.minX, r.minY), Point(r.maxX, r.minY), Point(r.maxX, r.maxY), Point(r.minX, r.maxY)])
    }

    /// Appends the subpaths of `other`.
    public mutating func append(_ other: Path) { elements += other.elements }
    public var isEmpty: Bool { elements.isEmpty }
}

/// How a path is stroked.
public struct Stroke: Equatable, Sendable {
    public var color: Color
    public var width: Double
    public var dash: [Double]
    /// Round caps and joins (lines, markers) or butt caps and miter joins (spines, ticks).
    public var round: Bool
    public init(color: Color, width: Double, dash: [Double] = [], round: Bool = true) {
        self.color = color; self.width = width; self.dash = dash; self.round = round
    }
}

/// What a piece of text is; lets tests and the legend placer ask about text by role.
public enum TextRole: Equatable, Sendable {
    case tickLabel, axisLabel, title, figureTitle, legend, colorbarLabel, colorbarTickLabel, annotation
}

/// A placed line of text. `origin` is the baseline start before rotation; `box` is the
/// rectangle it covers on the page (after rotation), used for overlap checks.
public struct TextItem: Equatable, Sendable {
    public var text: String
    public var font: Font
    public var color: Color
    public var origin: Point
    /// Rotation in quarter turns counter-clockwise: 0 (horizontal) or 1 (reads bottom to top).
    public var quarterTurns: Int
    public var box: Rect
    public var role: TextRole
}

/// One drawing command.
public enum SceneItem: Equatable, Sendable {
    case fill(Path, Color)
    case stroke(Path, Stroke)
    case text(TextItem)
    /// Clip everything until the matching `popClip` to a rectangle.
    case pushClip(Rect)
    case popClip
}

/// What the layout decided for one panel: the numbers tests check.
public struct PanelSummary: Equatable, Sendable {
    public var plotArea: Rect
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var xTicks: [Double]
    public var yTicks: [Double]
    public var xTickLabels: [String]
    public var yTickLabels: [String]
    public var seriesCount: Int
    public var legendEntries: [String]
    /// The legend's rectangle, nil when the panel has none.
    public var legendBox: Rect?
    /// True when the legend had to leave the plot area to hide no data.
    public var legendOutside: Bool
}

/// A recording of a laid-out figure: the drawing commands in painting order plus a summary per
/// panel. The Cairo renderer replays it to PNG or SVG; tests inspect it directly.
public struct Scene: Sendable {
    public var width: Double
    public var height: Double
    public var items: [SceneItem] = []
    public var panels: [PanelSummary] = []

    public init(width: Double, height: Double) { self.width = width; self.height = height }

    /// Every text item, in painting order.
    public var texts: [TextItem] {
        items.compactMap { if case .text(let t) = $0 { return t } else { return nil } }
    }

    /// Pairs of text items whose boxes overlap (annotations excluded: the caller places those).
    public func overlappingTexts() -> [(TextItem, TextItem)] {
        let placed = texts.filter { $0.role != .annotation }
        var result: [(TextItem, TextItem)] = []
        for i in placed.indices {
            for j in placed.indices where j > i && placed[i].box.intersects(placed[j].box) {
                result.append((placed[i], placed[j]))
            }
        }
        return result
    }
}
