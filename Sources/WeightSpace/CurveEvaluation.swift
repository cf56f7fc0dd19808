import Datasets
import Networks
import Tensor
import Training

/// One evaluated point of a curve (GAR `eval_curve.py`'s columns). Errors are fractions.
public struct CurvePoint: Codable, Equatable, Sendable {
    public var t: Double
    /// Training NLL plus `½·wd·‖θ(t)‖²`.
    public var trainLoss: Double
    public var trainNLL: Double
    public var trainError: Double
    public var testLoss: Double
    public var testNLL: Double
    public var testError: Double
    /// `‖θ(t_k) − θ(t_{k−1})‖` (0 at the first point).
    public var segmentLength: Double

    public init(t: Double, trainLoss: Double, trainNLL: Double, trainError: Double, testLoss: Double, testNLL: Double, testError: Double,
                segmentLength: Double) {
        (self.t, self.trainLoss, self.trainNLL, self.trainError) = (t, trainLoss, trainNLL, trainError)
        (self.testLoss, self.testNLL, self.testError, self.segmentLength) = (testLoss, testNLL, testError, segmentLength)
    }
}

/// GAR's summary of one series along a curve: start, end, min, max, plain mean and the
/// length-weighted trapezoid mean `Σ_{k≥1} ½(v_k + v_{k−1})·dl_k / Σ dl_k`.
public struct SeriesSummary: Codable, Equatable, Sendable {
    public var start: Double, end: Double, min: Double, max: Double, mean: Double, integral: Double

    public init(values: [Double], segmentLengths dl: [Double]) {
        precondition(!values.isEmpty && values.count == dl.count, "need equal, non-empty values and lengths")
        start = values.first!
        end = values.last!
        min = values.min()!
        max = values.max()!
        mean = values.reduce(0, +) / Double(values.count)
        let length = dl.dropFirst().reduce(0, +)
        var acc = 0.0
        for k in 1..<values.count { acc += 0.5 * (values[k] + values[k - 1]) * dl[k] }
        integral = length > 0 ? acc / length : mean
    }

    /// The loss barrier of a path (Git Re-Basin): `max − ½(start + end)`.
    public var barrier: Double { max - 0.5 * (start + end) }
}

/// A curve evaluated at T points with BN statistics recomputed at each.
public struct CurveEvaluation: Codable, Equatable, Sendable {
    public var points: [CurvePoint]

    public init(points: [CurvePoint]) { self.points = points }
    public var length: Double { points.reduce(0) { $0 + $1.segmentLength } }

    public func summary(_ series: KeyPath<CurvePoint, Double>) -> SeriesSummary {
        SeriesSummary(values: points.map { $0[keyPath: series] }, segmentLengths: points.map(\.segmentLength))
    }

    /// Evenly spaced `t_k = k/(T−1)`.
    public static func grid(points: Int) -> [Double] {
        precondition(points >= 2, "a curve evaluation needs at least 2 points, got \(points)")
        return (0..<points).map { Double($0) / Double(points - 1) }
    }
}

/// The data a curve, plane or ray is evaluated on. `batchNorm` is the fixed training subset BN
/// statistics are recomputed on; `train` may be a subset of the training set (stated in reports).
public struct EvaluationData {
    public let batchNorm: Dataset
    public let train: Dataset
    public let test: Dataset

    public init(batchNorm: Dataset, train: Dataset, test: Dataset) {
        self.batchNorm = batchNorm
        self.train = train
        self.test = test
    }
}

extension Evaluator {
    /// Train and test metrics of parameters `theta` after recomputing BN statistics on `data.batchNorm`.
    public func evaluatePoint(_ theta: [Float], state: [Float], data: EvaluationData, weightDecay: Double) -> (train: Evaluation, test: Evaluation, regulariser: Double) {
        let s = recalibrateBatchNorm(parameters: theta, state: state, on: data.batchNorm)
        let norm = Double(BLAS.norm2(theta))
        return (evaluate(parameters: theta, state: s, on: data.train), evaluate(parameters: theta, state: s, on: data.test),
                0.5 * weightDecay * norm * norm)
    }
}
