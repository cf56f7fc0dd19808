import ArgumentParser
import Experiments
import Foundation

/// Chapter 3 runs `EnsemblePlan` (Experiments), which chapter 4 shares: B epochs per budget, three
/// budgets per method, FGE from 80 % of the first network. Two of its settings can be chosen so
/// that a budget cannot hold them; the chapter refuses those before it trains anything.
extension EnsemblePlan {
    /// The plan, when SSE's cycles fit the budget: cosine cycles are whole epochs, so at most B
    /// snapshots per budget.
    func checkedSnapshots() throws -> EnsemblePlan {
        guard snapshotsPerBudget <= budgetEpochs else {
            throw ValidationError("""
                --snapshots must be at most \(budgetEpochs) (cycles of whole epochs in a budget of \
                \(budgetEpochs) epochs)
                """)
        }
        return self
    }

    /// FGE's 1-budget ensemble needs at least one member: the first lr2 step must fall inside
    /// the (1 − 0.8)·B epochs FGE runs within one budget.
    func checkFGECollectsWithinOneBudget(data: TrainingData) throws {
        let recipe = fastGeometricRecipe(base: baseRecipe(seed: seeds[0], data: data))
        let window = (budgetEpochs - fgeStartEpoch) * iterationsPerEpoch(recipe.base)
        guard recipe.cycleIterations / 2 < window else {
            throw ValidationError("""
                an FGE cycle of \(recipe.cycleIterations) iterations collects no member within one budget (FGE \
                runs \(window) iterations in it); choose --cycle below \
                \(String(format: "%.2f", 2 * Double(window) / Double(iterationsPerEpoch(recipe.base)))) epochs
                """)
        }
    }
}
