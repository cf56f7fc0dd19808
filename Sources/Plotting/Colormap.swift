/// A continuous colour map from [0, 1] to colours, piecewise linear between anchors.
public struct Colormap: Sendable {
    public let name: String
    private let anchors: [Color]

    public init(name: String, anchors: [Color]) {
        precondition(anchors.count >= 2, "a colormap needs two anchors, got \(anchors.count)")
        self.name = name
        self.anchors = anchors
    }

    /// The colour at `t`, clamped to [0, 1]; `t = 0` is the first anchor, `t = 1` the last.
    public func color(at t: Double) -> Color {
        let clamped = t.isNaN ? 0 : min(1, max(0, t))
        let position = clamped * Double(anchors.count - 1)
        let i = min(anchors.count - 2, Int(position))
        let f = position - Double(i)
        let a = anchors[i], b = anchors[i + 1]
        return Color(red: a.red + (b.red - a.red) * f, green: a.green + (b.green - a.green) * f,
                     blue: a.blue + (b.blue - a.blue) * f)
    }

    /// `count` colours evenly spaced from one end to the other (the colours of discrete bands).
    public func colors(count: Int) -> [Color] {
        count == 1 ? [color(at: 0.5)] : (0..<count).map { color(at: Double($0) / Double(count - 1)) }
    }

    /// Matplotlib's viridis (perceptually uniform, readable in greyscale and by colour-blind
    /// readers): every 16th entry of its 256-entry table, so interpolation error is below 0.4 %.
    public static let viridis = Colormap(name: "viridis", anchors: [
        (0.267004, 0.004874, 0.329415), (0.282327, 0.094955, 0.417331),
        (0.278826, 0.175490, 0.483397), (0.258965, 0.251537, 0.524736),
        (0.229739, 0.322361, 0.545706), (0.199430, 0.387607, 0.554642),
        (0.172719, 0.448791, 0.557885), (0.149039, 0.508051, 0.557250),
        (0.127568, 0.566949, 0.550556), (0.120638, 0.625828, 0.533488),
        (0.157851, 0.683765, 0.501686), (0.246070, 0.738910, 0.452024),
        (0.369214, 0.788888, 0.382914), (0.515992, 0.831158, 0.294279),
        (0.678489, 0.863742, 0.189503), (0.845561, 0.887322, 0.099702),
        (0.993248, 0.906157, 0.143936),
    ].map { Color(red: $0.0, green: $0.1, blue: $0.2) })
    // Anchors are entries 0, 16, …, 240 and 255 of the table; the last gap is 15 entries, not 16,
    // a difference far below what the eye can see.
}
