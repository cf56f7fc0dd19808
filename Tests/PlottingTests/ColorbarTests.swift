import Testing
@testable import Plotting

/// The colorbar's level labels stay distinct where log-spaced levels crowd together.
@Suite struct ColorbarTests {
    func labels(_ levels: [Double], overflow: String? = nil) -> [String] {
        let field = FieldSeries(xs: [0, 1], ys: [0, 1], values: [[0, 1], [1, 0]], levels: levels, colormap: .viridis,
                                overflowLabel: overflow, colorbarLabel: nil, contourLines: true)
        return Colorbar(field: field).boundaryLabels
    }

    @Test func twoSignificantDigitsWhereTheyAreEnough() {
        #expect(labels([0.1, 0.5, 2, 5], overflow: "> 5") == ["0.1", "0.5", "2", "5", "> 5"])
    }

    @Test func moreDigitsWhereNeighboursWouldReadTheSame() {
        // GAR's levels above a train loss of 0.25: 0.25 + e^(−5 + kγ) crowd at the bottom.
        let levels = ContourLevels.logSpaced(values: [[0.25, 5]], vmax: 5, logAlpha: -5, count: 7)
        let text = labels(levels)
        #expect(Set(text).count == text.count, "\(text)")
        #expect(text.first == "0.25" && text.last == "5")
    }
}

/// A heatmap paints one cell per matrix entry in its band's colour, and its axes reach the cells' edges.
@Suite struct HeatmapTests {
    @Test func eachCellTakesItsBandsColourAndTheExtentIncludesHalfCells() {
        let figure = Figure(size: .inches(3, 3))
        figure.panel.heatmap(xs: [0, 1], ys: [0, 1], values: [[0.1, 0.6], [0.9, 0.3]], levels: [0, 0.5, 1])
        guard case .field(let f) = figure.panel.series[0] else { Issue.record("no field"); return }
        #expect(f.cells && !f.contourLines)
        #expect(f.band(of: 0.1) == 0 && f.band(of: 0.6) == 1 && f.band(of: 0.9) == 1 && f.band(of: 1.0) == 1)
        #expect(f.extent.x == -0.5...1.5 && f.extent.y == -0.5...1.5)
        let extent = DataExtent(panel: figure.panel)
        #expect(extent.exactX == -0.5...1.5)
        // Two bands in use, so two filled paths: cells of a band are one path of rectangles.
        var scene = Scene(width: 100, height: 100)
        FieldPainter(transform: PanelTransform(plot: Rect(x: 0, y: 0, width: 100, height: 100),
                                               x: ResolvedAxis(axis: Axis(), limits: -0.5...1.5), y: ResolvedAxis(axis: Axis(), limits: -0.5...1.5)))
            .paint(f, into: &scene)
        #expect(scene.items.count == 2)
    }
}
