import Foundation

/// An axis after layout: its limits, ticks and labels, and the map from data to page.
struct ResolvedAxis {
    var axis: Axis
    var limits: ClosedRange<Double>
    var ticks: [Double] = []
    var labels: [String] = []
    /// How a horizontal axis's category labels are set: side by side when they fit, else alternating
    /// between two rows, else turned a quarter (reading bottom to top).
    var categoryLabels = CategoryLabels.row

    enum CategoryLabels { case row, staggered, turned }

    /// Unlabelled minor ticks: 2…9 × 10ⁿ on a log axis whose major ticks are consecutive decades.
    var minorTicks: [Double] {
        guard axis.scale == .log, axis.ticks == nil, ticks.count >= 2, ticks.allSatisfy(Ticks.isDecade),
              abs(ticks[1] / ticks[0] - 10) < 1e-6 else { return [] }
        let first = Int(floor(log10(limits.lowerBound))), last = Int(ceil(log10(limits.upperBound)))
        return (first...last).flatMap { e in (2...9).map { Double($0) * pow(10, Double(e)) } }
            .filter { limits.contains($0) }
    }

    /// Position of `v` along the axis as a fraction of its length (0 at the lower limit).
    func fraction(_ v: Double) -> Double {
        let lo = axis.forward(limits.lowerBound), hi = axis.forward(limits.upperBound)
        return (axis.forward(v) - lo) / (hi - lo)
    }

    /// Chooses ticks that fit `length` points without label collisions: the most ticks (up to
    /// about one per `spacing` points) whose measured labels keep `Theme.tickLabelGap` apart.
    mutating func chooseTicks(length: Double, horizontal: Bool, categories: [String]?, placer: TextPlacer) {
        if let categories {
            ticks = categories.indices.map(Double.init)
            labels = categories
            if !horizontal || fits(length: length, horizontal: true, placer: placer) {
                categoryLabels = .row
            } else {
                categoryLabels = fits(length: length, horizontal: true, placer: placer, stride: 2) ? .staggered : .turned
            }
            return
        }
        if let fixed = axis.ticks {
            let inside = fixed.indices.filter { limits.contains(fixed[$0]) && axis.accepts(fixed[$0]) }
            ticks = inside.map { fixed[$0] }
            labels = inside.map { axis.tickLabels?[$0] ?? "" }
            if axis.tickLabels == nil { labels = Self.format(ticks, scale: axis.scale) }
            return
        }
        let spacing = horizontal ? 30.0 : 20.0
        let maxTarget = max(3, Int(length / spacing))
        for target in stride(from: maxTarget, through: 1, by: -1) {
            let candidate = axis.scale == .log
                ? Ticks.logarithmic(limits.lowerBound, limits.upperBound, maxCount: target + 1)
                : Ticks.linear(limits.lowerBound, limits.upperBound, target: target)
            let candidateLabels = Self.format(candidate, scale: axis.scale)
            ticks = candidate
            labels = candidateLabels
            if fits(length: length, horizontal: horizontal, placer: placer) { return }
        }
    }

    /// True when tick labels `stride` apart (neighbours by default) keep their distance along an
    /// axis of `length` points.
    func fits(length: Double, horizontal: Bool, placer: TextPlacer, stride: Int = 1) -> Bool {
        guard ticks.count > stride else { return true }
        let sizes = labels.map { placer.metrics($0, Theme.tickFont) }
        for i in stride..<ticks.count {
            let distance = abs(fraction(ticks[i]) - fraction(ticks[i - stride])) * length
            let needed = horizontal ? (sizes[i].width + sizes[i - stride].width) / 2 + Theme.tickLabelGap
                                    : (sizes[i].height + sizes[i - stride].height) / 2 + 1
            if distance < needed { return false }
        }
        return true
    }

    static func format(_ ticks: [Double], scale: Scale) -> [String] {
        scale == .log ? Ticks.logLabels(ticks) : Ticks.linearLabels(ticks)
    }
}

/// The map from data coordinates to a panel's plot area on the page.
struct PanelTransform {
    var plot: Rect
    var x: ResolvedAxis
    var y: ResolvedAxis

    func point(_ dx: Double, _ dy: Double) -> Point {
        Point(plot.minX + x.fraction(dx) * plot.width, plot.maxY - y.fraction(dy) * plot.height)
    }

    /// True when the data point can be drawn (finite, positive on log axes).
    func accepts(_ dx: Double, _ dy: Double) -> Bool { x.axis.accepts(dx) && y.axis.accepts(dy) }

    /// Page-space runs of consecutive drawable points (a non-drawable point breaks the run).
    func runs(x xs: [Double], y ys: [Double]) -> [[Point]] {
        var runs: [[Point]] = [], current: [Point] = []
        for (a, b) in zip(xs, ys) {
            if accepts(a, b) { current.append(point(a, b)) } else if !current.isEmpty { runs.append(current); current = [] }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }
}
