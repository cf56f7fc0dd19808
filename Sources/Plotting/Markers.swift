/// Marker outlines: each shape drawn with about the same visual weight at the same `size`.
enum Markers {
    /// The outline of one marker centred at `c`.
    static func path(_ shape: MarkerShape, size: Double, at c: Point) -> Path {
        let r = size / 2
        switch shape {
        case .circle:
            return Path([.circle(center: c, radius: r)])
        case .square:
            let s = r * 0.88
            return .polygon([Point(c.x - s, c.y - s), Point(c.x + s, c.y - s), Point(c.x + s, c.y + s), Point(c.x - s, c.y + s)])
        case .diamond:
            let s = r * 1.25
            return .polygon([Point(c.x, c.y - s), Point(c.x + s * 0.8, c.y), Point(c.x, c.y + s), Point(c.x - s * 0.8, c.y)])
        case .triangle:
            let s = r * 1.2
            return .polygon([Point(c.x, c.y - s), Point(c.x + s * 0.866, c.y + s * 0.5), Point(c.x - s * 0.866, c.y + s * 0.5)])
        }
    }

    /// Fills all markers in one path, then strokes their edges.
    static func paint(_ style: MarkerStyle, at points: [Point], into scene: inout Scene) {
        guard !points.isEmpty else { return }
        var path = Path()
        for p in points { path.append(Self.path(style.shape, size: style.size, at: p)) }
        scene.items.append(.fill(path, style.fill))
        if style.edgeWidth > 0 {
            scene.items.append(.stroke(path, Stroke(color: style.edge, width: style.edgeWidth, round: false)))
        }
    }
}
