/// A figure's physical size. Paper presets follow the usual two-column journal and conference
/// layouts: a single column is about 3.3 in wide, a double column about 6.9 in.
public struct FigureSize: Equatable, Sendable {
    public var widthInches: Double
    public var heightInches: Double

    public init(widthInches: Double, heightInches: Double) {
        precondition(widthInches > 0 && heightInches > 0, "figure size must be positive, got \(widthInches)×\(heightInches) in")
        self.widthInches = widthInches; self.heightInches = heightInches
    }

    /// 3.3 in wide; height = width × `aspect`.
    public static func singleColumn(aspect: Double = 0.75) -> FigureSize {
        FigureSize(widthInches: 3.3, heightInches: 3.3 * aspect)
    }

    /// 6.9 in wide; height = width × `aspect`.
    public static func doubleColumn(aspect: Double = 0.4) -> FigureSize {
        FigureSize(widthInches: 6.9, heightInches: 6.9 * aspect)
    }

    /// Any size, in inches.
    public static func inches(_ width: Double, _ height: Double) -> FigureSize {
        FigureSize(widthInches: width, heightInches: height)
    }

    public var widthPoints: Double { widthInches * 72 }
    public var heightPoints: Double { heightInches * 72 }
}

/// Rows × columns of panels.
public struct Grid: Equatable, Sendable {
    public var rows: Int
    public var columns: Int
    public init(rows: Int, columns: Int) {
        precondition(rows >= 1 && columns >= 1, "grid must be at least 1×1, got \(rows)×\(columns)")
        self.rows = rows; self.columns = columns
    }
    public static let single = Grid(rows: 1, columns: 1)
}

/// Which axes the panels of a figure share: shared axes have one range across all panels, and
/// only the outer panels (bottom row for x, left column for y) show tick labels and axis labels.
public struct SharedAxes: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let x = SharedAxes(rawValue: 1)
    public static let y = SharedAxes(rawValue: 2)
}

/// A figure: panels on a grid, laid out without overlapping text and drawn by one Cairo
/// renderer to PNG, SVG and PDF (`write(png:dpi:)`, `write(svg:)`, `write(pdf:)`, `save(to:name:dpi:)`).
///
/// ```swift
/// let figure = Figure(size: .singleColumn(), grid: .single)
/// figure.panel.line(x: t, y: loss, label: "Bezier")
/// figure.panel.xAxis.label = "t"
/// try figure.save(to: "figures/chapter2", name: "curve-loss")
/// ```
public final class Figure {
    public let size: FigureSize
    public let grid: Grid
    public let sharedAxes: SharedAxes
    /// An optional title above all panels.
    public var title: String?
    /// Panels in row-major order.
    public let panels: [Panel]

    public init(size: FigureSize, grid: Grid = .single, sharedAxes: SharedAxes = [], title: String? = nil) {
        self.size = size
        self.grid = grid
        self.sharedAxes = sharedAxes
        self.title = title
        self.panels = (0..<(grid.rows * grid.columns)).map { _ in Panel() }
    }

    /// The panel at `row`, `column` (both from 0).
    public subscript(row: Int, column: Int) -> Panel {
        precondition(row >= 0 && row < grid.rows && column >= 0 && column < grid.columns,
                     "panel (\(row), \(column)) outside a \(grid.rows)×\(grid.columns) grid")
        return panels[row * grid.columns + column]
    }

    /// The first panel (the only one of a single-panel figure).
    public var panel: Panel { panels[0] }
}
