import ChapterKit
import Experiments
import WeightSpace

/// A point of a plane in its own coordinates (weight-space units for GAR's planes, direction
/// multipliers for the filter-normalised one).
struct PlanePosition: Codable {
    var x: Double, y: Double
}

/// The plane through three independently trained networks A, B (on the x axis) and C.
struct ThreeOptimaResult: Codable {
    let seeds: [UInt64]
    /// A, B, C in plane coordinates.
    let positions: [PlanePosition]
    /// Metrics at A, B, C (BN recomputed, like every other point).
    let optima: [PointMetrics]
    /// Metrics at the midpoints of AB, AC, BC.
    let midpoints: [PointMetrics]
    /// Metrics at the centroid (A + B + C)/3.
    let centroid: PointMetrics
    /// The grid over the plane (the figure's pair only).
    let grid: PlaneGrid?

    static let midpointNames = ["AB", "AC", "BC"]

    /// The barrier of each pair's midpoint over the worse of its two optima.
    func midpointExcess(_ series: KeyPath<PointMetrics, Double>) -> [Double] {
        [(0, 1), (0, 2), (1, 2)].enumerated().map { k, ends in
            midpoints[k][keyPath: series] - max(optima[ends.0][keyPath: series], optima[ends.1][keyPath: series])
        }
    }
}

/// The plane through the endpoints A, B and the middle bend of a trained curve.
struct CurvePlaneResult: Codable {
    let kind: CurveKind
    let seedPair: SeedPair
    var seeds: (UInt64, UInt64) { seedPair.tuple }
    let dx: Double, dy: Double
    /// The middle bend in plane coordinates (x, dy).
    let bend: PlanePosition
    /// The curve's points projected into the plane (the figure's thick line).
    let overlay: [PlanePosition]
    /// Largest distance of a curve point from the plane, absolute and over dx.
    let residual: Double
    var relativeResidual: Double { residual / dx }
    /// Evaluated points along the projected curve and along the segment A→B, at the same t.
    let ts: [Double]
    let curve: [PointMetrics]
    let segment: [PointMetrics]
    let grid: PlaneGrid?

    var endpoints: [PointMetrics] { [segment.first!, segment.last!] }

    func maxAlongCurve(_ s: KeyPath<PointMetrics, Double>) -> Double { curve.map { $0[keyPath: s] }.max()! }
    func maxAlongSegment(_ s: KeyPath<PointMetrics, Double>) -> Double { segment.map { $0[keyPath: s] }.max()! }
    func worseEndpoint(_ s: KeyPath<PointMetrics, Double>) -> Double { endpoints.map { $0[keyPath: s] }.max()! }
}

/// LL's plane of two filter-normalised random directions around network A.
struct RandomPlaneResult: Codable {
    let seed: UInt64
    let grid: PlaneGrid
}

/// Everything one run measured (what its run record keeps).
struct PlanesMeasurements: Codable {
    let triples: [ThreeOptimaResult]
    let bezier: [CurvePlaneResult]
    let polychain: [CurvePlaneResult]
    let random: RandomPlaneResult
}

/// Everything one run measured, with the plan it followed.
struct PlanesResults {
    let plan: PlanesPlan
    let measured: PlanesMeasurements
    var triples: [ThreeOptimaResult] { measured.triples }
    var bezier: [CurvePlaneResult] { measured.bezier }
    var polychain: [CurvePlaneResult] { measured.polychain }
    var random: RandomPlaneResult { measured.random }

    var curvePlanes: [(name: String, results: [CurvePlaneResult])] { [("Bezier", bezier), ("PolyChain", polychain)] }
}
