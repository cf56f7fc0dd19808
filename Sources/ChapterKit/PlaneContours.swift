import Plotting
import WeightSpace

/// The two quantities drawn on every loss-surface plane, with GAR's contour settings
/// (`plane_plot.py`), for chapter 1 and `surface plane`.
public enum PlaneSeries: CaseIterable, Sendable {
    case trainLoss, testError

    public var keyPath: KeyPath<PointMetrics, Double> { self == .trainLoss ? \.trainLoss : \.testError }
    public var scale: Double { self == .trainLoss ? 1 : 100 }
    public var vmax: Double { self == .trainLoss ? 5 : 40 }
    public var logAlpha: Double { self == .trainLoss ? -5 : -1 }
    public var label: String { self == .trainLoss ? "train loss" : "test error (%)" }

    /// GAR's log-spaced levels over every grid drawn on one colour scale, and the overflow label
    /// when values exceed them.
    public func levels(over grids: [PlaneGrid], count: Int = 7) -> (levels: [Double], overflow: String?) {
        let values = grids.flatMap { $0.field(keyPath, scale: scale) }
        let all = values.joined().filter(\.isFinite)
        let lo = all.min() ?? 0, hi = all.max() ?? 1
        // Every value at or above vmax (an untrained network): GAR's levels are undefined, so
        // span the values linearly instead.
        guard lo < vmax else { return (ContourLevels.linear(from: lo, to: max(hi, lo + 1), count: count), nil) }
        let levels = ContourLevels.logSpaced(values: values, vmax: vmax, logAlpha: logAlpha, count: count)
        let top = levels.last!
        let overflows = values.joined().contains { $0 > top }
        return (levels, overflows ? "> " + Ticks.compact(top) : nil)
    }
}

/// The markers planes draw networks and bends with.
public enum PlaneMarkers {
    public static let network = MarkerStyle(shape: .circle, size: 6, fill: .ink, edge: .white, edgeWidth: 1)
    public static let bend = MarkerStyle(shape: .diamond, size: 7, fill: .ink, edge: .white, edgeWidth: 1)
}
