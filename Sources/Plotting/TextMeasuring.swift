/// A font request: family name, size in points, weight.
public struct Font: Equatable, Hashable, Sendable {
    public var family: String
    public var size: Double
    public var bold: Bool
    public init(family: String = Theme.fontFamily, size: Double, bold: Bool = false) {
        self.family = family; self.size = size; self.bold = bold
    }
}

/// The measured size of a line of text, in points.
public struct TextMetrics: Equatable, Sendable {
    /// Advance width of the string.
    public var width: Double
    /// Height above the baseline reserved by the font (not just this string's glyphs).
    public var ascent: Double
    /// Depth below the baseline reserved by the font (positive).
    public var descent: Double
    public init(width: Double, ascent: Double, descent: Double) {
        self.width = width; self.ascent = ascent; self.descent = descent
    }
    public var height: Double { ascent + descent }
}

/// Measures text so the layout can place labels without overlaps. The Cairo renderer provides
/// the real measurer (`CairoTextMeasurer`); tests may use `ApproximateTextMeasurer`.
public protocol TextMeasuring {
    func measure(_ text: String, font: Font) -> TextMetrics
}

/// A measurer with fixed per-character advance (0.6 em) and DejaVu-like ascent/descent;
/// deterministic and font-free, for tests of the layout engine.
public struct ApproximateTextMeasurer: TextMeasuring {
    public init() {}
    public func measure(_ text: String, font: Font) -> TextMetrics {
        TextMetrics(width: 0.6 * font.size * Double(text.count), ascent: 0.93 * font.size,
                    descent: 0.24 * font.size)
    }
}

/// Sizes and fonts of figure decorations, in points. One theme for every figure keeps a paper's
/// figures consistent; the sizes suit 3.3 in and 6.9 in wide figures printed at 100 %.
public enum Theme {
    public static let fontFamily = "DejaVu Sans"
    public static let tickFont = Font(size: 7)
    public static let labelFont = Font(size: 8)
    public static let titleFont = Font(size: 8.5, bold: true)
    public static let figureTitleFont = Font(size: 9.5, bold: true)
    public static let legendFont = Font(size: 7)
    public static let annotationFont = Font(size: 7)

    public static let outerPadding = 4.0
    public static let tickLength = 3.0
    public static let tickPad = 2.0
    public static let labelPad = 3.5
    public static let titlePad = 5.0
    public static let panelGap = 8.0
    public static let spineWidth = 0.7
    public static let gridWidth = 0.5
    public static let colorbarGap = 7.0
    public static let colorbarWidth = 8.0
    /// Minimum clear space between neighbouring tick labels.
    public static let tickLabelGap = 5.0
}
