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

    /// Each claim with the numbers that decide it, computed from this run.
    var claims: [(claim: String, measured: String, held: Bool)] {
        let r = rows
        let (ends, segment, bezier, poly) = (r[0], r[1], r[2], r[3])
        func pct(_ m: MeanStd) -> String { m.formatted(2, scale: 100) + " %" }
        return [
            ("the segment's max test error is far above the endpoints' (by ≥ \(Self.barrierMargin) points)",
             "segment \(pct(segment.maxTestError)) vs endpoints \(pct(ends.maxTestError))",
             100 * (segment.maxTestError.mean - ends.maxTestError.mean) >= Self.barrierMargin),
            ("Bezier keeps max test error within \(Self.fewPoints) points of the endpoints'",
             "Bezier \(pct(bezier.maxTestError)) vs endpoints \(pct(ends.maxTestError))",
             100 * (bezier.maxTestError.mean - ends.maxTestError.mean) <= Self.fewPoints),
            ("PolyChain keeps max test error within \(Self.fewPoints) points of the endpoints'",
             "PolyChain \(pct(poly.maxTestError)) vs endpoints \(pct(ends.maxTestError))",
             100 * (poly.maxTestError.mean - ends.maxTestError.mean) <= Self.fewPoints),
            ("both curves reach lower train loss than the endpoints",
             "min train loss: Bezier \(bezier.minTrainLoss.formatted(3)), PolyChain \(poly.minTrainLoss.formatted(3)), endpoints \(ends.minTrainLoss.formatted(3))",
             bezier.minTrainLoss.mean < ends.minTrainLoss.mean && poly.minTrainLoss.mean < ends.minTrainLoss.mean),
            ("Bezier is at least as good as PolyChain (max test error)",
             "Bezier \(pct(bezier.maxTestError)) vs PolyChain \(pct(poly.maxTestError))",
             bezier.maxTestError.mean <= poly.maxTestError.mean),
        ]
    }
}
