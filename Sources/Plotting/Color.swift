/// An sRGB colour with alpha, components in [0, 1].
public struct Color: Equatable, Hashable, Sendable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red; self.green = green; self.blue = blue; self.alpha = alpha
    }

    /// A colour from a 24-bit hex value, e.g. `Color(hex: 0x0072B2)`.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
                  blue: Double(hex & 0xFF) / 255, alpha: alpha)
    }

    /// The same colour with another opacity.
    public func withAlpha(_ alpha: Double) -> Color {
        Color(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// Relative luminance (Rec. 709 weights on the stored components); used to pick readable text.
    public var luminance: Double { 0.2126 * red + 0.7152 * green + 0.0722 * blue }

    public static let black = Color(hex: 0x000000)
    public static let white = Color(hex: 0xFFFFFF)
    /// Text and spines: nearly black.
    public static let ink = Color(hex: 0x222222)
    /// Reference lines and error bars.
    public static let darkGrey = Color(hex: 0x555555)
    /// Background grid.
    public static let gridGrey = Color(hex: 0xE3E3E3)
    /// Legend frame.
    public static let lightGrey = Color(hex: 0xBBBBBB)
}

/// The categorical palette for series: Okabe & Ito's colour-blind-safe colours, ordered so that
/// neighbours differ in lightness too (they stay apart in greyscale print); dash patterns and
/// marker shapes vary with the series index as well (`LineStyle.automatic`, `MarkerShape.automatic`).
/// Okabe-Ito yellow (#F0E442) is left out: it is unreadable as a line on white.
public enum Palette {
    public static let okabeIto: [Color] = [
        Color(hex: 0x0072B2), // blue
        Color(hex: 0xD55E00), // vermillion
        Color(hex: 0x009E73), // bluish green
        Color(hex: 0xCC79A7), // reddish purple
        Color(hex: 0xE69F00), // orange
        Color(hex: 0x56B4E9), // sky blue
        Color(hex: 0x000000), // black
    ]

    /// The colour of series number `index` (cycling).
    public static func color(_ index: Int) -> Color { okabeIto[index % okabeIto.count] }
}
