import ChapterKit
import Experiments
import Foundation
import Networks
import Tensor
import Training
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

/// Measures the planes: every point through the artifact cache's point store (an interrupted run
/// resumes at the first missing point), BN recomputed at each point on one fixed training subset.
struct Survey {
    let plan: PlanesPlan
    let data: TrainingData
    let cache: ArtifactCache
    let networks: [UInt64: TrainedNetwork]
    let probe: PointProbe

    init(plan: PlanesPlan, data: TrainingData, cache: ArtifactCache) throws {
        self.plan = plan
        self.data = data
        self.cache = cache
        var networks: [UInt64: TrainedNetwork] = [:]
        for seed in plan.seeds { networks[seed] = try cache.trainedNetwork(plan.curves.endpointRecipe(seed: seed, data: data), data: data) }
        self.networks = networks
        let first = networks[plan.seeds[0]]!
        probe = PointProbe(cache: cache, evaluator: Evaluator(network: first.network), data: plan.curves.evaluationData(data),
                           weightDecay: plan.curves.weightDecay, state: first.state, context: "\(plan.curves.model.rawValue) on \(data.name)")
    }

    func evaluate(_ name: String, identity: String, count: Int, _ theta: (Int) -> [Float]) throws -> [PointMetrics] {
        try probe.metrics(name, identity: identity, count: count, theta)
    }

    /// GAR's grid over `plane`: coordinates `α·dx`, `β·dy`.
    func grid(_ name: String, identity: String, plane: Plane) throws -> PlaneGrid {
        try probe.grid(name, identity: identity, plane: plane, spec: plan.grid)
    }

    func key(_ seed: UInt64) -> String { networks[seed]!.recipe.cacheKey }

    // MARK: The three planes

    /// The plane through three independent networks of pair k: optima, midpoints, centroid, and the grid for the figure's pair.
    func threeOptima(_ k: Int) throws -> ThreeOptimaResult {
        let (a, b, c) = plan.triple(k)
        let w = [a, b, c].map { networks[$0]!.parameters }
        let plane = Plane.through(w[0], w[2], w[1])
        let combinations: [[Float]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]]
        let identity = "three optima \(key(a)) \(key(b)) \(key(c))"
        let points = try evaluate("optima-\(a)-\(b)-\(c)", identity: identity + " points \(combinations)", count: combinations.count) { i in
            WeightVector.combination(combinations[i], of: w)
        }
        let grid = k == 0 ? try self.grid("optima-grid-\(a)-\(b)-\(c)", identity: identity, plane: plane) : nil
        let positions = w.map { plane.coordinates(of: $0) }.map { PlanePosition(x: $0.x, y: $0.y) }
        return ThreeOptimaResult(seeds: [a, b, c], positions: positions, optima: Array(points[0..<3]),
                                 midpoints: Array(points[3..<6]), centroid: points[6], grid: grid)
    }

    /// The plane through pair k's endpoints and the middle bend of its trained `kind` curve.
    func curvePlane(_ kind: CurveKind, _ k: Int) throws -> CurvePlaneResult {
        let (a, b) = plan.pairs[k]
        let start = networks[a]!, end = networks[b]!
        let trained = try cache.trainedCurve(plan.curves.curveRecipe(kind, start.recipe, end.recipe), start: start, end: end, data: data)
        let curve = trained.recipe.curve, p = start.parameters.count
        let plane = Plane.through(trained.bend(0), trained.bend(curve.bends / 2), trained.bend(curve.bends - 1))
        let overlayPoints = CurveEvaluation.grid(points: plan.overlayPoints).map { curve.point(at: $0, bendVector: trained.bendVector, parameterCount: p) }
        let overlay = overlayPoints.map { plane.coordinates(of: $0) }.map { PlanePosition(x: $0.x, y: $0.y) }
        let residual = overlayPoints.map { plane.distance(of: $0) }.max()!
        let ts = CurveEvaluation.grid(points: plan.pathPoints)
        let onCurve = try evaluate("\(kind.rawValue)-plane-\(a)-\(b)", identity: "projected \(trained.recipe.cacheKey) at \(ts)", count: ts.count) { i in
            let (x, y) = plane.coordinates(of: curve.point(at: ts[i], bendVector: trained.bendVector, parameterCount: p))
            return plane.point(x: x, y: y)
        }
        let segment = try evaluate("segment-\(a)-\(b)", identity: "segment \(key(a)) \(key(b)) at \(ts)", count: ts.count) { i in
            Curve.segment.point(at: ts[i], bendVector: start.parameters + end.parameters, parameterCount: p)
        }
        let grid = k == 0 ? try self.grid("\(kind.rawValue)-grid-\(a)-\(b)", identity: "curve plane \(trained.recipe.cacheKey)", plane: plane) : nil
        let bend = plane.coordinates(of: trained.bend(curve.bends / 2))
        return CurvePlaneResult(kind: kind, seedPair: SeedPair((a, b)), dx: plane.dx, dy: plane.dy, bend: PlanePosition(x: bend.x, y: bend.y),
                                overlay: overlay, residual: residual, ts: ts, curve: onCurve, segment: segment, grid: grid)
    }

    /// LL's filter-normalised random plane around the first network.
    func randomPlane() throws -> RandomPlaneResult {
        let seed = plan.seeds[0], center = networks[seed]!
        let plane = FilterNormalizedPlane(center: center.parameters, layout: center.network.layout,
                                          seed: RandomGenerator.derive(seed: seed, "filter-normalised plane"))
        let grid = try probe.grid("random-plane-\(seed)", identity: "filter-normalised plane around \(key(seed))", plane: plane, spec: plan.randomGrid)
        return RandomPlaneResult(seed: seed, grid: grid)
    }
}
