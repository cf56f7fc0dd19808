import Testing
@testable import Plotting

/// Layout checked on the recorded scene (no pixels): what was drawn, where, and that no two
/// pieces of placed text overlap.
@Suite("Figure layout")
struct LayoutTests {
    static let t = (0...20).map { Double($0) / 20 }

    static func lineFigure() -> Figure {
        let figure = Figure(size: .singleColumn())
        let p = figure.panel
        p.line(x: t, y: t.map { 1 + 9 * $0 * (1 - $0) }, label: "segment")
        p.line(x: t, y: t.map { 1 + $0 * (1 - $0) }, label: "Bezier")
        p.scatter(x: [0, 1], y: [1, 1], label: "endpoints")
        p.hline(1)
        p.xAxis.label = "t"
        p.yAxis.label = "test error (%)"
        p.title = "Along the curve"
        return figure
    }

    @Test("a line figure records its series, ranges, ticks, labels and legend")
    func lineSummary() throws {
        for measurer in [ApproximateTextMeasurer() as TextMeasuring, CairoTextMeasurer()] {
            let scene = Self.lineFigure().layout(measurer: measurer)
            let panel = try #require(scene.panels.first)
            #expect(panel.seriesCount == 4)
            #expect(panel.legendEntries == ["segment", "Bezier", "endpoints"])
            // x data 0…1 padded by 5 %; y data 1…3.25 padded by 5 % of 2.25
            #expect(abs(panel.xRange.lowerBound + 0.05) < 1e-12 && abs(panel.xRange.upperBound - 1.05) < 1e-12)
            #expect(abs(panel.yRange.lowerBound - (1 - 0.1125)) < 1e-12)
            #expect(panel.xTicks.first == 0 && panel.xTicks.last == 1)
            #expect(panel.xTickLabels.count == panel.xTicks.count && panel.xTicks.count >= 3)
            let texts = scene.texts
            #expect(texts.contains { $0.role == .axisLabel && $0.text == "t" })
            #expect(texts.contains { $0.role == .axisLabel && $0.text == "test error (%)" && $0.quarterTurns == 1 })
            #expect(texts.contains { $0.role == .title && $0.text == "Along the curve" })
            #expect(scene.overlappingTexts().isEmpty, "\(scene.overlappingTexts().map { ($0.0.text, $0.1.text) })")
            #expect(texts.allSatisfy { Rect(x: 0, y: 0, width: scene.width, height: scene.height).contains($0.box) },
                    "no text is clipped by the page")
        }
    }

    @Test("an automatic legend inside the plot covers no data")
    func legendAvoidsData() throws {
        let figure = Figure(size: .singleColumn())
        // Data only in the lower-left half: the legend must go upper right (or elsewhere free).
        figure.panel.line(x: Self.t, y: Self.t.map { 1 - $0 }, label: "falling")
        figure.panel.line(x: Self.t, y: Self.t.map { 0.5 * (1 - $0) }, label: "halved")
        let scene = figure.layout(measurer: CairoTextMeasurer())
        let panel = try #require(scene.panels.first)
        let box = try #require(panel.legendBox)
        #expect(!panel.legendOutside)
        #expect(panel.plotArea.contains(box))
        // Corners of the box map back to data above both lines.
        let topRightOfData = panel.plotArea.maxX - box.minX
        #expect(topRightOfData > 0)
        #expect(box.minX > panel.plotArea.midX - 1 || box.maxY < panel.plotArea.midY + 1)
    }

    @Test("when every inside position covers data the legend moves outside")
    func legendOutside() throws {
        let figure = Figure(size: .singleColumn())
        let dense = (0...200).map { Double($0) / 200 }
        for k in 0..<4 { figure.panel.line(x: dense, y: dense.map { sin(40 * $0 + Double(k)) }, label: "wave \(k)") }
        let scene = figure.layout(measurer: CairoTextMeasurer())
        let panel = try #require(scene.panels.first)
        #expect(panel.legendOutside)
        let box = try #require(panel.legendBox)
        #expect(!box.intersects(panel.plotArea))
        #expect(scene.overlappingTexts().isEmpty)
    }

    @Test("shared axes: one range, inner tick labels hidden, plot areas aligned")
    func sharedAxes() {
        let figure = Figure(size: .doubleColumn(), grid: Grid(rows: 2, columns: 2), sharedAxes: [.x, .y])
        for (k, panel) in figure.panels.enumerated() {
            panel.line(x: Self.t.map { $0 * Double(k + 1) }, y: Self.t.map { $0 + Double(k) })
            panel.xAxis.label = "x"
            panel.yAxis.label = "y"
        }
        let scene = figure.layout(measurer: CairoTextMeasurer())
        #expect(Set(scene.panels.map(\.xRange)).count == 1)
        #expect(Set(scene.panels.map(\.yRange)).count == 1)
        // Only the bottom row labels x and only the left column labels y.
        #expect(scene.texts.filter { $0.role == .axisLabel && $0.text == "x" }.count == 2)
        #expect(scene.texts.filter { $0.role == .axisLabel && $0.text == "y" }.count == 2)
        #expect(scene.panels[0].plotArea.minX == scene.panels[2].plotArea.minX)
        #expect(scene.panels[0].plotArea.minY == scene.panels[1].plotArea.minY)
        #expect(scene.panels[0].plotArea.width == scene.panels[3].plotArea.width)
        #expect(scene.overlappingTexts().isEmpty)
    }

    @Test("a field panel spans its grid exactly and labels its colorbar with levels and overflow")
    func fieldPanel() throws {
        let xs = (0...20).map { -1 + Double($0) / 10 }
        let values = xs.map { y in xs.map { x in x * x + y * y } }
        let figure = Figure(size: .singleColumn(aspect: 0.85))
        figure.panel.field(xs: xs, ys: xs, values: values, levels: [0, 0.1, 0.5, 1, 1.5],
                           overflowLabel: "> 1.5", colorbarLabel: "loss")
        figure.panel.scatter(x: [0], y: [0], label: "minimum")
        let scene = figure.layout(measurer: CairoTextMeasurer())
        let panel = try #require(scene.panels.first)
        #expect(panel.xRange == -1...1 && panel.yRange == -1...1)
        let bar = scene.texts.filter { $0.role == .colorbarTickLabel }.map(\.text)
        #expect(bar == ["0", "0.1", "0.5", "1", "1.5", "> 1.5"])
        #expect(scene.texts.contains { $0.role == .colorbarLabel && $0.text == "loss" })
        #expect(panel.legendOutside, "a legend never covers a field")
        #expect(scene.overlappingTexts().isEmpty)
    }

    @Test("bars label the groups on x and start at zero")
    func bars() throws {
        let figure = Figure(size: .singleColumn())
        figure.panel.bars(groups: ["1", "2", "3"], series: ["Ind", "FGE"], values: [[3, 2, 1], [2, 1.5, 1]],
                          errors: [[0.1, 0.1, 0.1], [0.1, 0.1, 0.1]])
        let scene = figure.layout(measurer: CairoTextMeasurer())
        let panel = try #require(scene.panels.first)
        #expect(panel.xTickLabels == ["1", "2", "3"])
        #expect(panel.yRange.lowerBound == 0)
        #expect(panel.legendEntries == ["Ind", "FGE"])
        #expect(scene.overlappingTexts().isEmpty)
    }

    @Test("category labels too wide to sit side by side alternate between two rows, or turn a quarter, instead of overlapping")
    func crowdedCategories() throws {
        func tickLabels(_ groups: [String]) -> (labels: [TextItem], overlaps: Int) {
            let figure = Figure(size: .singleColumn())
            figure.panel.bars(groups: groups, series: ["engine"], values: [groups.indices.map { Double($0 + 1) }])
            let scene = figure.layout(measurer: CairoTextMeasurer())
            return (scene.texts.filter { $0.role == .tickLabel && groups.contains($0.text) }, scene.overlappingTexts().count)
        }
        // Short labels: one row.
        let short = tickLabels(["1", "2", "3"])
        #expect(Set(short.labels.map(\.box.y)).count == 1 && short.labels.allSatisfy { $0.quarterTurns == 0 })
        // Labels that collide with their neighbours but not with the next but one: two rows.
        let medium = ["seed 1 seed", "seed 2 seed", "seed 3 seed", "seed 4 seed", "seed 5 seed", "seed 6 seed", "seed 7 seed"]
        let staggered = tickLabels(medium)
        #expect(staggered.labels.count == medium.count && staggered.overlaps == 0)
        #expect(Set(staggered.labels.map { ($0.box.y * 100).rounded() }).count == 2 && staggered.labels.allSatisfy { $0.quarterTurns == 0 },
                "\(staggered.labels.map { ($0.text, $0.box) })")
        // The bench's seven networks: too long for two rows, turned, every label's end under its bar.
        let names = ["tinyten", "vgg16", "vgg16bn", "preresnet110", "preresnet164", "wideresnet28x10", "resnet32"]
        let turned = tickLabels(names)
        #expect(turned.labels.count == names.count && turned.overlaps == 0)
        #expect(turned.labels.allSatisfy { $0.quarterTurns == 1 } && Set(turned.labels.map { ($0.box.y * 100).rounded() }).count == 1,
                "\(turned.labels.map { ($0.text, $0.box) })")
    }

    @Test("text placement puts the anchor where asked, rotated or not")
    func textPlacement() {
        let placer = TextPlacer(measurer: ApproximateTextMeasurer())
        let font = Font(size: 10)  // width 6 per character, ascent 9.3, descent 2.4
        let plain = placer.place("abcd", font: font, at: Point(100, 50), anchor: .center, role: .annotation)
        #expect(abs(plain.box.midX - 100) < 1e-9 && abs(plain.box.midY - 50) < 1e-9)
        let rotated = placer.place("abcd", font: font, at: Point(100, 50), anchor: .center, quarterTurns: 1, role: .annotation)
        #expect(abs(rotated.box.width - 11.7) < 1e-9 && abs(rotated.box.height - 24) < 1e-9)
        #expect(abs(rotated.box.midX - 100) < 1e-9 && abs(rotated.box.midY - 50) < 1e-9)
    }
}

import Foundation
