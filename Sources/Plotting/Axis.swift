import Foundation

/// How data values map to positions along an axis.
public enum Scale: Equatable, Sendable {
    case linear
    /// Base-10 logarithmic; only positive values are drawn.
    case log
}

/// One axis of a panel: label, scale, optional fixed limits and ticks.
public struct Axis: Sendable {
    public var label: String?
    public var scale: Scale
    /// Fixed limits; nil means the data range widened by `padding` on each side.
    public var limits: ClosedRange<Double>?
    /// Fixed tick positions; nil chooses nice ticks that fit the axis length.
    public var ticks: [Double]?
    /// Labels for fixed ticks (same count as `ticks`); nil formats the numbers.
    public var tickLabels: [String]?
    /// Fraction of the data span added on each side when the limits are automatic.
    public var padding: Double

    public init(label: String? = nil, scale: Scale = .linear, limits: ClosedRange<Double>? = nil,
                ticks: [Double]? = nil, tickLabels: [String]? = nil, padding: Double = 0.05) {
        self.label = label; self.scale = scale; self.limits = limits; self.ticks = ticks
        self.tickLabels = tickLabels; self.padding = padding
    }

    /// The value in the axis's linear space (log10 of it on a log axis).
    func forward(_ v: Double) -> Double { scale == .log ? log10(v) : v }
    func inverse(_ u: Double) -> Double { scale == .log ? pow(10, u) : u }

    /// True when the value can be drawn on this axis.
    func accepts(_ v: Double) -> Bool { v.isFinite && (scale == .linear || v > 0) }

    /// Limits for data spanning `dataRange`: fixed limits if set, else padded in axis space.
    func resolvedLimits(dataRange: ClosedRange<Double>?, pad: Bool = true) -> ClosedRange<Double> {
        if let limits { return limits }
        guard let range = dataRange else { return scale == .log ? 1...10 : 0...1 }
        var lo = forward(range.lowerBound), hi = forward(range.upperBound)
        if hi - lo < 1e-12 * max(1, abs(lo)) {
            let half = scale == .log ? 0.5 : max(0.5, abs(lo) * 0.1)
            lo -= half; hi += half
        } else if pad {
            let p = (hi - lo) * padding
            lo -= p; hi += p
        }
        return inverse(lo)...inverse(hi)
    }
}
