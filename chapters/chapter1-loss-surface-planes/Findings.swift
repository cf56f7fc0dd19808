import ChapterKit
import Experiments
import Foundation
import Statistics
import WeightSpace

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

extension PlanesResults {
    /// How far above the worse optimum a midpoint's test error must be to count as "much higher"
    /// (the same margin as chapter 2's segment barrier), and how much higher its train loss must
    /// be, as a factor.
    static let barrierPoints = 5.0, barrierFactor = 2.0
    /// How close a curve's max test error must stay to the worse endpoint's (chapter 2's "a few points").
    static let fewPoints = 3.0
    /// A curve "lies in its plane" when its largest distance from the plane is below this fraction of dx.
    static let inPlaneTolerance = 1e-4

    /// Mean ± std over pairs of `value` of each pair.
    func over<T>(_ items: [T], _ value: (T) -> Double) -> MeanStd { MeanStd(items.map(value)) }

    /// `value` of each pair's result: the sample a claim's test runs on.
    func values<T>(_ items: [T], _ value: (T) -> Double) -> [Double] { items.map(value) }

    /// Every claim is tested over the pairs: the barriers and the curves' rise against the paper's
    /// thresholds by the one-sided bound (a one-sample t-test), the valley against the ridge paired
    /// by pair; that a curve lies in its plane is an exact check of the geometry.
    var verdicts: [Verdict] {
        var out: [Verdict] = []
        let ratioOf = { (t: ThreeOptimaResult) -> Double in
            let excess = t.midpointExcess(\.trainLoss)
            return zip(excess, [(0, 1), (0, 2), (1, 2)]).map { e, ends in
                (e + max(t.optima[ends.0].trainLoss, t.optima[ends.1].trainLoss)) / max(t.optima[ends.0].trainLoss, t.optima[ends.1].trainLoss)
            }.reduce(0, +) / 3
        }
        let errorExcessOf = { (t: ThreeOptimaResult) in 100 * t.midpointExcess(\.testError).reduce(0, +) / 3 }
        let ratio = over(triples, ratioOf), errorExcess = over(triples, errorExcessOf)
        out.append(Verdict(claim: "three-optima plane: the midpoint between two networks has a train loss at least \(Self.barrierFactor.formatted())× the worse optimum's",
                           measured: "midpoint / worse optimum train loss \(ratio.formatted(2))×",
                           evidence: .threshold(values(triples, ratioOf), claim: .greater, threshold: Self.barrierFactor)))
        out.append(Verdict(claim: "three-optima plane: the midpoint's test error is at least \(Self.barrierPoints.formatted()) points above the worse optimum's",
                           measured: "midpoint − worse optimum: \(errorExcess.formatted(2)) points",
                           evidence: .threshold(values(triples, errorExcessOf), claim: .greater, threshold: Self.barrierPoints)))
        for (name, results) in curvePlanes {
            let riseOf = { (r: CurvePlaneResult) in 100 * (r.maxAlongCurve(\.testError) - r.worseEndpoint(\.testError)) }
            let rise = over(results, riseOf)
            out.append(Verdict(claim: "\(name) plane: the max test error along the projected curve is within \(Self.fewPoints.formatted()) points of the worse endpoint's",
                               measured: "curve max − worse endpoint: \(rise.formatted(2)) points",
                               evidence: .threshold(values(results, riseOf), claim: .less, threshold: Self.fewPoints)))
            let curveLoss = over(results) { $0.maxAlongCurve(\.trainLoss) }, segmentLoss = over(results) { $0.maxAlongSegment(\.trainLoss) }
            out.append(Verdict(claim: "\(name) plane: the curve's valley is lower than the segment's ridge (max train loss)",
                               measured: "curve \(curveLoss.formatted(3)) vs segment \(segmentLoss.formatted(3))",
                               evidence: .difference(values(results) { $0.maxAlongCurve(\.trainLoss) },
                                                     values(results) { $0.maxAlongSegment(\.trainLoss) }, paired: true, claim: .less)))
            let residual = results.map(\.relativeResidual).max()!
            out.append(Verdict(claim: "\(name) curve lies in its plane (largest distance below \(Self.inPlaneTolerance.formatted()) · dx)",
                               measured: String(format: "largest distance %.2e · dx (%.2e in weight units)", residual, results.map(\.residual).max()!),
                               held: residual < Self.inPlaneTolerance))
        }
        let segmentRiseOf = { (r: CurvePlaneResult) in 100 * (r.maxAlongSegment(\.testError) - r.worseEndpoint(\.testError)) }
        let segmentRise = over(bezier, segmentRiseOf)
        out.append(Verdict(claim: "the straight segment between the endpoints rises at least \(Self.barrierPoints.formatted()) points above the worse endpoint's test error",
                           measured: "segment max − worse endpoint: \(segmentRise.formatted(2)) points",
                           evidence: .threshold(values(bezier, segmentRiseOf), claim: .greater, threshold: Self.barrierPoints)))
        return out
    }
}
