import Training

/// Train and test metrics of one point of weight space (a plane's grid point, a point off a curve,
/// a ray's point), measured with BN statistics recomputed for that point. Errors are fractions.
public struct PointMetrics: Codable, Equatable, Sendable {
    /// Training NLL plus `½·wd·‖θ‖²` (GAR's curve and plane loss).
    public var trainLoss: Double
    public var trainNLL: Double
    public var trainError: Double
    public var testLoss: Double
    public var testNLL: Double
    public var testError: Double

    public init(trainLoss: Double, trainNLL: Double, trainError: Double, testLoss: Double, testNLL: Double, testError: Double) {
        self.trainLoss = trainLoss
        self.trainNLL = trainNLL
        self.trainError = trainError
        self.testLoss = testLoss
        self.testNLL = testNLL
        self.testError = testError
    }
}

extension Evaluator {
    /// `PointMetrics` of parameters `theta`: BN recomputed on `data.batchNorm` (the old buffers in
    /// `state` play no part), then train metrics on `data.train` and test metrics on `data.test`.
    public func metrics(at theta: [Float], state: [Float], data: EvaluationData, weightDecay: Double) -> PointMetrics {
        let (train, test, regulariser) = evaluatePoint(theta, state: state, data: data, weightDecay: weightDecay)
        return PointMetrics(trainLoss: train.loss + regulariser, trainNLL: train.loss, trainError: train.error,
                            testLoss: test.loss + regulariser, testNLL: test.loss, testError: test.error)
    }
}

/// Metrics over a rectangular grid of plane coordinates: `points[j·xs.count + i]` is at `(xs[i], ys[j])`.
public struct PlaneGrid: Codable, Sendable {
    public let xs: [Double], ys: [Double]
    public let points: [PointMetrics]

    public init(xs: [Double], ys: [Double], points: [PointMetrics]) {
        precondition(points.count == xs.count * ys.count, "a \(xs.count)×\(ys.count) grid needs \(xs.count * ys.count) points, got \(points.count)")
        self.xs = xs
        self.ys = ys
        self.points = points
    }

    /// The grid coordinates in evaluation order (row by row, y outer).
    public static func coordinates(xs: [Double], ys: [Double]) -> [(x: Double, y: Double)] {
        ys.flatMap { y in xs.map { x in (x, y) } }
    }

    /// One series as `values[j][i]` (the layout `Panel.field` takes), times `scale`.
    public func field(_ series: KeyPath<PointMetrics, Double>, scale: Double = 1) -> [[Double]] {
        ys.indices.map { j in xs.indices.map { i in points[j * xs.count + i][keyPath: series] * scale } }
    }
}
