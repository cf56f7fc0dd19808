import Experiments
import Training
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

    /// Curvature (issue 32): the Hessian's top eigenvalue at the endpoints and at these t inside the
    /// Bezier curve and the segment, on a fixed training subset (BN recomputed as for every point).
    var curvatureTs: [Double] { budget == .smoke ? [0.5] : [0.25, 0.5, 0.75] }
    var curvature: CurvaturePlan {
        CurvaturePlan(settings: CurvatureSettings(maxSteps: budget == .smoke ? 10 : 30), images: budget == .smoke ? 64 : 500)
    }

    /// Why not (issue 29): the curves trained this many times as many epochs, at the full budget
    /// (and at smoke, for the tests); the quick budget leaves it out to stay within its minutes.
    static let longerCurveFactor = 2
    var trainsLongerCurves: Bool { budget != .quick }

    /// `curveRecipe` with `longerCurveFactor` times the epochs (its own cache entry).
    func longerCurveRecipe(_ kind: CurveKind, _ a: TrainingRecipe, _ b: TrainingRecipe) -> CurveRecipe {
        var r = curveRecipe(kind, a, b)
        r.epochs *= Self.longerCurveFactor
        return r
    }

    /// Chapter 2's trainings for `--plan`: endpoints, both curves, and both curves trained longer.
    func chapterJobs(data: TrainingData) -> JobPlan {
        var jobs = self.jobs(data: data, kinds: Self.trainedKinds)
        for (a, b) in seedPairs where trainsLongerCurves {
            for kind in Self.trainedKinds {
                jobs.add(.curve(longerCurveRecipe(kind, endpointRecipe(seed: a, data: data), endpointRecipe(seed: b, data: data))), data: data)
            }
        }
        return jobs
    }
}
