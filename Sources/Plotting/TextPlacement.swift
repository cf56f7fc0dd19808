/// Turns "this text, anchored here" into a placed `TextItem` with its baseline origin and the
/// box it covers, using measured metrics.
struct TextPlacer {
    let measurer: TextMeasuring

    func metrics(_ text: String, _ font: Font) -> TextMetrics { measurer.measure(text, font: font) }

    /// Places `text` so that its anchor point (in the text's own frame) lands on `point`.
    /// `quarterTurns` 1 rotates the text to read bottom to top (y-axis labels).
    func place(_ text: String, font: Font, at point: Point, anchor: TextAnchor, quarterTurns: Int = 0,
               color: Color = .ink, role: TextRole) -> TextItem {
        let m = metrics(text, font)
        let alongOffset: Double
        switch anchor.horizontal {
        case .left: alongOffset = 0
        case .center: alongOffset = -m.width / 2
        case .right: alongOffset = -m.width
        }
        let acrossOffset: Double  // baseline position below the anchor, in the text's frame
        switch anchor.vertical {
        case .top: acrossOffset = m.ascent
        case .center: acrossOffset = (m.ascent - m.descent) / 2
        case .baseline: acrossOffset = 0
        case .bottom: acrossOffset = -m.descent
        }
        let origin: Point
        let box: Rect
        if quarterTurns % 2 == 0 {
            origin = Point(point.x + alongOffset, point.y + acrossOffset)
            box = Rect(x: origin.x, y: origin.y - m.ascent, width: m.width, height: m.height)
        } else {
            // Rotating by −90° maps the text frame's (u, v) to the page's (v, −u).
            origin = Point(point.x + acrossOffset, point.y - alongOffset)
            box = Rect(x: origin.x - m.ascent, y: origin.y - m.width, width: m.height, height: m.width)
        }
        return TextItem(text: text, font: font, color: color, origin: origin, quarterTurns: quarterTurns % 2,
                        box: box, role: role)
    }
}
