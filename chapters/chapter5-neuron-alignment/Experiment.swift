import ChapterKit
import Experiments
import Foundation
import Networks
import Training
import WeightSpace

/// A path between A and (permuted) B evaluated at t, BN recomputed at every point.
struct PathResult: Codable {
    let method: String
    /// A trained Bezier curve, or the straight segment.
    let isCurve: Bool
    let ts: [Double]
    let points: [PointMetrics]
    /// `‖θ(t_k) − θ(t_{k−1})‖` (0 first), for the line integral.
    let lengths: [Double]

    var accuracy: [Double] { points.map { 1 - $0.testError } }
    /// NA's line-integrated accuracy: the length-weighted trapezoid mean along the path.
    var averageAccuracy: Double { SeriesSummary(values: accuracy, segmentLengths: lengths).integral }
    var minimumAccuracy: Double { accuracy.min()! }
    func barrier(_ series: KeyPath<PointMetrics, Double>) -> Double {
        SeriesSummary(values: points.map { $0[keyPath: series] }, segmentLengths: lengths).barrier
    }
}

/// One pair's alignments and paths.
struct PairAlignment: Codable {
    let seedPair: SeedPair
    var seeds: (UInt64, UInt64) { seedPair.tuple }
    let groups: [String]
    /// Correlation matrices of A's and B's units per group, before any permutation.
    let correlations: [[[Double]]]
    /// Per method (`AlignmentPlan.methods` order): the permutation of every group.
    let permutations: [[[Int]]]
    /// Weight matching's objective before and after every sweep.
    let matchingObjective: [Double]
    /// PAM's permutation step and rounding from each of its starts (`AlignmentPlan.methods` order).
    let pam: [ProximalAlignment.Outcome]
    /// `[method][kind: curve, segment]`.
    let paths: [[PathResult]]
    /// Why not: PAM from the unaligned start with a longer permutation step, and its curve and
    /// segment (nil in records from before it).
    var longerPAM: ProximalAlignment.Outcome?
    var longerPAMPaths: [PathResult]?

    /// Mean correlation of matched units per group under method m.
    func matchedCorrelation(_ m: Int) -> [Double] { zip(correlations, permutations[m]).map { NeuronAlignment.meanMatched($0, $1) } }
    var endpointAccuracy: [Double] { let s = paths[0][1].accuracy; return [s.first!, s.last!] }
}

struct AlignmentSurvey {
    let plan: AlignmentPlan
    let data: TrainingData
    let cache: ArtifactCache
    let probe: PointProbe

    init(plan: AlignmentPlan, data: TrainingData, cache: ArtifactCache) {
        self.plan = plan
        self.data = data
        self.cache = cache
        let network = Network.make(plan.curves.model, inputShape: data.train.shape, classes: data.train.classes)
        probe = PointProbe(cache: cache, evaluator: Evaluator(network: network), data: plan.curves.evaluationData(data),
                           weightDecay: plan.curves.weightDecay, state: [Float](repeating: 0, count: network.layout.stateCount),
                           context: "\(plan.curves.model.rawValue) on \(data.name)")
    }

    func pair(_ seeds: (UInt64, UInt64)) throws -> PairAlignment {
        let a = try cache.trainedNetwork(plan.curves.endpointRecipe(seed: seeds.0, data: data), data: data)
        let b = try cache.trainedNetwork(plan.curves.endpointRecipe(seed: seeds.1, data: data), data: data)
        let aligner = try PairAligner(a: a, b: b, data: data, cache: cache, settings: plan.alignment)
        var permutations: [[[Int]]] = [], pam: [ProximalAlignment.Outcome] = [], paths: [[PathResult]] = []
        for method in AlignmentPlan.methods {
            let recipe = plan.curveRecipe(a.recipe, b.recipe, method: method)
            let start = method.pamStart.map { permutations[AlignmentPlan.methods.firstIndex(of: $0)!] }
            let (pi, outcome) = try aligner.permutations(method, recipe: recipe, start: start)
            if let outcome { pam.append(outcome) }
            permutations.append(pi)
            let end = aligner.permuted(by: pi)
            let trained = try cache.trainedCurve(recipe, start: a, end: end, data: data)
            let key = "\(recipe.cacheKey) perm \(PairAligner.hash(pi))"
            paths.append([try path(method.name, isCurve: true, key: key, trained.recipe.curve, bends: trained.bendVector),
                          try path(method.name, isCurve: false, key: key, Curve.segment, bends: a.parameters + end.parameters)])
        }
        // Why not: PAM from the unaligned start with its permutation step longer, and its curve.
        var outcome: ProximalAlignment.Outcome?, longerPaths: [PathResult]?
        if plan.trainsLongerPAM {
            var longer = aligner
            longer.settings = plan.longerAlignment
            let recipe = plan.longerAlignment.curveRecipe(plan.curves.curveRecipe(.bezier, a.recipe, b.recipe), method: .pamFromUnaligned)
            let (pi, learned) = try longer.permutations(.pamFromUnaligned, recipe: recipe, start: permutations[0])
            let end = aligner.permuted(by: pi), trained = try cache.trainedCurve(recipe, start: a, end: end, data: data)
            let key = "\(recipe.cacheKey) perm \(PairAligner.hash(pi))", name = "longer PAM from unaligned"
            outcome = learned
            longerPaths = [try path(name, isCurve: true, key: key, trained.recipe.curve, bends: trained.bendVector),
                           try path(name, isCurve: false, key: key, Curve.segment, bends: a.parameters + end.parameters)]
        }
        return PairAlignment(seedPair: SeedPair(seeds), groups: a.network.unitGroups.map(\.name), correlations: aligner.correlations,
                             permutations: permutations, matchingObjective: aligner.matching.objective, pam: pam, paths: paths,
                             longerPAM: outcome, longerPAMPaths: longerPaths)
    }

    /// Evaluates `curve` through `bends` at the plan's t (cached point by point).
    func path(_ method: String, isCurve: Bool, key: String, _ curve: Curve, bends: [Float]) throws -> PathResult {
        let ts = CurveEvaluation.grid(points: plan.points), p = bends.count / curve.bends
        let thetas = ts.map { curve.point(at: $0, bendVector: bends, parameterCount: p) }
        let kind = isCurve ? "curve" : "segment"
        let points = try probe.metrics("\(kind)-\(method.replacingOccurrences(of: " ", with: "-"))", identity: "\(kind) \(key) at \(ts)", count: ts.count) { thetas[$0] }
        let steps = zip(thetas, thetas.dropFirst()).map { WeightVector.distance($1, $0) }
        let lengths = [0] + steps
        return PathResult(method: method, isCurve: isCurve, ts: ts, points: points, lengths: lengths)
    }
}
