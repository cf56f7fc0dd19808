/// A dash pattern for stroked lines; lengths in points, scaled with the line width.
public enum DashPattern: Equatable, Sendable {
    case solid, dashed, dotted, dashDot

    /// On/off lengths for a line of width `width`.
    public func lengths(width: Double) -> [Double] {
        let w = max(width, 0.8)
        switch self {
        case .solid: return []
        case .dashed: return [3.7 * w, 1.6 * w]
        case .dotted: return [1 * w, 1.65 * w]
        case .dashDot: return [6.4 * w, 1.6 * w, 1 * w, 1.6 * w]
        }
    }

    /// The pattern of series number `index`: solid, dashed, dash-dot, dotted, cycling.
    public static func automatic(_ index: Int) -> DashPattern {
        [.solid, .dashed, .dashDot, .dotted][index % 4]
    }
}

/// Marker shapes for scatter plots and line markers.
public enum MarkerShape: Equatable, Sendable, CaseIterable {
    case circle, square, diamond, triangle

    /// The marker of series number `index` (cycling).
    public static func automatic(_ index: Int) -> MarkerShape { allCases[index % allCases.count] }
}

/// How markers look: shape, size (diameter of the enclosing circle in points), fill and edge.
public struct MarkerStyle: Equatable, Sendable {
    public var shape: MarkerShape
    public var size: Double
    public var fill: Color
    public var edge: Color
    public var edgeWidth: Double

    public init(shape: MarkerShape = .circle, size: Double = 4.5, fill: Color,
                edge: Color = .white, edgeWidth: Double = 0.5) {
        self.shape = shape; self.size = size; self.fill = fill; self.edge = edge; self.edgeWidth = edgeWidth
    }
}

/// How a line series looks.
public struct LineStyle: Equatable, Sendable {
    public var color: Color
    public var width: Double
    public var dash: DashPattern
    /// Markers drawn at every data point, or nil for none.
    public var marker: MarkerShape?
    public var markerSize: Double

    public init(color: Color, width: Double = 1.4, dash: DashPattern = .solid,
                marker: MarkerShape? = nil, markerSize: Double = 4) {
        self.color = color; self.width = width; self.dash = dash; self.marker = marker
        self.markerSize = markerSize
    }

    /// The default style of line series number `index`: palette colour and dash pattern both
    /// vary, so lines stay distinguishable in greyscale.
    public static func automatic(_ index: Int) -> LineStyle {
        LineStyle(color: Palette.color(index), dash: .automatic(index))
    }

    /// A thin dashed grey line for reference values.
    public static let reference = LineStyle(color: .darkGrey, width: 0.9, dash: .dashed)
}

/// Where a piece of text sits relative to its anchor point.
public struct TextAnchor: Equatable, Sendable {
    public enum Horizontal: Sendable { case left, center, right }
    public enum Vertical: Sendable { case top, center, baseline, bottom }
    public var horizontal: Horizontal
    public var vertical: Vertical
    public init(_ horizontal: Horizontal, _ vertical: Vertical) {
        self.horizontal = horizontal; self.vertical = vertical
    }
    public static let center = TextAnchor(.center, .center)
    public static let left = TextAnchor(.left, .center)
    public static let right = TextAnchor(.right, .center)
    public static let top = TextAnchor(.center, .top)
    public static let bottom = TextAnchor(.center, .bottom)
}
