import ChapterKit
import Experiments
import Foundation
import Networks
import Plotting
import Reporting
import Statistics
import Training
import WeightSpace

/// GAR's table rows over all pairs: min/max train loss and test error, the length-weighted
/// test error, the curve length.
struct MethodRow {
    let name: String
    let minTrainLoss, maxTrainLoss, minTestError, maxTestError, averageTestError, length: MeanStd

    init(name: String, _ evaluations: [CurveEvaluation]) {
        self.name = name
        minTrainLoss = MeanStd(evaluations.map { $0.summary(\.trainLoss).min })
        maxTrainLoss = MeanStd(evaluations.map { $0.summary(\.trainLoss).max })
        minTestError = MeanStd(evaluations.map { $0.summary(\.testError).min })
        maxTestError = MeanStd(evaluations.map { $0.summary(\.testError).max })
        averageTestError = MeanStd(evaluations.map { $0.summary(\.testError).integral })
        length = MeanStd(evaluations.map(\.length))
    }

    init(endpointsOf pairs: [PairResult]) {
        name = "Endpoints"
        minTrainLoss = MeanStd(pairs.map { $0.endpoints(\.trainLoss).min()! })
        maxTrainLoss = MeanStd(pairs.map { $0.endpoints(\.trainLoss).max()! })
        minTestError = MeanStd(pairs.map { $0.endpoints(\.testError).min()! })
        maxTestError = MeanStd(pairs.map { $0.endpoints(\.testError).max()! })
        averageTestError = MeanStd(pairs.map { $0.endpoints(\.testError).reduce(0, +) / 2 })
        length = MeanStd([0])
    }

    var cells: [String] {
        [name, minTrainLoss.formatted(3), maxTrainLoss.formatted(3), minTestError.formatted(2, scale: 100),
         maxTestError.formatted(2, scale: 100), averageTestError.formatted(2, scale: 100),
         name == "Endpoints" ? "" : length.formatted(1)]
    }
}

/// The claims of chapter 2, decided on this run's numbers.
extension Chapter2Report {
    /// How far above the endpoints' max test error the segment must peak to count as "far above",
    /// and how close the curves must stay ("within a few points"), in percentage points.
    static let barrierMargin = 5.0, fewPoints = 3.0

    var rows: [MethodRow] {
        [MethodRow(endpointsOf: pairs), MethodRow(name: "Segment", pairs.map(\.segment)),
         MethodRow(name: "Bezier", pairs.map(\.bezier)), MethodRow(name: "PolyChain", pairs.map(\.polychain))]
    }

    /// Each claim with the numbers that decide it, computed from this run: every path of a pair
    /// shares that pair's endpoints, so each claim is a one-sided t-test paired over pairs; errors
    /// enter in percentage points, and a claim with a margin tests the difference against it.
    var claims: [Verdict] {
        let r = rows
        let (ends, segment, bezier, poly) = (r[0], r[1], r[2], r[3])
        func pct(_ m: MeanStd) -> String { m.formatted(2, scale: 100) + " %" }
        let endsMaxError = pairs.map { 100 * $0.endpoints(\.testError).max()! }
        let endsMinLoss = pairs.map { $0.endpoints(\.trainLoss).min()! }
        func maxError(_ path: KeyPath<PairResult, CurveEvaluation>) -> [Double] {
            pairs.map { 100 * $0[keyPath: path].summary(\.testError).max }
        }
        func minLoss(_ path: KeyPath<PairResult, CurveEvaluation>) -> [Double] {
            pairs.map { $0[keyPath: path].summary(\.trainLoss).min }
        }
        return [
            Verdict(claim: "the segment's max test error is far above the endpoints' (by ≥ \(Self.barrierMargin) points)",
                    measured: "segment \(pct(segment.maxTestError)) vs endpoints \(pct(ends.maxTestError))",
                    evidence: .difference(maxError(\.segment), endsMaxError, paired: true, claim: .greater, threshold: Self.barrierMargin)),
            Verdict(claim: "Bezier keeps max test error within \(Self.fewPoints) points of the endpoints'",
                    measured: "Bezier \(pct(bezier.maxTestError)) vs endpoints \(pct(ends.maxTestError))",
                    evidence: .difference(maxError(\.bezier), endsMaxError, paired: true, claim: .less, threshold: Self.fewPoints)),
            Verdict(claim: "PolyChain keeps max test error within \(Self.fewPoints) points of the endpoints'",
                    measured: "PolyChain \(pct(poly.maxTestError)) vs endpoints \(pct(ends.maxTestError))",
                    evidence: .difference(maxError(\.polychain), endsMaxError, paired: true, claim: .less, threshold: Self.fewPoints)),
            Verdict(claim: "Bezier reaches lower train loss than the endpoints",
                    measured: "min train loss: Bezier \(bezier.minTrainLoss.formatted(3)), endpoints \(ends.minTrainLoss.formatted(3))",
                    evidence: .difference(minLoss(\.bezier), endsMinLoss, paired: true, claim: .less)),
            Verdict(claim: "PolyChain reaches lower train loss than the endpoints",
                    measured: "min train loss: PolyChain \(poly.minTrainLoss.formatted(3)), endpoints \(ends.minTrainLoss.formatted(3))",
                    evidence: .difference(minLoss(\.polychain), endsMinLoss, paired: true, claim: .less)),
            Verdict(claim: "Bezier is at least as good as PolyChain (max test error, points)",
                    measured: "Bezier \(pct(bezier.maxTestError)) vs PolyChain \(pct(poly.maxTestError))",
                    evidence: .difference(maxError(\.bezier), maxError(\.polychain), paired: true, claim: .less)),
        ]
    }
}

/// Bezier against PolyChain at one curve budget: max test error over the path (points), paired over pairs.
struct CurveBudgetComparison {
    let epochs: Int
    let bezier: MeanStd, polychain: MeanStd
    let test: Evidence
}

extension Chapter2Report {
    /// Why not: the comparison at the configured and at the longer curve budget (one row when the
    /// record predates the longer curves).
    var curveBudgetComparisons: [CurveBudgetComparison] {
        func compare(_ epochs: Int, _ bezier: [CurveEvaluation], _ polychain: [CurveEvaluation]) -> CurveBudgetComparison {
            let b = bezier.map { 100 * $0.summary(\.testError).max }, p = polychain.map { 100 * $0.summary(\.testError).max }
            return CurveBudgetComparison(epochs: epochs, bezier: MeanStd(b), polychain: MeanStd(p),
                                         test: .difference(b, p, paired: true, claim: .less))
        }
        var out = [compare(plan.curveEpochs, pairs.map(\.bezier), pairs.map(\.polychain))]
        let longB = pairs.compactMap(\.longerBezier), longP = pairs.compactMap(\.longerPolychain)
        if longB.count == pairs.count, longP.count == pairs.count {
            out.append(compare(plan.curveEpochs * CurvePlan.longerCurveFactor, longB, longP))
        }
        return out
    }
}

extension Chapter2Report {
    /// Is the middle of a path flatter or sharper than its ends? Per path, λ_max at t = 0.5 minus the
    /// mean of the endpoints' (paired over pairs; tested for "sharper", reported both ways).
    var middleAgainstEnds: [(path: String, middle: MeanStd, ends: MeanStd, test: Evidence)] {
        let curvature = pairs.compactMap(\.curvature)
        guard curvature.count == pairs.count, let k = curvature.first?.ts.firstIndex(of: 0.5) else { return [] }
        let ends = curvature.map { ($0.start.values[0] + $0.end.values[0]) / 2 }
        return [("Segment", \PathCurvature.segment), ("Bezier", \PathCurvature.bezier)].map { name, inside in
            let middle = curvature.map { $0[keyPath: inside][k].values[0] }
            return (name, MeanStd(middle), MeanStd(ends), Evidence.difference(middle, ends, paired: true, claim: .greater))
        }
    }
}
