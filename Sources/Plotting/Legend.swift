/// What a legend entry shows beside its label.
enum LegendSwatch {
    /// A line sample, with a shaded patch behind it when the series has a spread band.
    case line(LineStyle, patch: Color?)
    case marker(MarkerStyle)
    case patch(Color)
}

struct LegendEntry {
    var label: String
    var swatch: LegendSwatch
}

/// Size and painting of a legend box; where it goes is decided by `FigureLayout`.
struct Legend {
    var entries: [LegendEntry]
    var columns: Int
    /// The middle colour of the panel's field, behind swatches of light lines drawn over it.
    var fieldColor: Color?

    static let padding = 4.0
    static let swatchWidth = 17.0
    static let swatchGap = 4.0
    static let columnGap = 10.0
    static let rowGap = 2.5

    /// Entries of a panel, in the order its series were added.
    init(panel: Panel, columns: Int = 1) {
        var entries: [LegendEntry] = []
        var pendingBand: Color?
        for series in panel.series {
            switch series {
            case .band(let b):
                if let label = b.label { entries.append(LegendEntry(label: label, swatch: .patch(b.color.withAlpha(b.opacity)))) }
                pendingBand = b.label == nil ? b.color.withAlpha(b.opacity) : nil
                continue
            case .line(let l):
                let patch = pendingBand.flatMap { $0.withAlpha(1) == l.style.color.withAlpha(1) ? $0 : nil }
                if let label = l.label { entries.append(LegendEntry(label: label, swatch: .line(l.style, patch: patch))) }
            case .scatter(let s):
                if let label = s.label { entries.append(LegendEntry(label: label, swatch: .marker(s.marker))) }
            case .reference(let r):
                if let label = r.label { entries.append(LegendEntry(label: label, swatch: .line(r.style, patch: nil))) }
            case .bars(let b):
                for (name, color) in zip(b.series, b.colors) where !name.isEmpty {
                    entries.append(LegendEntry(label: name, swatch: .patch(color)))
                }
            case .text, .field:
                break
            }
            pendingBand = nil
        }
        self.entries = entries
        self.fieldColor = panel.fieldSeries.map { $0.colormap.color(at: 0.5) }
        self.columns = max(1, min(columns, entries.count))
    }

    var isEmpty: Bool { entries.isEmpty }

    private func rowHeight(_ placer: TextPlacer) -> Double {
        max(placer.metrics("Ag", Theme.legendFont).height, 7)
    }

    private func columnWidths(_ placer: TextPlacer) -> [Double] {
        (0..<columns).map { c in
            let labels = stride(from: c, to: entries.count, by: columns).map { entries[$0].label }
            let text = labels.map { placer.metrics($0, Theme.legendFont).width }.max() ?? 0
            return Self.swatchWidth + Self.swatchGap + text
        }
    }

    /// Width and height of the legend box in points.
    func size(_ placer: TextPlacer) -> (width: Double, height: Double) {
        let rows = (entries.count + columns - 1) / columns
        let widths = columnWidths(placer)
        let width = widths.reduce(0, +) + Double(columns - 1) * Self.columnGap + 2 * Self.padding
        let height = Double(rows) * rowHeight(placer) + Double(rows - 1) * Self.rowGap + 2 * Self.padding
        return (width, height)
    }

    /// The widest legend with up to `maxColumns` columns that fits in `width` points.
    static func fitting(panel: Panel, width: Double, maxColumns: Int, placer: TextPlacer) -> Legend {
        var legend = Legend(panel: panel, columns: maxColumns)
        while legend.columns > 1 && legend.size(placer).width > width {
            legend = Legend(panel: panel, columns: legend.columns - 1)
        }
        // Balance the rows: 4 entries in 2 × 2 rather than 3 + 1.
        let rows = (legend.entries.count + legend.columns - 1) / legend.columns
        return Legend(panel: panel, columns: (legend.entries.count + rows - 1) / rows)
    }

    /// Paints the box, swatches and labels with the box's top-left corner at `origin`.
    func paint(at origin: Point, into scene: inout Scene, placer: TextPlacer) {
        let (w, h) = size(placer)
        let box = Rect(x: origin.x, y: origin.y, width: w, height: h)
        scene.items.append(.fill(.rect(box), Color.white.withAlpha(0.9)))
        scene.items.append(.stroke(.rect(box), Stroke(color: .lightGrey, width: 0.5, round: false)))
        let rowH = rowHeight(placer)
        let widths = columnWidths(placer)
        for (n, entry) in entries.enumerated() {
            let row = n / columns, column = n % columns
            let x = origin.x + Self.padding + widths[..<column].reduce(0, +) + Double(column) * Self.columnGap
            let midY = origin.y + Self.padding + Double(row) * (rowH + Self.rowGap) + rowH / 2
            paintSwatch(entry.swatch, x: x, midY: midY, into: &scene)
            let text = placer.place(entry.label, font: Theme.legendFont,
                                    at: Point(x + Self.swatchWidth + Self.swatchGap, midY),
                                    anchor: .left, role: .legend)
            scene.items.append(.text(text))
        }
    }

    private func paintSwatch(_ swatch: LegendSwatch, x: Double, midY: Double, into scene: inout Scene) {
        let w = Self.swatchWidth
        switch swatch {
        case .line(let style, let patch):
            if let patch {
                scene.items.append(.fill(.rect(Rect(x: x, y: midY - 3.5, width: w, height: 7)), patch))
            }
            let path = Path.polyline([Point(x, midY), Point(x + w, midY)])
            if style.color.luminance > 0.8 {
                // A light line (drawn over a field) shows on a patch of the field's middle colour.
                let background = fieldColor ?? .darkGrey
                scene.items.append(.fill(.rect(Rect(x: x, y: midY - 4, width: w, height: 8)), background))
            }
            scene.items.append(.stroke(path, Stroke(color: style.color, width: style.width,
                                                    dash: style.dash.lengths(width: style.width))))
            if let marker = style.marker {
                Markers.paint(MarkerStyle(shape: marker, size: style.markerSize, fill: style.color),
                              at: [Point(x + w / 2, midY)], into: &scene)
            }
        case .marker(let marker):
            Markers.paint(marker, at: [Point(x + w / 2, midY)], into: &scene)
        case .patch(let color):
            scene.items.append(.fill(.rect(Rect(x: x + 2, y: midY - 3.5, width: w - 4, height: 7)), color))
        }
    }
}
