/// Everything around a panel's data: grid, spines, ticks, tick labels, axis labels, title,
/// colorbar and legend; plus the margins they need, measured from the text itself.
struct PanelDecorations {
    let plan: PanelPlan
    let placer: TextPlacer

    private var tickHeight: Double { placer.metrics("0", Theme.tickFont).height }
    /// Height of the x tick labels: one row, two when the category labels are staggered, the longest
    /// label's width when they are turned.
    private var xTickLabelsHeight: Double {
        switch plan.x.categoryLabels {
        case .row: return tickHeight
        case .staggered: return 2 * tickHeight + Theme.tickPad
        case .turned: return plan.x.labels.map { placer.metrics($0, Theme.tickFont).width }.max() ?? tickHeight
        }
    }
    private var labelHeight: Double { placer.metrics("Ag", Theme.labelFont).height }
    private var maxYLabelWidth: Double { plan.y.labels.map { placer.metrics($0, Theme.tickFont).width }.max() ?? 0 }
    private var colorbar: Colorbar? { plan.panel.fieldSeries.flatMap { $0.showsColorbar ? Colorbar(field: $0) : nil } }

    /// Space needed outside the plot area on each side.
    func margins() -> (left: Double, right: Double, top: Double, bottom: Double) {
        var left = Theme.tickLength + (plan.showYTickLabels ? Theme.tickPad + maxYLabelWidth : 0)
        if plan.showYLabel { left += Theme.labelPad + labelHeight }
        var bottom = Theme.tickLength + (plan.showXTickLabels ? Theme.tickPad + xTickLabelsHeight : 0)
        if plan.showXLabel { bottom += Theme.labelPad + labelHeight }
        let top = plan.panel.title != nil
            ? Theme.titlePad + placer.metrics("Ag", Theme.titleFont).height
            : (plan.showYTickLabels ? tickHeight / 2 + 1 : 2)
        var right = colorbar?.width(placer) ?? 0
        let legendSize = plan.legend.size(placer)
        switch plan.legendPosition {
        case .right: right += Theme.colorbarGap + legendSize.width
        case .below: bottom += Theme.labelPad + 2 + legendSize.height
        default: break
        }
        if plan.showXTickLabels, plan.x.categoryLabels != .turned, let first = plan.x.labels.first, let last = plan.x.labels.last {
            // Outer x tick labels may overhang the plot area by half their width.
            left = max(left, placer.metrics(first, Theme.tickFont).width / 2 + 1)
            right = max(right, placer.metrics(last, Theme.tickFont).width / 2 + 1)
        }
        return (left, right, top, bottom)
    }

    /// Bottom of the x axis decorations (tick labels and axis label), in page coordinates.
    var xDecorationsBottom: Double {
        var y = plan.plot.maxY + Theme.tickLength
        if plan.showXTickLabels { y += Theme.tickPad + xTickLabelsHeight }
        if plan.showXLabel { y += Theme.labelPad + labelHeight }
        return y
    }

    func paint(into scene: inout Scene) {
        let plot = plan.plot, panel = plan.panel
        let transform = plan.transform
        let xPositions = plan.x.ticks.map { plot.minX + plan.x.fraction($0) * plot.width }
        let yPositions = plan.y.ticks.map { plot.maxY - plan.y.fraction($0) * plot.height }
        if panel.grid && panel.fieldSeries == nil {
            var grid = Path()
            for x in xPositions where panel.categories == nil { grid.append(.polyline([Point(x, plot.minY), Point(x, plot.maxY)])) }
            for y in yPositions { grid.append(.polyline([Point(plot.minX, y), Point(plot.maxX, y)])) }
            scene.items.append(.stroke(grid, Stroke(color: .gridGrey, width: Theme.gridWidth, round: false)))
        }
        let painter = SeriesPainter(transform: transform, placer: placer)
        scene.items.append(.pushClip(plot))
        for case .field(let f) in panel.series { painter.paint(.field(f), into: &scene) }
        for series in panel.series {
            switch series { case .field, .text: continue; default: painter.paint(series, into: &scene) }
        }
        scene.items.append(.popClip)
        for case .text(let t) in panel.series { painter.paint(.text(t), into: &scene) }
        scene.items.append(.stroke(.rect(plot), Stroke(color: .ink, width: Theme.spineWidth, round: false)))
        paintTicks(xPositions: xPositions, yPositions: yPositions, into: &scene)
        paintLabels(into: &scene)
        colorbar?.paint(beside: plot, into: &scene, placer: placer)
        paintLegend(into: &scene)
    }

    private func paintTicks(xPositions: [Double], yPositions: [Double], into scene: inout Scene) {
        let plot = plan.plot
        var marks = Path()
        for x in xPositions { marks.append(.polyline([Point(x, plot.maxY), Point(x, plot.maxY + Theme.tickLength)])) }
        for y in yPositions { marks.append(.polyline([Point(plot.minX, y), Point(plot.minX - Theme.tickLength, y)])) }
        let minor = Theme.tickLength * 0.6
        for v in plan.x.minorTicks {
            let x = plot.minX + plan.x.fraction(v) * plot.width
            marks.append(.polyline([Point(x, plot.maxY), Point(x, plot.maxY + minor)]))
        }
        for v in plan.y.minorTicks {
            let y = plot.maxY - plan.y.fraction(v) * plot.height
            marks.append(.polyline([Point(plot.minX, y), Point(plot.minX - minor, y)]))
        }
        scene.items.append(.stroke(marks, Stroke(color: .ink, width: Theme.spineWidth, round: false)))
        if plan.showXTickLabels {
            let top = plot.maxY + Theme.tickLength + Theme.tickPad
            for (i, (x, label)) in zip(xPositions, plan.x.labels).enumerated() {
                switch plan.x.categoryLabels {
                case .turned:
                    // Reading bottom to top, the label's end under its tick.
                    scene.items.append(.text(placer.place(label, font: Theme.tickFont, at: Point(x, top), anchor: TextAnchor(.right, .center),
                                                          quarterTurns: 1, role: .tickLabel)))
                case .row, .staggered:
                    // Staggered labels: every second one on the lower row.
                    let row = plan.x.categoryLabels == .staggered && i % 2 == 1 ? tickHeight + Theme.tickPad : 0
                    scene.items.append(.text(placer.place(label, font: Theme.tickFont, at: Point(x, top + row), anchor: .top, role: .tickLabel)))
                }
            }
        }
        if plan.showYTickLabels {
            for (y, label) in zip(yPositions, plan.y.labels) {
                scene.items.append(.text(placer.place(label, font: Theme.tickFont,
                                                      at: Point(plot.minX - Theme.tickLength - Theme.tickPad, y),
                                                      anchor: .right, role: .tickLabel)))
            }
        }
    }

    private func paintLabels(into scene: inout Scene) {
        let plot = plan.plot, panel = plan.panel
        if plan.showXLabel, let label = panel.xAxis.label {
            let y = xDecorationsBottom - labelHeight
            scene.items.append(.text(placer.place(label, font: Theme.labelFont, at: Point(plot.midX, y),
                                                  anchor: .top, role: .axisLabel)))
        }
        if plan.showYLabel, let label = panel.yAxis.label {
            let x = plot.minX - Theme.tickLength - Theme.tickPad - maxYLabelWidth - Theme.labelPad
            scene.items.append(.text(placer.place(label, font: Theme.labelFont, at: Point(x, plot.midY),
                                                  anchor: TextAnchor(.center, .bottom), quarterTurns: 1, role: .axisLabel)))
        }
        if let title = panel.title {
            scene.items.append(.text(placer.place(title, font: Theme.titleFont,
                                                  at: Point(plot.midX, plot.minY - Theme.titlePad),
                                                  anchor: .bottom, role: .title)))
        }
    }

    /// The legend's rectangle on the page, or nil when the panel has none.
    var legendBox: Rect? {
        let (w, h) = plan.legend.size(placer)
        switch plan.legendPosition {
        case .none: return nil
        case .inside(let origin): return Rect(x: origin.x, y: origin.y, width: w, height: h)
        case .right:
            let x = plan.plot.maxX + (colorbar?.width(placer) ?? 0) + Theme.colorbarGap
            return Rect(x: x, y: plan.plot.minY, width: w, height: h)
        case .below:
            return Rect(x: plan.plot.midX - w / 2, y: xDecorationsBottom + Theme.labelPad + 2, width: w, height: h)
        }
    }

    private func paintLegend(into scene: inout Scene) {
        guard let box = legendBox else { return }
        plan.legend.paint(at: Point(box.x, box.y), into: &scene, placer: placer)
    }

    /// The numbers tests check about this panel.
    func summary() -> PanelSummary {
        PanelSummary(plotArea: plan.plot, xRange: plan.x.limits, yRange: plan.y.limits,
                     xTicks: plan.x.ticks, yTicks: plan.y.ticks, xTickLabels: plan.x.labels,
                     yTickLabels: plan.y.labels,
                     seriesCount: plan.panel.series.filter { if case .text = $0 { return false } else { return true } }.count,
                     legendEntries: plan.legend.entries.map(\.label), legendBox: legendBox,
                     legendOutside: plan.isOutside)
    }
}
