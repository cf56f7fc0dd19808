import ChapterKit
import Experiments
import Networks
import WeightSpace

/// How much of the planes experiment a budget runs. Networks and curves come from chapter 2's
/// `CurvePlan` of the same budget, so after `chapter2` nothing is retrained.
struct PlanesPlan {
    let curves: CurvePlan
    /// GAR's grid over α, β (`w0 + α·dx·û + β·dy·v̂`).
    let grid: PlaneGridSpec
    /// LL's grid over the multipliers of the two filter-normalised directions.
    let randomGrid: PlaneGridSpec
    /// Points at which the projected curves and the segment are evaluated for the numbers.
    let pathPoints: Int
    /// Points of the curve projected into its plane for the figure's overlay (GAR: 61).
    let overlayPoints = 61
    /// Every seed used, in order; the pairs of `curves.seedPairs` plus a third network per pair.
    let seeds: [UInt64]

    init(budget: Budget, model: ModelName, seeds: [UInt64]?) {
        let seeds = seeds ?? (budget == .full ? [1, 2, 3, 4, 5, 6] : [1, 2, 3])
        precondition(seeds.count >= 3, "the planes need at least three networks, got seeds \(seeds)")
        self.seeds = seeds
        curves = CurvePlan(budget: budget, model: model, seeds: seeds, quick: .lighterEvaluation)
        switch budget {
        case .smoke:
            (grid, randomGrid, pathPoints) = (PlaneGridSpec(points: 4), PlaneGridSpec(points: 3, lower: -1, upper: 1), 3)
        case .quick:
            (grid, randomGrid, pathPoints) = (PlaneGridSpec(points: 7), PlaneGridSpec(points: 5, lower: -1, upper: 1), 7)
        case .full:
            (grid, randomGrid, pathPoints) = (PlaneGridSpec(points: 21), PlaneGridSpec(points: 21, lower: -1, upper: 1), 21)
        }
    }

    var budget: Budget { curves.budget }

    /// The curve pairs (chapter 2's).
    var pairs: [(UInt64, UInt64)] { curves.seedPairs }

    /// For pair k, the three networks of its three-optima plane: the pair's endpoints (on the x
    /// axis, as on the curve planes) and the next seed in the list, cyclically, above them.
    func triple(_ k: Int) -> (UInt64, UInt64, UInt64) {
        (pairs[k].0, pairs[k].1, seeds[(2 * k + 2) % seeds.count])
    }
}
