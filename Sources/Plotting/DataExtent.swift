/// The range of the data a panel draws along each axis, and how its limits are derived.
struct DataExtent {
    var x: ClosedRange<Double>?
    var y: ClosedRange<Double>?
    /// Limits fixed by the data itself (a field's grid, the category slots of bars), not padded.
    var exactX: ClosedRange<Double>?
    var exactY: ClosedRange<Double>?
    /// Bars start at zero: the lower y limit stays at 0 when the data is non-negative.
    var barsFromZero = false

    init(panel: Panel) {
        var xs: [Double] = [], ys: [Double] = []
        let xa = panel.xAxis, ya = panel.yAxis
        func add(_ px: [Double], _ py: [Double]) {
            for (a, b) in zip(px, py) where xa.accepts(a) && ya.accepts(b) { xs.append(a); ys.append(b) }
        }
        for series in panel.series {
            switch series {
            case .line(let s): add(s.x, s.y)
            case .scatter(let s): add(s.x, s.y)
            case .band(let s): add(s.x, s.lower); add(s.x, s.upper)
            case .reference(let r):
                if r.orientation == .horizontal, ya.accepts(r.value) { ys.append(r.value) }
                if r.orientation == .vertical, xa.accepts(r.value) { xs.append(r.value) }
            case .bars(let b):
                exactX = -0.5...(Double(b.groups.count) - 0.5)
                barsFromZero = ya.scale == .linear
                if barsFromZero { ys.append(0) }
                for (s, row) in b.values.enumerated() {
                    for (g, v) in row.enumerated() {
                        let e = b.errors?[s][g] ?? 0
                        ys += [v + e, v - e, v].filter { ya.accepts($0) }
                    }
                }
            case .text:
                break
            case .field(let f):
                (exactX, exactY) = f.extent
            }
        }
        if let lo = xs.min(), let hi = xs.max() { x = lo...hi }
        if let lo = ys.min(), let hi = ys.max() { y = lo...hi }
    }

    static func union(_ a: ClosedRange<Double>?, _ b: ClosedRange<Double>?) -> ClosedRange<Double>? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a.lowerBound, b.lowerBound)...max(a.upperBound, b.upperBound)
    }

    /// The x limits for `axis` given (possibly shared) data ranges.
    func xLimits(_ axis: Axis, data: ClosedRange<Double>?, exact: ClosedRange<Double>?) -> ClosedRange<Double> {
        if axis.limits == nil, let exact { return exact }
        return axis.resolvedLimits(dataRange: data)
    }

    func yLimits(_ axis: Axis, data: ClosedRange<Double>?, exact: ClosedRange<Double>?) -> ClosedRange<Double> {
        if axis.limits == nil, let exact { return exact }
        let limits = axis.resolvedLimits(dataRange: data)
        if barsFromZero, axis.limits == nil, let data, data.lowerBound >= 0 { return 0...limits.upperBound }
        return limits
    }
}
