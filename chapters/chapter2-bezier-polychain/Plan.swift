import Experiments
import WeightSpace

/// Chapter 2 runs `CurvePlan` (Experiments), which chapters 1 and 5 share so that equal budgets
/// train each network and curve once: the pairs of endpoints, their epochs and the curves' epochs,
/// the training and test subsets, the points t and the evaluation subsets of every budget.
extension CurvePlan {
    /// The curves chapter 2 trains between every pair (the segment needs no training).
    static let trainedKinds: [CurveKind] = [.bezier, .polychain]

    /// The points t at which the segment and both curves are evaluated: `points` evenly spaced
    /// from 0 to 1.
    var evaluationGrid: [Double] { CurveEvaluation.grid(points: points) }
}
