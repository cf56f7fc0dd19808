import ChapterKit
import Datasets
import Networks
import Training
import WeightSpace

/// How much of the alignment experiment a budget runs. Endpoints and the unaligned Bezier curves
/// are chapter 2's (`CurvePlan` of the same budget), so after `chapter2` only the aligned curves train.
struct AlignmentPlan {
    let curves: CurvePlan
    /// Points t at which every curve and segment is evaluated.
    let points: Int
    /// Training images (the first, no augmentation) whose post-activations are correlated.
    let alignmentImages: Int

    init(budget: Budget, model: ModelName, seeds: [UInt64]?) {
        curves = CurvePlan(budget: budget, model: model, seeds: seeds)
        switch budget {
        case .smoke: (points, alignmentImages) = (3, 256)
        case .quick: (points, alignmentImages) = (11, 10_000)
        case .full: (points, alignmentImages) = (21, 10_000)
        }
    }

    var budget: Budget { curves.budget }
    var pairs: [(UInt64, UInt64)] { curves.seedPairs }

    /// The alignments compared, in table order; nil is the networks as trained.
    static let methods: [(name: String, alignment: Alignment?)] = [("unaligned", nil), ("correlation", .correlation), ("weight matching", .weightMatching)]

    enum Alignment: String {
        case correlation
        case weightMatching = "weight matching"
    }

    /// Chapter 2's Bezier recipe between the pair, with the end network's units permuted by `alignment`.
    func curveRecipe(_ a: TrainingRecipe, _ b: TrainingRecipe, alignment: Alignment?) -> CurveRecipe {
        var r = curves.curveRecipe(.bezier, a, b)
        r.alignment = alignment?.rawValue
        return r
    }
}
