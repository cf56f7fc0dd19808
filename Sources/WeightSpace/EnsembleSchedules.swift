import Training

/// The learning-rate schedules of Snapshot Ensembles and Fast Geometric Ensembling measured in
/// budgets, and where their members are collected.
///
/// Budget B = the epochs of one conventional training run. An ensemble "at k budgets" is trained
/// for k·B epochs in total, so an ensemble method's run of 3 budgets holds its 1- and 2-budget
/// ensembles as prefixes.
extension LearningRateSchedule {
    /// SSE over `budgets` budgets: every budget runs the same cosine restarts
    /// (`cosineRestarts(lr, epochs: epochsPerBudget, cycles: cyclesPerBudget)`: cycles of
    /// ⌊B/M⌋ epochs, the last absorbing the remainder, `lr = ½·lr0·(1 + cos(π·t/T))` per
    /// iteration), so the cycle length stays fixed as the run grows and the first k·B epochs are
    /// exactly the k-budget run. Equals `lr` at every cycle start.
    public static func snapshotEnsemble(_ lr: Double, epochsPerBudget: Int, cyclesPerBudget: Int, budgets: Int) -> LearningRateSchedule {
        precondition(budgets >= 1, "SSE needs at least one budget, got \(budgets)")
        let inner = cosineRestarts(lr, epochs: epochsPerBudget, cycles: cyclesPerBudget)
        return LearningRateSchedule(name: "SSE(\(lr), \(cyclesPerBudget) cycles per budget of \(epochsPerBudget) epochs, \(budgets) budgets)") { p in
            var q = p
            q.epoch -= min(p.epoch / epochsPerBudget, budgets - 1) * epochsPerBudget
            return Double(inner(q))
        }
    }
}

/// Where SSE takes its snapshots: the end of every cosine cycle.
public enum SnapshotEnsembleCycles {
    /// Epochs done (counted from 1) at the end of each cycle, over all budgets, increasing.
    /// With B = 10, M = 3 and 2 budgets: [3, 6, 10, 13, 16, 20].
    public static func snapshotEpochs(epochsPerBudget: Int, cyclesPerBudget: Int, budgets: Int) -> [Int] {
        precondition(cyclesPerBudget >= 1 && epochsPerBudget >= cyclesPerBudget,
                     "need 1 ≤ cycles ≤ epochs per budget, got \(cyclesPerBudget) cycles over \(epochsPerBudget) epochs")
        var ends: [Int] = []
        for b in 0..<budgets {
            for c in 0..<cyclesPerBudget {
                let (start, length) = LearningRateSchedule.sseCycle(containing: c * (epochsPerBudget / cyclesPerBudget),
                                                                    epochs: epochsPerBudget, cycles: cyclesPerBudget)
                ends.append(b * epochsPerBudget + start + length)
            }
        }
        return ends
    }
}

/// FGE's cycle in iterations and its collection points (GAR `fge.py`, set every iteration).
public enum FastGeometricCycle {
    /// The even number of iterations nearest to `epochs · iterationsPerEpoch`, at least 2
    /// (the triangle needs a middle iteration).
    public static func iterations(epochs: Double, iterationsPerEpoch: Int) -> Int {
        precondition(epochs > 0 && iterationsPerEpoch > 0, "cycle of \(epochs) epochs at \(iterationsPerEpoch) iterations per epoch")
        return max(2, 2 * Int((epochs * Double(iterationsPerEpoch) / 2).rounded()))
    }

    /// 0-based indices of the steps after which a member is collected, among the first
    /// `totalIterations` steps of an FGE run: `K/2, K/2 + K, …` — the steps taken at lr2.
    public static func collectionSteps(cycleIterations k: Int, totalIterations: Int) -> [Int] {
        Array(stride(from: k / 2, to: totalIterations, by: k))
    }

    /// Steps after which the trajectory figure evaluates the current network: `perCycle` evenly
    /// spaced offsets `⌊j·K/perCycle⌋` in every cycle, among the first `window` steps, increasing
    /// and without repeats. Holds every collection step in the window when `perCycle` is even.
    public static func probeSteps(cycleIterations k: Int, perCycle: Int, window: Int) -> [Int] {
        precondition(perCycle >= 1 && window >= 1, "probes per cycle and window must be ≥ 1, got \(perCycle), \(window)")
        let cycles = (window + k - 1) / k
        let steps = (0..<cycles).flatMap { c in (0..<perCycle).map { c * k + $0 * k / perCycle } }
        return Array(Set(steps.filter { $0 < window })).sorted()
    }
}
