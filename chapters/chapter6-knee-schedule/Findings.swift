import ChapterKit
import Experiments
import Foundation
import Statistics
import Tensor
import WeightSpace

/// The experiment's numbers and the claims decided on them.
struct KneeFindings {
    let plan: KneePlan
    /// `[budget (long, short) × schedule][seed]`, in `KneePlan.schedules` order.
    let comparison: [[RunResult]]
    /// `[fraction][seed]`.
    let density: [[RunResult]]
    /// The sharpness measurement measured again (why not); nil in records from before it.
    let noise: SharpnessNoise?

    var scheduleCount: Int { KneePlan.schedules.count }
    /// Runs of schedule s at budget b (0 long, 1 short).
    func runs(_ s: Int, budget b: Int) -> [RunResult] { comparison[b * scheduleCount + s] }
    func accuracy(_ s: Int, budget b: Int) -> MeanStd { MeanStd(runs(s, budget: b).map(\.accuracy)) }
    var kneeIndex: Int { scheduleCount - 1 }

    /// Every density run's (fraction, sharpness, accuracy).
    var densityPoints: [(fraction: Double, sharpness: Double, accuracy: Double)] {
        zip(plan.fractions, density).flatMap { f, runs in runs.map { (f, $0.sharpness!.sharpness, $0.accuracy) } }
    }
    var sharpnessCorrelation: Double? { RankCorrelation.spearman(densityPoints.map(\.fraction), densityPoints.map(\.sharpness)) }
    var accuracyCorrelation: Double? { RankCorrelation.spearman(densityPoints.map(\.fraction), densityPoints.map(\.accuracy)) }

    /// Draws of the Monte Carlo permutation test of ρ beyond 8 runs, from a fixed seed (so the
    /// p-value is the same on every replot).
    static let permutationDraws = 100_000, permutationSeed: UInt64 = 1

    /// Every schedule of one seed starts from the same initialisation and sees the same batches, so
    /// the schedule comparisons are one-sided t-tests paired over seeds (accuracy in points); the
    /// trends are Spearman's ρ with its permutation test.
    var verdicts: [Verdict] {
        var out: [Verdict] = []
        for (b, label) in [(0, "\(plan.budgetEpochs) epochs"), (1, "\(plan.shortEpochs) epochs")] {
            let knee = accuracy(kneeIndex, budget: b), kneeRuns = runs(kneeIndex, budget: b).map { 100 * $0.accuracy }
            for s in 0..<kneeIndex {
                let other = accuracy(s, budget: b)
                out.append(Verdict(claim: "at \(label), Knee's test accuracy ≥ \(KneePlan.schedules[s].name)'s (points)",
                                   measured: "Knee \(knee.formatted(2, scale: 100)) % vs \(other.formatted(2, scale: 100)) %",
                                   evidence: .difference(kneeRuns, runs(s, budget: b).map { 100 * $0.accuracy }, paired: true,
                                                         claim: .greater)))
            }
        }
        let n = densityPoints.count, fractions = densityPoints.map(\.fraction)
        func rho(_ r: Double?) -> String { r.map { String(format: "Spearman ρ = %+.3f", $0) } ?? "ρ undefined (a constant series)" }
        func trend(_ claim: String, _ r: Double?, _ values: [Double], _ direction: Alternative) -> Verdict {
            var generator = RandomGenerator(seed: Self.permutationSeed)
            guard let evidence = Evidence.trend(fractions, values, claim: direction, draws: Self.permutationDraws, generator: &generator) else {
                return Verdict(claim: claim, undecidable: "\(rho(r)) over \(n) runs")
            }
            return Verdict(claim: claim, measured: "\(rho(r)) over \(n) runs", evidence: evidence)
        }
        out.append(trend("sharpness falls as the explore fraction grows", sharpnessCorrelation, densityPoints.map(\.sharpness), .less))
        out.append(trend("test accuracy rises as the explore fraction grows", accuracyCorrelation, densityPoints.map(\.accuracy), .greater))
        out += curvatureVerdicts
        return out
    }
}

/// Why not: is the explore-fraction trend larger than the two noises it is read against?
struct TrendAgainstNoise {
    /// Mean at the largest explore fraction minus mean at the smallest (over the density seeds).
    let trend: Double
    /// Std over the density seeds at the noise fraction.
    let seedSpread: MeanStd
    /// Std of the same network's measurement over training subsets and over ascent orders (the
    /// primary measurement included); nil for test accuracy, measured on every test image.
    let subsetSpread: MeanStd?
    let orderSpread: MeanStd?

    /// Whether |trend| exceeds every spread measured.
    var exceedsNoise: Bool { [seedSpread.std, subsetSpread?.std, orderSpread?.std].compactMap { $0 }.allSatisfy { abs(trend) > $0 } }
}

extension KneeFindings {
    /// Per fraction, the mean ± std over seeds of `value`.
    func byFraction(_ value: (RunResult) -> Double) -> [MeanStd] { density.map { MeanStd($0.map(value)) } }

    /// Sharpness and test accuracy (points) against their noises.
    var trendsAgainstNoise: (sharpness: TrendAgainstNoise, accuracy: TrendAgainstNoise)? {
        guard let noise, let f = plan.fractions.firstIndex(of: noise.fraction) else { return nil }
        func trend(_ value: (RunResult) -> Double) -> Double {
            let means = byFraction(value)
            return means.last!.mean - means.first!.mean
        }
        let sharpness = TrendAgainstNoise(trend: trend { $0.sharpness!.sharpness }, seedSpread: MeanStd(density[f].map { $0.sharpness!.sharpness }),
                                          subsetSpread: MeanStd(([noise.primary] + noise.subsets).map(\.sharpness)),
                                          orderSpread: MeanStd(([noise.primary] + noise.orders).map(\.sharpness)))
        let accuracy = TrendAgainstNoise(trend: trend { 100 * $0.accuracy }, seedSpread: MeanStd(density[f].map { 100 * $0.accuracy }),
                                         subsetSpread: nil, orderSpread: nil)
        return (sharpness, accuracy)
    }
}

extension KneeFindings {
    /// Every density run with a Hessian: (fraction, top eigenvalue, trace, test accuracy).
    var curvaturePoints: [(fraction: Double, top: Double, trace: Double, accuracy: Double)] {
        zip(plan.fractions, density).flatMap { f, runs in
            runs.compactMap { r in r.curvature.map { (f, $0.top.values[0], $0.trace.estimate, r.accuracy) } }
        }
    }

    /// Wide minima in the Hessian's terms: its top eigenvalue and trace fall as the explore fraction
    /// grows, and the flatter networks test better (Spearman's ρ, permutation tests as the trends above).
    var curvatureVerdicts: [Verdict] {
        let points = curvaturePoints
        guard points.count >= 3 else { return [] }
        func verdict(_ claim: String, _ x: [Double], _ y: [Double], _ direction: Alternative) -> Verdict {
            let r = RankCorrelation.spearman(x, y)
            let measured = (r.map { String(format: "Spearman ρ = %+.3f", $0) } ?? "ρ undefined (a constant series)") + " over \(points.count) runs"
            var generator = RandomGenerator(seed: Self.permutationSeed)
            guard let evidence = Evidence.trend(x, y, claim: direction, draws: Self.permutationDraws, generator: &generator) else {
                return Verdict(claim: claim, undecidable: measured)
            }
            return Verdict(claim: claim, measured: measured, evidence: evidence)
        }
        let f = points.map(\.fraction), top = points.map(\.top), trace = points.map(\.trace), accuracy = points.map(\.accuracy)
        return [verdict("the Hessian's top eigenvalue falls as the explore fraction grows", f, top, .less),
                verdict("the Hessian's trace falls as the explore fraction grows", f, trace, .less),
                verdict("networks with a smaller top eigenvalue test better (ρ of λ_max with test accuracy)", top, accuracy, .less),
                verdict("networks with a smaller Hessian trace test better (ρ of the trace with test accuracy)", trace, accuracy, .less)]
    }
}

/// Has the sharpness ascent reached its plateau? Over every measurement that kept its trajectory:
/// how far the second half of the ascent raised the largest measured loss above the first half's.
struct AscentPlateau {
    let measurements: Int
    /// The largest and the mean of max(0, largest loss after the halfway step − largest loss up to it).
    let largestGain: Double, meanGain: Double
    /// Mean L1 − L0 of the same measurements.
    let meanRise: Double

    init?(_ results: [SharpnessResult], steps: Int) {
        let trajectories = results.compactMap { r in r.trajectory.map { (r, $0) } }
        guard !trajectories.isEmpty else { return nil }
        let gains = trajectories.map { _, t in
            let first = t.filter { 2 * $0.step <= steps }.map(\.loss).max()!
            let second = t.filter { 2 * $0.step > steps }.map(\.loss).max() ?? first
            return max(0, second - first)
        }
        measurements = gains.count
        largestGain = gains.max()!
        meanGain = gains.reduce(0, +) / Double(gains.count)
        meanRise = trajectories.map { $0.0.l1 - $0.0.l0 }.reduce(0, +) / Double(trajectories.count)
    }
}

extension KneeFindings {
    /// The plateau check over the density runs' measurements and the noise repeats.
    var ascentPlateau: AscentPlateau? {
        AscentPlateau(density.joined().compactMap(\.sharpness) + (noise.map { $0.subsets + $0.orders } ?? []), steps: plan.sharpness.steps)
    }
}
