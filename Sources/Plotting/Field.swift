import Foundation

/// A scalar field on a rectangular grid, drawn as filled contours between caller-given levels,
/// contour lines on the interior levels, and a colorbar with equal-height bands.
public struct FieldSeries: Sendable {
    /// Grid coordinates, strictly increasing.
    public var xs: [Double], ys: [Double]
    /// `values[j][i]` is the value at `(xs[i], ys[j])`.
    public var values: [[Double]]
    /// Band boundaries, strictly increasing; band k covers `[levels[k], levels[k+1])`.
    public var levels: [Double]
    public var colormap: Colormap
    /// When set, one more band above the last level, labelled with this text on the colorbar
    /// (e.g. "> 5"); when nil, values above the last level take the top band's colour.
    public var overflowLabel: String?
    public var colorbarLabel: String?
    public var contourLines: Bool
    /// Whether this panel draws the colorbar. Panels of one row that share `levels` can leave it
    /// to the last one (one colorbar per row).
    public var showsColorbar: Bool = true
    /// Drawn as a heatmap: one cell per grid point, centred on it and coloured by its band (a
    /// matrix), instead of filled contours interpolated between points (a surface).
    public var cells: Bool = false

    /// The band holding `value`: k with `levels[k] ≤ value < levels[k+1]`, clamped to the bands.
    public func band(of value: Double) -> Int {
        var k = 0
        while k + 1 < levels.count && value >= levels[k + 1] { k += 1 }
        if overflowLabel == nil { k = min(k, levels.count - 2) }
        return min(k, bandCount - 1)
    }

    /// The grid's extent: its outermost points, or for cells their outer edges.
    public var extent: (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        guard cells else { return (xs.first!...xs.last!, ys.first!...ys.last!) }
        let hx = (xs.last! - xs.first!) / Double(2 * (xs.count - 1)), hy = (ys.last! - ys.first!) / Double(2 * (ys.count - 1))
        return ((xs.first! - hx)...(xs.last! + hx), (ys.first! - hy)...(ys.last! + hy))
    }

    /// Number of coloured bands (including the overflow band).
    public var bandCount: Int { levels.count - 1 + (overflowLabel == nil ? 0 : 1) }
    /// Colour of each band, bottom to top.
    public var bandColors: [Color] { colormap.colors(count: bandCount) }
}

/// Contour levels as the mode-connectivity papers draw them.
public enum ContourLevels {
    /// Garipov et al.'s log-spaced levels (`plane_plot.py`): with values clipped at `vmax`,
    /// `level_k = min + exp(logAlpha + k·(log(max − min) − logAlpha)/count)` for k = 0…count,
    /// then `level_0 = min` and `level_count = max` exactly. Dense near the minimum, where the
    /// interesting structure of a loss surface is. GAR: train loss vmax 5, logAlpha −5, count 7;
    /// test error vmax 40, logAlpha −1, count 7.
    /// - Precondition: the field has at least two distinct finite values.
    public static func logSpaced(values: [[Double]], vmax: Double? = nil, logAlpha: Double, count: Int) -> [Double] {
        let finite = values.joined().filter(\.isFinite).map { value in vmax.map { min(value, $0) } ?? value }
        guard let lo = finite.min(), let hi = finite.max(), hi > lo else {
            preconditionFailure("log-spaced levels need two distinct finite values")
        }
        precondition(count >= 1, "level count must be at least 1, got \(count)")
        let gamma = (log(hi - lo) - logAlpha) / Double(count)
        var levels = (0...count).map { lo + exp(logAlpha + gamma * Double($0)) }
        levels[0] = lo
        levels[count] = hi
        return levels
    }

    /// Evenly spaced levels from `lo` to `hi`, `count` intervals.
    public static func linear(from lo: Double, to hi: Double, count: Int) -> [Double] {
        (0...count).map { lo + (hi - lo) * Double($0) / Double(count) }
    }
}
