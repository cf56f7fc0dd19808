/// Where a panel's legend ended up.
enum LegendPosition { case none, inside(Point), right, below }

/// One panel during layout: its resolved axes, what it shows, and its rectangles.
struct PanelPlan {
    let panel: Panel
    let row: Int, column: Int
    var x: ResolvedAxis
    var y: ResolvedAxis
    var showXTickLabels = true, showYTickLabels = true
    var legend: Legend
    var legendPosition = LegendPosition.none
    var margins = (left: 0.0, right: 0.0, top: 0.0, bottom: 0.0)
    var plot = Rect(x: 0, y: 0, width: 100, height: 100)

    var transform: PanelTransform { PanelTransform(plot: plot, x: x, y: y) }
    var showXLabel: Bool { showXTickLabels && panel.xAxis.label != nil }
    var showYLabel: Bool { showYTickLabels && panel.yAxis.label != nil }
    var isOutside: Bool {
        switch legendPosition { case .right, .below: return true; default: return false }
    }
}

/// Lays a figure out: axis limits and ticks that fit, margins measured from the real text,
/// aligned plot areas across the grid, legends where they hide no data. The result is a
/// `Scene` the renderer replays.
extension Figure {
    /// Lays the figure out with `measurer` and records every drawing command.
    public func layout(measurer: TextMeasuring) -> Scene {
        let placer = TextPlacer(measurer: measurer)
        var plans = initialPlans()
        // Tick choice depends on axis length and margins depend on tick labels: iterate to a fixpoint.
        // Legends are placed once the geometry is realistic (from the third pass on).
        for pass in 0..<5 {
            for k in plans.indices {
                plans[k].x.chooseTicks(length: plans[k].plot.width, horizontal: true,
                                       categories: plans[k].panel.categories, placer: placer)
                plans[k].y.chooseTicks(length: plans[k].plot.height, horizontal: false, categories: nil, placer: placer)
                plans[k].margins = PanelDecorations(plan: plans[k], placer: placer).margins()
            }
            arrange(&plans, placer: placer)
            if pass >= 2 { for k in plans.indices { LegendPlacer(placer: placer).place(&plans[k]) } }
        }
        var scene = Scene(width: size.widthPoints, height: size.heightPoints)
        if let title {
            scene.items.append(.text(placer.place(title, font: Theme.figureTitleFont,
                                                  at: Point(size.widthPoints / 2, Theme.outerPadding),
                                                  anchor: .top, role: .figureTitle)))
        }
        for plan in plans {
            let decorations = PanelDecorations(plan: plan, placer: placer)
            decorations.paint(into: &scene)
            scene.panels.append(decorations.summary())
        }
        return scene
    }

    private func initialPlans() -> [PanelPlan] {
        let extents = panels.map(DataExtent.init(panel:))
        let sharedX = sharedAxes.contains(.x) ? extents.reduce(nil) { DataExtent.union($0, $1.x) } : nil
        let sharedY = sharedAxes.contains(.y) ? extents.reduce(nil) { DataExtent.union($0, $1.y) } : nil
        let exactX = sharedAxes.contains(.x) ? extents.reduce(nil) { DataExtent.union($0, $1.exactX) } : nil
        let exactY = sharedAxes.contains(.y) ? extents.reduce(nil) { DataExtent.union($0, $1.exactY) } : nil
        return panels.enumerated().map { k, panel in
            let e = extents[k]
            let xl = e.xLimits(panel.xAxis, data: sharedX ?? e.x, exact: exactX ?? e.exactX)
            let yl = e.yLimits(panel.yAxis, data: sharedY ?? e.y, exact: exactY ?? e.exactY)
            let row = k / grid.columns, column = k % grid.columns
            var plan = PanelPlan(panel: panel, row: row, column: column,
                                 x: ResolvedAxis(axis: panel.xAxis, limits: xl),
                                 y: ResolvedAxis(axis: panel.yAxis, limits: yl),
                                 legend: Legend(panel: panel))
            plan.showXTickLabels = !sharedAxes.contains(.x) || row == grid.rows - 1
            plan.showYTickLabels = !sharedAxes.contains(.y) || column == 0
            switch panel.legend {
            case .hidden: plan.legendPosition = .none
            case .outsideRight: plan.legendPosition = .right
            case .below: plan.legendPosition = .below
            case .automatic, .inside: break
            }
            if plan.legend.isEmpty { plan.legendPosition = .none }
            return plan
        }
    }

    /// Sets every plot rectangle: columns share left/right margins, rows share top/bottom ones,
    /// and all plot areas have the same size, so axes line up across the grid.
    private func arrange(_ plans: inout [PanelPlan], placer: TextPlacer) {
        let R = grid.rows, C = grid.columns, pad = Theme.outerPadding
        var left = [Double](repeating: 0, count: C), right = left
        var top = [Double](repeating: 0, count: R), bottom = top
        for p in plans {
            left[p.column] = max(left[p.column], p.margins.left)
            right[p.column] = max(right[p.column], p.margins.right)
            top[p.row] = max(top[p.row], p.margins.top)
            bottom[p.row] = max(bottom[p.row], p.margins.bottom)
        }
        let titleHeight = title.map { _ in placer.metrics("Ag", Theme.figureTitleFont).height + Theme.titlePad } ?? 0
        let gaps = Theme.panelGap * Double(C - 1)
        let plotWidth = max(10, (size.widthPoints - 2 * pad - left.reduce(0, +) - right.reduce(0, +) - gaps) / Double(C))
        let vgaps = Theme.panelGap * Double(R - 1)
        let plotHeight = max(10, (size.heightPoints - 2 * pad - titleHeight - top.reduce(0, +) - bottom.reduce(0, +) - vgaps) / Double(R))
        for k in plans.indices {
            let c = plans[k].column, r = plans[k].row
            let x = pad + (0..<c).reduce(0.0) { $0 + left[$1] + plotWidth + right[$1] + Theme.panelGap } + left[c]
            let y = pad + titleHeight + (0..<r).reduce(0.0) { $0 + top[$1] + plotHeight + bottom[$1] + Theme.panelGap } + top[r]
            plans[k].plot = Rect(x: x, y: y, width: plotWidth, height: plotHeight)
        }
    }
}
