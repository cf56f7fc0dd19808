/// Paints a panel's series into the plot area (the caller clips to it).
struct SeriesPainter {
    let transform: PanelTransform
    let placer: TextPlacer

    func paint(_ series: Series, into scene: inout Scene) {
        switch series {
        case .line(let s): paintLine(s, into: &scene)
        case .scatter(let s): Markers.paint(s.marker, at: transform.runs(x: s.x, y: s.y).flatMap { $0 }, into: &scene)
        case .band(let s): paintBand(s, into: &scene)
        case .reference(let s): paintReference(s, into: &scene)
        case .bars(let s): paintBars(s, into: &scene)
        case .text(let s): scene.items.append(.text(annotation(s)))
        case .field(let f): FieldPainter(transform: transform).paint(f, into: &scene)
        }
    }

    private func paintLine(_ s: LineSeries, into scene: inout Scene) {
        let runs = transform.runs(x: s.x, y: s.y)
        var path = Path()
        for run in runs { path.append(.polyline(run)) }
        let stroke = Stroke(color: s.style.color, width: s.style.width, dash: s.style.dash.lengths(width: s.style.width))
        if !path.isEmpty { scene.items.append(.stroke(path, stroke)) }
        if let marker = s.style.marker {
            Markers.paint(MarkerStyle(shape: marker, size: s.style.markerSize, fill: s.style.color),
                          at: runs.flatMap { $0 }, into: &scene)
        }
    }

    private func paintBand(_ s: BandSeries, into scene: inout Scene) {
        var path = Path()
        for run in bandRuns(s) { path.append(.polygon(run.upper + run.lower.reversed())) }
        if !path.isEmpty { scene.items.append(.fill(path, s.color.withAlpha(s.opacity))) }
    }

    /// Page-space upper and lower edges of a band, split where a point cannot be drawn.
    func bandRuns(_ s: BandSeries) -> [(upper: [Point], lower: [Point])] {
        var runs: [(upper: [Point], lower: [Point])] = [], upper: [Point] = [], lower: [Point] = []
        for k in s.x.indices {
            if transform.accepts(s.x[k], s.upper[k]) && transform.accepts(s.x[k], s.lower[k]) {
                upper.append(transform.point(s.x[k], s.upper[k]))
                lower.append(transform.point(s.x[k], s.lower[k]))
            } else if !upper.isEmpty {
                runs.append((upper, lower)); upper = []; lower = []
            }
        }
        if !upper.isEmpty { runs.append((upper, lower)) }
        return runs
    }

    /// The segment a reference line covers on the page, or nil when it is off the axis.
    func referenceSegment(_ s: ReferenceLine) -> (Point, Point)? {
        let plot = transform.plot
        switch s.orientation {
        case .horizontal:
            guard transform.y.axis.accepts(s.value) else { return nil }
            let y = transform.point(transform.x.limits.lowerBound, s.value).y
            return (Point(plot.minX, y), Point(plot.maxX, y))
        case .vertical:
            guard transform.x.axis.accepts(s.value) else { return nil }
            let x = transform.point(s.value, transform.y.limits.lowerBound).x
            return (Point(x, plot.minY), Point(x, plot.maxY))
        }
    }

    private func paintReference(_ s: ReferenceLine, into scene: inout Scene) {
        guard let (a, b) = referenceSegment(s) else { return }
        scene.items.append(.stroke(.polyline([a, b]), Stroke(color: s.style.color, width: s.style.width,
                                                             dash: s.style.dash.lengths(width: s.style.width), round: false)))
    }

    /// Page rectangles of every bar, by series then group.
    func barRects(_ s: BarGroups) -> [(series: Int, group: Int, rect: Rect)] {
        let base = transform.y.axis.scale == .log ? transform.y.limits.lowerBound : 0
        var result: [(Int, Int, Rect)] = []
        for (si, row) in s.values.enumerated() {
            for (g, v) in row.enumerated() where transform.y.axis.accepts(v) {
                let a = transform.point(s.center(series: si, group: g) - s.barWidth / 2, base)
                let b = transform.point(s.center(series: si, group: g) + s.barWidth / 2, v)
                result.append((si, g, Rect(x: a.x, y: min(a.y, b.y), width: b.x - a.x, height: abs(b.y - a.y))))
            }
        }
        return result
    }

    private func paintBars(_ s: BarGroups, into scene: inout Scene) {
        for (si, _, rect) in barRects(s) {
            scene.items.append(.fill(.rect(rect), s.colors[si]))
        }
        guard let errors = s.errors else { return }
        var path = Path()
        for (si, row) in s.values.enumerated() {
            for (g, v) in row.enumerated() where errors[si][g] > 0 {
                let x = s.center(series: si, group: g)
                let lo = v - errors[si][g], hi = v + errors[si][g]
                guard transform.accepts(x, hi) else { continue }
                let top = transform.point(x, hi)
                let bottom = transform.accepts(x, lo) ? transform.point(x, lo) : Point(top.x, transform.plot.maxY)
                let cap = min(3.0, transform.plot.width * s.barWidth / Double(s.groups.count) * 0.3)
                path.append(.polyline([bottom, top]))
                path.append(.polyline([Point(top.x - cap, top.y), Point(top.x + cap, top.y)]))
                path.append(.polyline([Point(bottom.x - cap, bottom.y), Point(bottom.x + cap, bottom.y)]))
            }
        }
        scene.items.append(.stroke(path, Stroke(color: .ink, width: 0.8, round: false)))
    }

    func annotation(_ s: TextAnnotation) -> TextItem {
        let p = transform.point(s.x, s.y)
        return placer.place(s.text, font: s.font, at: Point(p.x + s.offset.dx, p.y - s.offset.dy),
                            anchor: s.anchor, color: s.color, role: .annotation)
    }
}
