import AtomicFile
import Foundation
import Training
import WeightSpace

/// Evaluated points of weight space (grid points, ray points, points along curves) kept in the
/// artifact cache, so that an interrupted evaluation resumes at the first missing point and a
/// second run evaluates nothing. The file `<root>/points/<key>.json` is rewritten atomically after
/// every point.
extension ArtifactCache {
    /// The values of points `0..<count` under `key`: read from the cache where present, the rest
    /// computed by `evaluate` in order. `identity` is a readable description of what the points are
    /// (stored beside the values and checked on reading: a key collision is an error, not a wrong answer).
    public func pointEvaluations<Value: Codable>(key: String, identity: String, count: Int, label: String,
                                                 _ evaluate: (Int) throws -> Value) throws -> [Value] {
        let path = root + "/points/" + key + ".json"
        let lock = try EntryLock(entry: path)
        defer { withExtendedLifetime(lock) {} }
        var stored = try readPoints(Value.self, at: path, identity: identity)
        CacheUsage.shared.record(.points, entry: path, computed: max(0, count - stored.values.count), reused: min(count, stored.values.count))
        if stored.values.count >= count { return Array(stored.values.prefix(count)) }
        try FileManager.default.createDirectory(atPath: root + "/points", withIntermediateDirectories: true)
        let progress = ProgressBar(label: label, total: count)
        for _ in 0..<stored.values.count { progress.advance(status: "cached") }
        while stored.values.count < count {
            stored.values.append(try evaluate(stored.values.count))
            try AtomicFile.write(try JSONEncoder().encode(stored), to: path)
            progress.advance(status: "point \(stored.values.count)/\(count)")
        }
        progress.finish()
        return stored.values
    }

    private func readPoints<Value: Codable>(_ type: Value.Type, at path: String, identity: String) throws -> StoredPoints<Value> {
        guard let data = FileManager.default.contents(atPath: path) else { return StoredPoints(identity: identity, values: []) }
        let stored: StoredPoints<Value>
        do {
            stored = try JSONDecoder().decode(StoredPoints<Value>.self, from: data)
        } catch {
            throw CachedCheckpointError(underlying: "cannot read the evaluated points in \(path): \(error)", folder: path)
        }
        guard stored.identity == identity else {
            throw CachedCheckpointError(underlying: "\(path) holds points of \(stored.identity), not of \(identity)", folder: path)
        }
        return stored
    }

    /// A short stable key for `identity` (FNV-1a, 64 bits), prefixed by `name`.
    public static func pointsKey(_ name: String, identity: String) -> String { name + "-" + fnv1a(identity) }
}

private struct StoredPoints<Value: Codable>: Codable {
    var identity: String
    var values: [Value]
}

/// Measures points of weight space through the cache's point store: BN recomputed at every point
/// on one fixed subset, train and test metrics (`Evaluator.metrics`). Planes, rays and segments
/// all go through it, so an interrupted chapter resumes at its first missing point.
public struct PointProbe {
    public let cache: ArtifactCache
    public let evaluator: Evaluator
    public let data: EvaluationData
    public let weightDecay: Double
    /// Any BN state of the network (the buffers are recomputed; only their length matters).
    public let state: [Float]
    /// What the points are measured on (network, data name), part of every identity.
    public let context: String

    public init(cache: ArtifactCache, evaluator: Evaluator, data: EvaluationData, weightDecay: Double, state: [Float], context: String) {
        self.cache = cache
        self.evaluator = evaluator
        self.data = data
        self.weightDecay = weightDecay
        self.state = state
        self.context = context
    }

    /// Metrics at `count` points `theta(k)`, cached under `name` and `identity`, which must name
    /// everything the points depend on (the evaluation data is added here).
    public func metrics(_ name: String, identity: String, count: Int, _ theta: (Int) -> [Float]) throws -> [PointMetrics] {
        let full = identity + " | \(context): BN on \(data.batchNorm.count), train \(data.train.count), test \(data.test.count), wd \(weightDecay)"
        return try cache.pointEvaluations(key: ArtifactCache.pointsKey(name, identity: full), identity: full, count: count, label: name) { k in
            evaluator.metrics(at: theta(k), state: state, data: data, weightDecay: weightDecay)
        }
    }
}

extension PointProbe {
    /// `curve` with bends `bendVector` evaluated at `ts` (GAR `eval_curve.py`'s columns) through
    /// the point store, so that an interrupted evaluation resumes at its first missing point;
    /// `identity` must name the curve and its bends.
    public func curve(_ name: String, identity: String, curve: Curve, bendVector: [Float], at ts: [Double]) throws -> CurveEvaluation {
        let p = evaluator.network.layout.parameterCount
        func theta(_ k: Int) -> [Float] { curve.point(at: ts[k], bendVector: bendVector, parameterCount: p) }
        let metrics = try self.metrics(name, identity: identity + " at t \(ts)", count: ts.count, theta)
        var previous: [Float]?
        return CurveEvaluation(points: ts.indices.map { k in
            let here = theta(k), m = metrics[k]
            defer { previous = here }
            return CurvePoint(t: ts[k], trainLoss: m.trainLoss, trainNLL: m.trainNLL, trainError: m.trainError, testLoss: m.testLoss,
                              testNLL: m.testNLL, testError: m.testError, segmentLength: previous.map { WeightVector.distance(here, $0) } ?? 0)
        })
    }
}

extension PointProbe {
    /// GAR's grid over `plane` (`plane.py`): points `w0 + α·dx·û + β·dy·v̂` for α, β in `spec`'s
    /// values, in plane coordinates `α·dx`, `β·dy`; `identity` names the plane.
    public func grid(_ name: String, identity: String, plane: Plane, spec: PlaneGridSpec) throws -> PlaneGrid {
        let alphas = spec.values
        let cells = PlaneGrid.coordinates(xs: alphas, ys: alphas)
        let points = try metrics(name, identity: identity + " grid \(spec)", count: cells.count) { k in
            plane.gridPoint(alpha: cells[k].x, beta: cells[k].y)
        }
        return PlaneGrid(xs: alphas.map { $0 * plane.dx }, ys: alphas.map { $0 * plane.dy }, points: points)
    }

    /// Li et al.'s grid around a network (`plot_surface.py`): `θ* + x·δ + y·η` for x, y in `spec`'s
    /// values; `identity` names the centre and the directions' seed.
    public func grid(_ name: String, identity: String, plane: FilterNormalizedPlane, spec: PlaneGridSpec) throws -> PlaneGrid {
        let values = spec.values
        let cells = PlaneGrid.coordinates(xs: values, ys: values)
        let points = try metrics(name, identity: identity + " grid \(spec)", count: cells.count) { k in plane.point(x: cells[k].x, y: cells[k].y) }
        return PlaneGrid(xs: values, ys: values, points: points)
    }
}
