import Foundation

/// Schedules that repeat or change shape within a run: FGE's triangle, SSE's cosine restarts,
/// the Knee schedule and one-cycle. All are set every iteration.
extension LearningRateSchedule {
    /// FGE's triangular cyclic rate (GAR `fge.py`), with a cycle of `cycleIterations` (even):
    /// at iteration k of a cycle, `s = k/K`; for s < ½ `lr = (1 − 2s)·lr1 + 2s·lr2`, else
    /// `(2s − 1)·lr1 + (2 − 2s)·lr2`. Equals lr1 at each cycle start and lr2 at mid-cycle
    /// (k = K/2), where a member is collected (`isFGECollectionPoint`).
    public static func fgeTriangle(lr1: Double, lr2: Double, cycleIterations: Int) -> LearningRateSchedule {
        precondition(cycleIterations >= 2 && cycleIterations % 2 == 0, "FGE cycle must be an even number ≥ 2 of iterations, got \(cycleIterations)")
        return LearningRateSchedule(name: "fge(lr1 \(lr1), lr2 \(lr2), cycle \(cycleIterations) it)") { p in
            let k = p.globalIteration % cycleIterations
            let s = Double(k) / Double(cycleIterations)
            return s < 0.5 ? (1 - 2 * s) * lr1 + 2 * s * lr2 : (2 * s - 1) * lr1 + (2 - 2 * s) * lr2
        }
    }

    /// Whether the step just taken at `position` is an FGE collection point (the lr2 iteration).
    public static func isFGECollectionPoint(_ position: TrainingPosition, cycleIterations: Int) -> Bool {
        position.globalIteration % cycleIterations == cycleIterations / 2
    }

    /// Snapshot Ensembles' cosine restarts (Huang et al.), per iteration: `cycles` cycles of
    /// `⌊epochs/cycles⌋` epochs, the last absorbing the remainder; inside a cycle of T iterations
    /// `lr = ½·lr0·(1 + cos(π·t/T))`.
    public static func cosineRestarts(_ lr: Double, epochs: Int, cycles: Int) -> LearningRateSchedule {
        precondition(cycles >= 1 && epochs >= cycles, "need 1 ≤ cycles ≤ epochs, got \(cycles) cycles over \(epochs) epochs")
        return LearningRateSchedule(name: "cosine restarts(\(lr), \(cycles) cycles over \(epochs) epochs)") { p in
            let (start, length) = sseCycle(containing: p.epoch, epochs: epochs, cycles: cycles)
            let t = Double((p.epoch - start) * p.iterationsPerEpoch + p.iteration)
            let total = Double(length * p.iterationsPerEpoch)
            return 0.5 * lr * (1 + cos(Double.pi * t / total))
        }
    }

    /// The first epoch and the length (epochs) of the SSE cycle holding `epoch`.
    public static func sseCycle(containing epoch: Int, epochs: Int, cycles: Int) -> (start: Int, length: Int) {
        let sub = epochs / cycles
        let index = min(epoch / sub, cycles - 1)
        let start = index * sub
        return (start, index == cycles - 1 ? epochs - start : sub)
    }

    /// The Knee schedule (Iyer et al.), per iteration s counted from 1: `peak·s/W` for s ≤ W
    /// (warmup), `peak` through the explore phase of E iterations, then a linear decay reaching 0
    /// exactly at `total`. Zero warmup is safe.
    public static func knee(peak: Double, warmupIterations: Int, exploreIterations: Int, totalIterations: Int) -> LearningRateSchedule {
        precondition(warmupIterations >= 0 && exploreIterations >= 0 && warmupIterations + exploreIterations < totalIterations,
                     "knee needs warmup + explore < total, got \(warmupIterations) + \(exploreIterations) vs \(totalIterations)")
        let decay = Double(totalIterations - warmupIterations - exploreIterations)
        return LearningRateSchedule(name: "knee(peak \(peak), warmup \(warmupIterations), explore \(exploreIterations), total \(totalIterations) it)") { p in
            let s = p.globalIteration + 1
            if s <= warmupIterations { return peak * Double(s) / Double(warmupIterations) }
            if s <= warmupIterations + exploreIterations { return peak }
            return max(0, peak * (1 - Double(s - warmupIterations - exploreIterations) / decay))
        }
    }

    /// Smith's one-cycle ("Super-convergence", 2018), per iteration i from 0 over T iterations:
    /// up linearly from `peak/divFactor` to `peak` over the first `cycleFraction/2` of the run,
    /// down linearly to `peak/divFactor` over the next `cycleFraction/2`, then the annihilation
    /// phase: linearly down to `peak/divFactor/annihilation`, reached at the last iteration.
    public static func oneCycle(peak: Double, totalIterations: Int, divFactor: Double = 10, cycleFraction: Double = 0.9,
                                annihilation: Double = 100) -> LearningRateSchedule {
        let half = max(1, Int(Double(totalIterations) * cycleFraction / 2))
        precondition(2 * half < totalIterations, "one-cycle: the cycle (\(2 * half) iterations) must leave room for annihilation in \(totalIterations)")
        let low = peak / divFactor, end = low / annihilation
        return LearningRateSchedule(name: "one-cycle(peak \(peak), \(totalIterations) it, div \(divFactor), cycle \(cycleFraction))") { p in
            let i = Double(p.globalIteration), h = Double(half)
            if i <= h { return low + (peak - low) * i / h }
            if i <= 2 * h { return peak + (low - peak) * (i - h) / h }
            let x = min(1, (i - 2 * h) / Double(totalIterations - 1 - 2 * half))
            return low + (end - low) * x
        }
    }
}
