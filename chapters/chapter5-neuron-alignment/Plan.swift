import ChapterKit
import Experiments
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
    /// PAM's permutation step and rounding (its rate is set per curve); its φ step trains for the curves' epochs.
    let pam: ProximalAlignment.Settings
    /// Training images (a fixed subset) on which PAM scores its rounding candidates.
    let pamScoringImages: Int
    /// Why not (issue 29): PAM from the unaligned start with its permutation step this many times
    /// longer, and its curve, at the full budget (and at smoke, for the tests); the quick budget
    /// leaves it out to stay within its minutes.
    static let longerPAMFactor = 3
    var trainsLongerPAM: Bool { budget != .quick }

    init(budget: Budget, model: ModelName, seeds: [UInt64]?) {
        curves = CurvePlan(budget: budget, model: model, seeds: seeds, quick: .lighterEvaluation)
        switch budget {
        case .smoke:
            (points, alignmentImages) = (3, 256)
            (pam, pamScoringImages) = (.init(epochs: 1, learningRate: 0, samples: 2), 256)
        case .quick:
            // Chapter 2's quick networks and curves, points on smaller subsets (`CurvePlan.QuickScope.lighterEvaluation`);
            // the alignments at the full budget's settings.
            (points, alignmentImages) = (9, 10_000)
            (pam, pamScoringImages) = (.init(epochs: 2, learningRate: 0, samples: 32), 2_000)
        case .full:
            (points, alignmentImages) = (21, 10_000)
            (pam, pamScoringImages) = (.init(epochs: 2, learningRate: 0, samples: 32), 2_000)
        }
    }

    var budget: Budget { curves.budget }
    var pairs: [(UInt64, UInt64)] { curves.seedPairs }

    /// The same alignment settings with PAM's permutation step `longerPAMFactor` times as many epochs.
    var longerAlignment: AlignmentSettings {
        var s = alignment
        s.pam.epochs *= Self.longerPAMFactor
        return s
    }

    /// The alignments compared, in table order.
    static let methods: [Method] = [.unaligned, .correlation, .weightMatching, .pamFromUnaligned, .pamFromCorrelation]
    typealias Method = AlignmentMethod

    /// What every alignment of a pair depends on besides its endpoints.
    var alignment: AlignmentSettings {
        AlignmentSettings(correlationImages: alignmentImages, pam: pam, pamScoringImages: pamScoringImages)
    }

    /// Chapter 2's Bezier recipe between the pair, with the end network's units permuted by `method`
    /// (PAM's curves also carry its settings and the proximal pull of its φ step).
    func curveRecipe(_ a: TrainingRecipe, _ b: TrainingRecipe, method: Method) -> CurveRecipe {
        alignment.curveRecipe(curves.curveRecipe(.bezier, a, b), method: method)
    }

    /// PAM's settings for a curve: the permutation step at half the curve's rate, as the paper.
    func pamSettings(_ curve: CurveRecipe) -> ProximalAlignment.Settings { alignment.pamSettings(curve) }

    /// The trainings of every pair for `--plan`: the endpoints, then the unaligned and the aligned
    /// curves (an aligned curve's job computes its alignment from the endpoints first).
    func jobs(data: TrainingData) -> JobPlan {
        var jobs = curves.jobs(data: data, kinds: [.bezier])
        for (a, b) in pairs {
            let (ra, rb) = (curves.endpointRecipe(seed: a, data: data), curves.endpointRecipe(seed: b, data: data))
            for method in Self.methods where method != .unaligned {
                jobs.add(.alignedCurve(AlignedCurveRecipe(curve: curveRecipe(ra, rb, method: method), method: method, settings: alignment)), data: data)
            }
            guard trainsLongerPAM else { continue }
            let longer = longerAlignment.curveRecipe(curves.curveRecipe(.bezier, ra, rb), method: .pamFromUnaligned)
            jobs.add(.alignedCurve(AlignedCurveRecipe(curve: longer, method: .pamFromUnaligned, settings: longerAlignment)), data: data)
        }
        return jobs
    }
}
