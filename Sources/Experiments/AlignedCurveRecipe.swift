import Foundation
import Networks
import Tensor
import Training
import WeightSpace

/// How the end network of a curve is permuted towards its start before the curve is trained
/// (chapter 5): not at all, by the correlation of post-activations (Tatro et al.), by weight
/// matching (Git Re-Basin), or by PAM's learned permutation from either of the first two.
public enum AlignmentMethod: String, Codable, CaseIterable, Sendable {
    case unaligned
    case correlation
    case weightMatching = "weight matching"
    case pamFromUnaligned = "PAM from unaligned"
    case pamFromCorrelation = "PAM from correlation"

    public var name: String { rawValue }

    /// Where PAM starts: the networks as trained or aligned by correlation.
    public var pamStart: AlignmentMethod? {
        switch self {
        case .pamFromUnaligned: return .unaligned
        case .pamFromCorrelation: return .correlation
        default: return nil
        }
    }
}

/// Everything an alignment depends on besides its two endpoints and the curve it is for.
public struct AlignmentSettings: Codable, Hashable, Sendable {
    /// Training images (the first, no augmentation) whose post-activations are correlated.
    public var correlationImages: Int
    /// PAM's permutation step and rounding (its rate is set per curve: half the curve's).
    public var pam: ProximalAlignment.Settings
    /// Training images (a fixed subset) on which PAM scores its rounding candidates.
    public var pamScoringImages: Int

    public init(correlationImages: Int, pam: ProximalAlignment.Settings, pamScoringImages: Int) {
        self.correlationImages = correlationImages
        self.pam = pam
        self.pamScoringImages = pamScoringImages
    }

    /// PAM's settings for a curve: the permutation step at half the curve's rate, as the paper.
    public func pamSettings(_ curve: CurveRecipe) -> ProximalAlignment.Settings {
        var s = pam
        s.learningRate = 0.5 * curve.learningRate
        return s
    }

    /// Everything PAM's permutation step depends on besides its endpoints and rate (part of PAM
    /// curves' recipes, so their cache keys change with it).
    public var pamIdentity: String {
        "permutation step \(pam.epochs) epochs at half the curve's lr, batch \(pam.batchSize), ν \(pam.nu), \(pam.projectionRounds) projection rounds; "
            + "rounding from \(pam.samples) samples of the \(pam.decompositionTerms) largest decomposition terms, scored on \(pamScoringImages) training images"
    }

    /// `base` (an unaligned Bezier recipe) for `method`: the alignment named in the recipe, and
    /// PAM's curves also carry its settings and the proximal pull of its φ step.
    public func curveRecipe(_ base: CurveRecipe, method: AlignmentMethod) -> CurveRecipe {
        var r = base
        switch method {
        case .unaligned: break
        case .correlation, .weightMatching: r.alignment = method.rawValue
        case .pamFromUnaligned, .pamFromCorrelation:
            r.alignment = "\(method.rawValue): \(pamIdentity)"
            r.proximalPull = pam.nu
        }
        return r
    }
}

/// A curve between A and B permuted by `method` (a job: `Job.Work.alignedCurve`).
public struct AlignedCurveRecipe: Codable, Hashable, Sendable {
    /// The curve, its `alignment` set by `AlignmentSettings.curveRecipe`.
    public var curve: CurveRecipe
    public var method: AlignmentMethod
    public var settings: AlignmentSettings

    public init(curve: CurveRecipe, method: AlignmentMethod, settings: AlignmentSettings) {
        self.curve = curve
        self.method = method
        self.settings = settings
    }
}

/// The alignments of one pair of trained networks: correlations and weight matching computed
/// once, PAM's permutation step through the cache's point store (it is deterministic in what its
/// identity names).
public struct PairAligner {
    public let a: TrainedNetwork
    public let b: TrainedNetwork
    public let data: TrainingData
    public let cache: ArtifactCache
    /// What the alignments depend on; a copy with other PAM settings reuses the correlations and the matching.
    public var settings: AlignmentSettings
    /// Correlation matrices of A's and B's units per group, before any permutation.
    public let correlations: [[[Double]]]
    public let matching: WeightMatching.Result

    public init(a: TrainedNetwork, b: TrainedNetwork, data: TrainingData, cache: ArtifactCache, settings: AlignmentSettings) throws {
        self.a = a
        self.b = b
        self.data = data
        self.cache = cache
        self.settings = settings
        let images = data.train.prefix(min(settings.correlationImages, data.train.count))
        correlations = NeuronAlignment.correlations(network: a.network, a: (a.parameters, a.state), b: (b.parameters, b.state), data: images)
        matching = try WeightMatching.match(network: a.network, a: a.parameters, b: b.parameters,
                                            seed: RandomGenerator.derive(seed: b.recipe.seed, "weight matching"))
    }

    /// The permutation of every unit group of B under `method` for the curve `recipe`, and PAM's
    /// outcome for the PAM methods; `start` is PAM's start permutation (computed when nil).
    public func permutations(_ method: AlignmentMethod, recipe: CurveRecipe, start: [[Int]]? = nil) throws -> (pi: [[Int]], pam: ProximalAlignment.Outcome?) {
        switch method {
        case .unaligned: return (UnitPermutation.identity(a.network.unitGroups), nil)
        case .correlation: return (try correlations.map { try NeuronAlignment.match($0) }, nil)
        case .weightMatching: return (matching.permutations, nil)
        case .pamFromUnaligned, .pamFromCorrelation:
            let startMethod = method.pamStart!
            let from = try start ?? permutations(startMethod, recipe: recipe).pi
            let outcome = try proximalAlignment(from: from, recipe: recipe, label: "\(method.name) \(a.recipe.seed)-\(b.recipe.seed)")
            // B permuted by the start, then by PAM's permutation of that: unit u is B's start[pam[u]].
            return (zip(from, outcome.permutations).map { s, q in q.map { s[$0] } }, outcome)
        }
    }

    /// B with its units permuted by `pi`.
    public func permuted(by pi: [[Int]]) -> TrainedNetwork {
        var end = b
        (end.parameters, end.state) = UnitPermutation.apply(pi, groups: b.network.unitGroups, layout: b.network.layout, parameters: b.parameters, state: b.state)
        return end
    }

    /// PAM's permutation step and rounding between A and B permuted by `start`.
    func proximalAlignment(from start: [[Int]], recipe: CurveRecipe, label: String) throws -> ProximalAlignment.Outcome {
        let pam = settings.pamSettings(recipe), end = permuted(by: start)
        var batches = a.recipe
        batches.batchSize = pam.batchSize
        batches.seed = RandomGenerator.derive(seed: recipe.seed, "PAM batches")
        let scoring = data.train.fixedSubset(count: min(settings.pamScoringImages, data.train.count), seed: 41)
        let identity = "PAM permutation step for \(recipe.cacheKey) from start \(Self.hash(start)), lr \(pam.learningRate) | \(a.network.model.rawValue) on \(data.name)"
        return try cache.pointEvaluations(key: ArtifactCache.pointsKey("pam", identity: identity), identity: identity, count: 1, label: label) { _ in
            try ProximalAlignment.learn(network: a.network, curve: recipe.curve, start: a.parameters, end: end.parameters, state: a.state,
                                        batches: data.trainingBatches(batches), scoring: scoring, settings: pam, seed: recipe.seed)
        }[0]
    }

    /// A short hash of permutations, so that points of differently aligned paths never share a cache entry.
    public static func hash(_ permutations: [[Int]]) -> String {
        ArtifactCache.pointsKey("perm", identity: permutations.map { $0.map(String.init).joined(separator: ",") }.joined(separator: ";"))
    }
}
