import Tensor
import Testing

/// Checks an analytic gradient against central finite differences
/// `(L(x + ε·e_i) − L(x − ε·e_i)) / 2ε` at chosen coordinates.
///
/// A coordinate passes when `|analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|)`.
/// Float32 forward passes make the numeric derivative noisy at about `1e-7·|L|/ε`, so `atol`
/// should sit above that (the loss itself should be accumulated in Double).
///
/// Piecewise-linear layers (ReLU, max-pool) have kinks: a difference straddling one is wrong
/// while the analytic gradient is right. With `skipKinks`, a coordinate whose numeric derivatives
/// at ε and ε/2 disagree (beyond the tolerance) is counted as `skipped` instead of failed.
public struct GradientChecker: Sendable {
    public var epsilon: Float
    public var relativeTolerance: Double
    public var absoluteTolerance: Double
    public var skipKinks: Bool

    public init(epsilon: Float = 1e-2, relativeTolerance: Double = 1e-2, absoluteTolerance: Double = 1e-4,
                skipKinks: Bool = false) {
        self.epsilon = epsilon
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.skipKinks = skipKinks
    }

    public struct Report: Sendable, CustomStringConvertible {
        public var checked = 0
        public var skipped = 0
        public var failures: [(index: Int, analytic: Double, numeric: Double)] = []
        public var maxAbsoluteError = 0.0
        public init() {}
        public var passed: Bool { failures.isEmpty }
        public var description: String {
            let shown = failures.prefix(5).map { "[\($0.index)] analytic \($0.analytic) numeric \($0.numeric)" }
            return "checked \(checked), skipped \(skipped) (kinks), failed \(failures.count), max |error| \(maxAbsoluteError)"
                + (shown.isEmpty ? "" : "; " + shown.joined(separator: "; "))
        }
    }

    /// Evaluates `loss` with `point[i]` perturbed for each `i` in `indices` and compares with `analytic[i]`.
    /// `point` is restored afterwards.
    public func check(point: inout [Float], analytic: [Float], indices: [Int], loss: ([Float]) -> Double) -> Report {
        precondition(point.count == analytic.count, "point \(point.count) and gradient \(analytic.count) lengths differ")
        var report = Report()
        for i in indices {
            let saved = point[i]
            func numeric(_ h: Float) -> Double {
                point[i] = saved + h
                let up = loss(point)
                point[i] = saved - h
                let down = loss(point)
                point[i] = saved
                // The actual step after Float rounding, not the nominal one.
                return (up - down) / (Double(saved + h) - Double(saved - h))
            }
            let a = Double(analytic[i]), n = numeric(epsilon)
            let tolerance = absoluteTolerance + relativeTolerance * max(abs(a), abs(n))
            report.checked += 1
            if abs(a - n) <= tolerance {
                report.maxAbsoluteError = max(report.maxAbsoluteError, abs(a - n))
                continue
            }
            if skipKinks {
                let n2 = numeric(epsilon / 2)
                if abs(n2 - n) > absoluteTolerance + relativeTolerance * max(abs(n), abs(n2)) {
                    report.skipped += 1
                    continue
                }
            }
            report.maxAbsoluteError = max(report.maxAbsoluteError, abs(a - n))
            report.failures.append((i, a, n))
        }
        return report
    }

    /// Every index when `count ≤ limit`, else `limit` distinct indices drawn from `rng`.
    public static func sample(count: Int, limit: Int, rng: inout RandomGenerator) -> [Int] {
        if count <= limit { return Array(0..<count) }
        return Array(rng.permutation(count).prefix(limit)).sorted()
    }
}

/// Records a test issue unless `report` passed and at most `maxSkippedFraction` of coordinates were skipped.
public func expectGradientsMatch(_ report: GradientChecker.Report, _ what: String, maxSkippedFraction: Double = 0.1,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(report.passed, "\(what): \(report)", sourceLocation: sourceLocation)
    #expect(report.checked > 0, "\(what): nothing checked", sourceLocation: sourceLocation)
    #expect(Double(report.skipped) <= maxSkippedFraction * Double(max(report.checked, 1)),
            "\(what): too many kinks skipped: \(report)", sourceLocation: sourceLocation)
}

extension GradientChecker {
    /// The derivative of `loss` at `point` along one unit direction — half the analytic gradient's
    /// own direction (so the derivative stands out of Float32 rounding), half random — by central
    /// differences with step `epsilon`, beside the analytic `gradient · d`. Only coordinates in
    /// `range` move (e.g. a curve's middle bend).
    public static func directionalDerivative(at point: [Float], gradient: [Float], range: Range<Int>? = nil, epsilon: Float = 1e-3,
                                             rng: inout RandomGenerator, loss: ([Float]) -> Double) -> (numeric: Double, analytic: Double) {
        let range = range ?? point.indices
        var d = [Float](repeating: 0, count: point.count)
        let norm = BLAS.norm2(gradient)
        for k in range { d[k] = gradient[k] / norm + rng.normal() / Float(range.count).squareRoot() }
        let dn = BLAS.norm2(d)
        for k in d.indices { d[k] /= dn }
        var plus = point, minus = point
        BLAS.axpy(alpha: epsilon, d, &plus)
        BLAS.axpy(alpha: -epsilon, d, &minus)
        return ((loss(plus) - loss(minus)) / Double(2 * epsilon), Double(BLAS.dot(gradient, d)))
    }
}
