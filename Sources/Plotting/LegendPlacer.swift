/// Chooses where a legend goes: the first inside position (corners first) whose box covers no
/// data, else outside the plot area — below a field panel (a field covers everything), to the
/// right of any other panel. Data is sampled on the page every few points along lines and band
/// edges, at markers, inside bars and bands, and on annotations.
struct LegendPlacer {
    let placer: TextPlacer
    /// Spacing of the samples along lines and inside areas, in points.
    static let sampleSpacing = 2.0
    /// Inset of an inside legend from the plot area's border.
    static let inset = 4.0

    func place(_ plan: inout PanelPlan) {
        guard !plan.legend.isEmpty else { plan.legendPosition = .none; return }
        if plan.isOutside { return }
        switch plan.panel.legend {
        case .hidden: plan.legendPosition = .none
        case .inside(let corner): plan.legendPosition = .inside(origin(corner, plan))
        case .automatic:
            if plan.panel.fieldSeries == nil, let corner = bestCorner(plan) {
                plan.legendPosition = .inside(origin(corner, plan))
            } else if plan.panel.fieldSeries != nil || plan.legend.size(placer).width > 0.3 * plan.plot.width {
                // Beside a narrow panel the legend would squeeze the data: put it underneath.
                plan.legend = Legend.fitting(panel: plan.panel, width: plan.plot.width + 40,
                                             maxColumns: plan.legend.entries.count, placer: placer)
                plan.legendPosition = .below
            } else {
                plan.legendPosition = .right
            }
        case .outsideRight, .below: break
        }
    }

    private func origin(_ corner: LegendCorner, _ plan: PanelPlan) -> Point {
        let (w, h) = plan.legend.size(placer)
        let p = plan.plot, d = Self.inset
        let left = p.minX + d, right = p.maxX - d - w, center = p.midX - w / 2
        let top = p.minY + d, bottom = p.maxY - d - h, middle = p.midY - h / 2
        switch corner {
        case .upperRight: return Point(right, top)
        case .upperLeft: return Point(left, top)
        case .lowerLeft: return Point(left, bottom)
        case .lowerRight: return Point(right, bottom)
        case .centerRight: return Point(right, middle)
        case .centerLeft: return Point(left, middle)
        case .upperCenter: return Point(center, top)
        case .lowerCenter: return Point(center, bottom)
        }
    }

    /// The first corner whose legend box covers no data sample, or nil.
    func bestCorner(_ plan: PanelPlan) -> LegendCorner? {
        let (w, h) = plan.legend.size(placer)
        guard w + 2 * Self.inset < plan.plot.width, h + 2 * Self.inset < plan.plot.height else { return nil }
        let samples = dataSamples(plan)
        return LegendCorner.allCases.first { corner in
            let o = origin(corner, plan)
            let box = Rect(x: o.x, y: o.y, width: w, height: h).inset(by: -2)
            return !samples.contains { box.contains($0) }
        }
    }

    /// Page-space points covered by the panel's data.
    func dataSamples(_ plan: PanelPlan) -> [Point] {
        let transform = plan.transform
        let painter = SeriesPainter(transform: transform, placer: placer)
        var samples: [Point] = []
        for series in plan.panel.series {
            switch series {
            case .line(let s):
                for run in transform.runs(x: s.x, y: s.y) { samples += densify(run, spread: s.style.marker == nil ? 1 : s.style.markerSize / 2) }
            case .scatter(let s):
                for p in transform.runs(x: s.x, y: s.y).joined() { samples += square(around: p, radius: s.marker.size / 2) }
            case .band(let s):
                for run in painter.bandRuns(s) {
                    for (u, l) in zip(densify(run.upper, spread: 0), densify(run.lower, spread: 0)) {
                        samples += densify([u, Point(u.x, l.y)], spread: 0)
                    }
                    samples += densify(run.upper, spread: 0) + densify(run.lower, spread: 0)
                }
            case .reference(let r):
                if let (a, b) = painter.referenceSegment(r) { samples += densify([a, b], spread: 1) }
            case .bars(let b):
                for (_, _, rect) in painter.barRects(b) { samples += fill(rect) }
            case .text(let t):
                samples += fill(painter.annotation(t).box)
            case .field:
                break  // a field covers the whole plot area; `place` never puts a legend inside it
            }
        }
        return samples
    }

    /// Points every `sampleSpacing` along a polyline, each widened by `spread` points.
    private func densify(_ run: [Point], spread: Double) -> [Point] {
        guard let first = run.first else { return [] }
        var out = spread > 0 ? square(around: first, radius: spread) : [first]
        for (a, b) in zip(run, run.dropFirst()) {
            let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            let steps = max(1, Int(length / Self.sampleSpacing))
            for k in 1...steps {
                let t = Double(k) / Double(steps)
                let p = Point(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))
                out += spread > 0 ? square(around: p, radius: spread) : [p]
            }
        }
        return out
    }

    private func square(around p: Point, radius r: Double) -> [Point] {
        [p, Point(p.x - r, p.y - r), Point(p.x + r, p.y - r), Point(p.x + r, p.y + r), Point(p.x - r, p.y + r)]
    }

    private func fill(_ rect: Rect) -> [Point] {
        guard rect.width >= 0, rect.height >= 0 else { return [] }
        let nx = max(1, Int(rect.width / Self.sampleSpacing)), ny = max(1, Int(rect.height / Self.sampleSpacing))
        return (0...ny).flatMap { j in (0...nx).map { i in
            Point(rect.x + rect.width * Double(i) / Double(nx), rect.y + rect.height * Double(j) / Double(ny))
        } }
    }
}
