/// Paints a field as filled contours and contour lines.
///
/// Filling is cumulative: the field's rectangle takes the lowest band's colour, then for each
/// band k ≥ 1 the region `f >= levels[k]` is filled with band k's colour on top. Each region is
/// one path, so anti-aliasing leaves no hairline seams between grid cells.
struct FieldPainter {
    let transform: PanelTransform

    func paint(_ f: FieldSeries, into scene: inout Scene) {
        if f.cells { return paintCells(f, into: &scene) }
        let colors = f.bandColors
        let corners = [transform.point(f.xs.first!, f.ys.first!), transform.point(f.xs.last!, f.ys.last!)]
        let extent = Rect(x: min(corners[0].x, corners[1].x), y: min(corners[0].y, corners[1].y),
                          width: abs(corners[1].x - corners[0].x), height: abs(corners[1].y - corners[0].y))
        scene.items.append(.fill(.rect(extent), colors[0]))
        for k in 1..<colors.count {
            let regions = MarchingSquares.superlevelRegions(xs: f.xs, ys: f.ys, values: f.values, level: f.levels[k])
            var path = Path()
            for polygon in regions { path.append(.polygon(polygon.map { transform.point($0.x, $0.y) })) }
            if !path.isEmpty { scene.items.append(.fill(path, colors[k])) }
        }
        guard f.contourLines else { return }
        let lastLineLevel = f.overflowLabel == nil ? f.levels.count - 2 : f.levels.count - 1
        guard lastLineLevel >= 1 else { return }
        var path = Path()
        for level in f.levels[1...lastLineLevel] {
            for line in MarchingSquares.isolines(xs: f.xs, ys: f.ys, values: f.values, level: level) {
                path.append(.polyline(line.map { transform.point($0.x, $0.y) }))
            }
        }
        if !path.isEmpty { scene.items.append(.stroke(path, Stroke(color: Color.black.withAlpha(0.45), width: 0.5))) }
    }

    /// One rectangle per grid point, reaching halfway to its neighbours, in its band's colour;
    /// cells of one band are one path.
    func paintCells(_ f: FieldSeries, into scene: inout Scene) {
        let colors = f.bandColors
        var paths = [Path](repeating: Path(), count: colors.count)
        func edges(_ v: [Double], _ i: Int) -> (Double, Double) {
            let lo = i == 0 ? v[0] - (v[1] - v[0]) / 2 : (v[i - 1] + v[i]) / 2
            let hi = i == v.count - 1 ? v[i] + (v[i] - v[i - 1]) / 2 : (v[i] + v[i + 1]) / 2
            return (lo, hi)
        }
        for (j, row) in f.values.enumerated() {
            let (y0, y1) = edges(f.ys, j)
            for (i, value) in row.enumerated() where value.isFinite {
                let (x0, x1) = edges(f.xs, i)
                let a = transform.point(x0, y0), b = transform.point(x1, y1)
                // A hair of overlap so no background shows between neighbouring cells.
                paths[f.band(of: value)].append(.rect(Rect(x: min(a.x, b.x) - 0.15, y: min(a.y, b.y) - 0.15,
                                                           width: abs(b.x - a.x) + 0.3, height: abs(b.y - a.y) + 0.3)))
            }
        }
        for (k, path) in paths.enumerated() where !path.isEmpty { scene.items.append(.fill(path, colors[k])) }
    }
}

/// The colorbar beside a field panel: one equal-height segment per band, level values at the
/// boundaries, the overflow label at the top edge, and the colorbar label rotated on the right.
struct Colorbar {
    let field: FieldSeries

    /// Labels at the band boundaries, bottom to top.
    var boundaryLabels: [String] {
        // Two significant digits, or as many more (up to 5) as it takes for neighbouring levels to
        // read differently: log-spaced levels crowd near the minimum.
        let digits = (2...5).first { d in
            let l = field.levels.map { Ticks.compact($0, significant: d) }
            return zip(l, l.dropFirst()).allSatisfy { $0 != $1 }
        } ?? 5
        var labels = field.levels.map { Ticks.compact($0, significant: digits) }
        if let overflow = field.overflowLabel { labels.append(overflow) }
        return labels
    }

    /// Horizontal space the colorbar needs to the right of the plot area.
    func width(_ placer: TextPlacer) -> Double {
        let labels = boundaryLabels.map { placer.metrics($0, Theme.tickFont).width }.max() ?? 0
        let title = field.colorbarLabel.map { _ in Theme.labelPad + placer.metrics("Ag", Theme.labelFont).height } ?? 0
        return Theme.colorbarGap + Theme.colorbarWidth + Theme.tickLength + Theme.tickPad + labels + title
    }

    func paint(beside plot: Rect, into scene: inout Scene, placer: TextPlacer) {
        let bar = Rect(x: plot.maxX + Theme.colorbarGap, y: plot.minY, width: Theme.colorbarWidth, height: plot.height)
        let colors = field.bandColors
        let step = bar.height / Double(colors.count)
        for (k, color) in colors.enumerated() {
            let top = bar.maxY - Double(k + 1) * step
            // Overlap neighbours by a hair so no background shows through anti-aliased seams.
            scene.items.append(.fill(.rect(Rect(x: bar.x, y: top - 0.2, width: bar.width, height: step + 0.4)), color))
        }
        scene.items.append(.stroke(.rect(bar), Stroke(color: .ink, width: Theme.spineWidth, round: false)))
        var ticks = Path()
        var lastBox: Rect?
        var maxRight = bar.maxX
        let labels = boundaryLabels
        for (k, label) in labels.enumerated() {
            let y = bar.maxY - Double(k) * step
            let item = placer.place(label, font: Theme.tickFont,
                                    at: Point(bar.maxX + Theme.tickLength + Theme.tickPad, y),
                                    anchor: .left, role: .colorbarTickLabel)
            // Thin out labels that would collide; the first and the last always stay.
            if let last = lastBox, item.box.intersects(last), k != labels.count - 1 { continue }
            if k == labels.count - 1, let last = lastBox, item.box.intersects(last) { scene.items.removeLast() }
            ticks.append(.polyline([Point(bar.maxX, y), Point(bar.maxX + Theme.tickLength, y)]))
            scene.items.append(.text(item))
            lastBox = item.box
            maxRight = max(maxRight, item.box.maxX)
        }
        scene.items.append(.stroke(ticks, Stroke(color: .ink, width: Theme.spineWidth, round: false)))
        if let title = field.colorbarLabel {
            let item = placer.place(title, font: Theme.labelFont, at: Point(maxRight + Theme.labelPad, bar.midY),
                                    anchor: TextAnchor(.center, .top), quarterTurns: 1, role: .colorbarLabel)
            scene.items.append(.text(item))
        }
    }
}
