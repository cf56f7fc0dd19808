import ChapterKit
import Experiments
import Foundation
import Networks
import Plotting
import Reporting
import Training
import WeightSpace

/// The three paths evaluated for one pair of endpoints.
struct PairResult: Codable {
    let seedPair: SeedPair
    var seeds: (UInt64, UInt64) { seedPair.tuple }
    let segment: CurveEvaluation
    let bezier: CurveEvaluation
    let polychain: CurveEvaluation
    /// Why not: both curves trained `Chapter2Report.longerCurveFactor` times as long (nil in records from before it).
    var longerBezier: CurveEvaluation?
    var longerPolychain: CurveEvaluation?

    var methods: [(name: String, evaluation: CurveEvaluation)] {
        [("Segment", segment), ("Bezier", bezier), ("PolyChain", polychain)]
    }

    /// The endpoints' values, read at t = 0 and t = 1 of the segment (BN recomputed like every point).
    func endpoints(_ series: KeyPath<CurvePoint, Double>) -> [Double] {
        [segment.points.first![keyPath: series], segment.points.last![keyPath: series]]
    }
}

/// The experiment of one pair of seeds: train (or fetch) the endpoints and the two curves, then
/// evaluate the segment and both curves at the same points t, BN recomputed at each.
struct Experiment {
    let plan: CurvePlan
    let data: TrainingData
    let cache: ArtifactCache

    /// Endpoints, the segment, a Bezier and a PolyChain curve for one pair of seeds.
    func connect(_ seeds: (UInt64, UInt64)) throws -> PairResult {
        let a = try cache.trainedNetwork(plan.endpointRecipe(seed: seeds.0, data: data), data: data)
        let b = try cache.trainedNetwork(plan.endpointRecipe(seed: seeds.1, data: data), data: data)
        let evaluation = plan.evaluationData(data)
        let evaluator = Evaluator(network: a.network)
        let ts = plan.evaluationGrid
        let segment = evaluator.evaluateCurve(Curve.segment, bendVector: a.parameters + b.parameters, state: a.state,
                                              at: ts, data: evaluation, weightDecay: plan.weightDecay, label: "segment")
        var curves: [CurveKind: CurveEvaluation] = [:], longer: [CurveKind: CurveEvaluation] = [:]
        for kind in CurvePlan.trainedKinds {
            let trained = try cache.trainedCurve(plan.curveRecipe(kind, a.recipe, b.recipe), start: a, end: b, data: data)
            curves[kind] = evaluator.evaluateCurve(trained.recipe.curve, bendVector: trained.bendVector, state: trained.state,
                                                   at: ts, data: evaluation, weightDecay: plan.weightDecay, label: kind.rawValue)
        }
        // Why not: the same curves trained longer, evaluated at the same t.
        for kind in CurvePlan.trainedKinds {
            let trained = try cache.trainedCurve(plan.longerCurveRecipe(kind, a.recipe, b.recipe), start: a, end: b, data: data)
            longer[kind] = evaluator.evaluateCurve(trained.recipe.curve, bendVector: trained.bendVector, state: trained.state,
                                                   at: ts, data: evaluation, weightDecay: plan.weightDecay, label: "\(kind.rawValue), longer")
        }
        return PairResult(seedPair: SeedPair(seeds), segment: segment, bezier: curves[.bezier]!, polychain: curves[.polychain]!,
                          longerBezier: longer[.bezier], longerPolychain: longer[.polychain])
    }
}
