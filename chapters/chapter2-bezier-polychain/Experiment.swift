import ChapterKit
import Experiments
import Foundation
import Networks
import Plotting
import Reporting
import Tensor
import Training
import WeightSpace

/// The three paths evaluated for one pair of endpoints.
struct PairResult: Codable {
    let seedPair: SeedPair
    var seeds: (UInt64, UInt64) { seedPair.tuple }
    let segment: CurveEvaluation
    let bezier: CurveEvaluation
    let polychain: CurveEvaluation
    /// The Hessian's top eigenvalue along the Bezier curve and the segment (nil in records from before it).
    var curvature: PathCurvature?
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

/// The Hessian's top eigenvalue at t = 0 and 1 (the endpoints) and at `ts` inside the Bezier curve
/// and the segment.
struct PathCurvature: Codable {
    let ts: [Double]
    let start: HessianSpectrum.TopEigenvalues
    let end: HessianSpectrum.TopEigenvalues
    let bezier: [HessianSpectrum.TopEigenvalues]
    let segment: [HessianSpectrum.TopEigenvalues]

    /// λ_max along a path at 0, ts…, 1.
    func profile(_ inside: [HessianSpectrum.TopEigenvalues]) -> [Double] { [start.values[0]] + inside.map { $0.values[0] } + [end.values[0]] }
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
        // Every point through the cache's point store: an interrupted run resumes at its first missing point.
        let probe = PointProbe(cache: cache, evaluator: Evaluator(network: a.network), data: plan.evaluationData(data),
                               weightDecay: plan.weightDecay, state: a.state, context: "\(plan.model.rawValue) on \(data.name)")
        let ts = plan.evaluationGrid, pair = "\(seeds.0)-\(seeds.1)"
        let segment = try probe.curve("segment-\(pair)", identity: "segment \(a.recipe.cacheKey) \(b.recipe.cacheKey)", curve: Curve.segment,
                                      bendVector: a.parameters + b.parameters, at: ts)
        var curves: [CurveKind: CurveEvaluation] = [:], longer: [CurveKind: CurveEvaluation] = [:], trainedCurves: [CurveKind: TrainedCurve] = [:]
        for kind in CurvePlan.trainedKinds {
            let trained = try cache.trainedCurve(plan.curveRecipe(kind, a.recipe, b.recipe), start: a, end: b, data: data)
            trainedCurves[kind] = trained
            curves[kind] = try probe.curve("\(kind.rawValue)-\(pair)", identity: trained.recipe.cacheKey, curve: trained.recipe.curve,
                                           bendVector: trained.bendVector, at: ts)
        }
        // Why not: the same curves trained longer, evaluated at the same t.
        for kind in CurvePlan.trainedKinds where plan.trainsLongerCurves {
            let trained = try cache.trainedCurve(plan.longerCurveRecipe(kind, a.recipe, b.recipe), start: a, end: b, data: data)
            longer[kind] = try probe.curve("\(kind.rawValue)-longer-\(pair)", identity: trained.recipe.cacheKey, curve: trained.recipe.curve,
                                           bendVector: trained.bendVector, at: ts)
        }
        return PairResult(seedPair: SeedPair(seeds), segment: segment, bezier: curves[.bezier]!, polychain: curves[.polychain]!,
                          curvature: try curvature(a, b, trainedCurves[.bezier]!), longerBezier: longer[.bezier], longerPolychain: longer[.polychain])
    }

    /// The Hessian's top eigenvalue at the pair's endpoints and inside its Bezier curve and segment, through the cache.
    func curvature(_ a: TrainedNetwork, _ b: TrainedNetwork, _ bezier: TrainedCurve) throws -> PathCurvature {
        let subset = plan.curvature.subset(of: data.train), bn = plan.evaluationData(data).batchNorm, p = a.parameters.count
        func top(_ name: String, _ identity: String, _ theta: [Float]) throws -> HessianSpectrum.TopEigenvalues {
            let full = "hessian top \(identity) \(plan.curvature.settings) on \(subset.count) images, BN on \(bn.count)"
            return try cache.pointEvaluations(key: ArtifactCache.pointsKey("hessian-\(name)", identity: full), identity: full, count: 1,
                                              label: "Hessian \(name)") { _ in
                let hessian = HessianOperator(network: a.network, parameters: theta, recalibratingOn: bn, data: subset,
                                              relativeStep: plan.curvature.settings.relativeStep)
                return HessianSpectrum.topEigenvalues(hessian.product, dimension: p, k: plan.curvature.settings.topK, tolerance: plan.curvature.settings.tolerance,
                                                      maxSteps: plan.curvature.settings.maxSteps, seed: RandomGenerator.derive(seed: a.recipe.seed, "hessian"))
            }[0]
        }
        let segmentBends = a.parameters + b.parameters
        return PathCurvature(
            ts: plan.curvatureTs, start: try top("start", a.recipe.cacheKey, a.parameters), end: try top("end", b.recipe.cacheKey, b.parameters),
            bezier: try plan.curvatureTs.map { t in
                try top("bezier-\(t)", "\(bezier.recipe.cacheKey) at \(t)", bezier.recipe.curve.point(at: t, bendVector: bezier.bendVector, parameterCount: p))
            },
            segment: try plan.curvatureTs.map { t in
                try top("segment-\(t)", "segment \(a.recipe.cacheKey) \(b.recipe.cacheKey) at \(t)",
                        Curve.segment.point(at: t, bendVector: segmentBends, parameterCount: p))
            })
    }
}
