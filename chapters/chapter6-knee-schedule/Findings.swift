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
    /// The sharpness and the Hessian measurements measured again (why not); nil in records from before them.
    let noise: SharpnessNoise?
    let curvatureNoise: CurvatureNoise?

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

    func comparisonClaim(_ s: Int, budget b: Int) -> String {
        "at \(b == 0 ? plan.budgetEpochs : plan.shortEpochs) epochs, Knee's test accuracy ≥ \(KneePlan.schedules[s].name)'s (points)"
    }

    /// Knee's test accuracy against schedule `s`'s at budget `b` (points), paired over seeds.
    func comparisonEvidence(_ s: Int, budget b: Int) -> Evidence {
        .difference(runs(kneeIndex, budget: b).map { 100 * $0.accuracy }, runs(s, budget: b).map { 100 * $0.accuracy }, paired: true, claim: .greater)
    }

    /// Every schedule of one seed starts from the same initialisation and sees the same batches, so
    /// the schedule comparisons are one-sided t-tests paired over seeds (accuracy in points); the
    /// trends are Spearman's ρ with its permutation test.
    var verdicts: [Verdict] {
        var out: [Verdict] = []
        for b in 0..<2 {
            let knee = accuracy(kneeIndex, budget: b)
            for s in 0..<kneeIndex {
                let other = accuracy(s, budget: b)
                out.append(Verdict(claim: comparisonClaim(s, budget: b),
                                   measured: "Knee \(knee.formatted(2, scale: 100)) % vs \(other.formatted(2, scale: 100)) %",
                                   evidence: comparisonEvidence(s, budget: b)))
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
    /// Std of the same network's measurement over training subsets and over the measurement's random
    /// draws (ascent orders; Lanczos starts and probes), the primary measurement included; nil for
    /// test accuracy, measured on every test image.
    let subsetSpread: MeanStd?
    let orderSpread: MeanStd?

    /// Whether |trend| exceeds every spread measured.
    var exceedsNoise: Bool { [seedSpread.std, subsetSpread?.std, orderSpread?.std].compactMap { $0 }.allSatisfy { abs(trend) > $0 } }
}

/// The trends of the density experiment against their noises: sharpness and test accuracy (points)
/// over every density seed, the Hessian's top eigenvalue and trace over the curvature seeds (nil in
/// records from before their noise was measured).
struct TrendsAgainstNoise {
    let sharpness: TrendAgainstNoise
    let accuracy: TrendAgainstNoise
    let top: TrendAgainstNoise?
    let trace: TrendAgainstNoise?
}

extension KneeFindings {
    /// Per fraction, the mean ± std over seeds of `value`.
    func byFraction(_ value: (RunResult) -> Double) -> [MeanStd] { density.map { MeanStd($0.map(value)) } }

    var trendsAgainstNoise: TrendsAgainstNoise? {
        guard let noise, let f = plan.fractions.firstIndex(of: noise.fraction) else { return nil }
        /// Mean at the largest fraction minus mean at the smallest, over the runs that have `value`.
        func trend(_ value: (RunResult) -> Double?) -> Double {
            let means = density.map { MeanStd($0.compactMap(value)).mean }
            return means.last! - means.first!
        }
        func spread(_ value: (RunResult) -> Double?) -> MeanStd { MeanStd(density[f].compactMap(value)) }
        let sharpness = TrendAgainstNoise(trend: trend { $0.sharpness!.sharpness }, seedSpread: spread { $0.sharpness!.sharpness },
                                          subsetSpread: MeanStd(([noise.primary] + noise.subsets).map(\.sharpness)),
                                          orderSpread: MeanStd(([noise.primary] + noise.draws).map(\.sharpness)))
        let accuracy = TrendAgainstNoise(trend: trend { 100 * $0.accuracy }, seedSpread: spread { 100 * $0.accuracy },
                                         subsetSpread: nil, orderSpread: nil)
        func curvature(_ value: (CurvatureResult) -> Double) -> TrendAgainstNoise? {
            guard let c = curvatureNoise else { return nil }
            return TrendAgainstNoise(trend: trend { $0.curvature.map(value) }, seedSpread: spread { $0.curvature.map(value) },
                                     subsetSpread: MeanStd(([c.primary] + c.subsets).map(value)), orderSpread: MeanStd(([c.primary] + c.draws).map(value)))
        }
        return TrendsAgainstNoise(sharpness: sharpness, accuracy: accuracy, top: curvature { $0.top.values[0] }, trace: curvature(\.trace.estimate))
    }
}

/// Why not, for a schedule comparison that is not shown: the gap against what the run's seeds can
/// resolve (`PairedPower`, from the run's own paired differences), and the seeds the paper's gap and
/// this run's gap would need at the same spread.
struct ResolvableGap {
    let claim: String
    /// Knee − the other schedule, mean of the paired differences (points), their std and n.
    let gap: Double, sd: Double, n: Int
    /// The smallest gap n seeds detect with `KneeFindings.power`.
    let detectable: Double
    /// The paper's Knee − the other schedule (points); nil where the paper has no number.
    let paperGap: Double?
    let seedsForPaperGap: Int?
    let seedsForThisGap: Int?
    let outcome: Outcome
}

extension KneeFindings {
    /// The power the why-not's detectable gaps and seed counts are computed at.
    static let power = 0.8

    /// The paper's test accuracy (%) per schedule at 200 and 150 epochs (Iyer et al. 2020, CIFAR-10,
    /// ResNet-18), in `KneePlan.schedules` order; nil where the paper has no number.
    static let paperAccuracy: [(long: Double, short: Double?)] = [(95.10, nil), (95.23, 95.06), (95.18, 95.02), (94.09, 93.84), (95.26, 95.14)]

    /// Every schedule comparison whose outcome is not "held", against what its seeds resolve.
    var resolvableGaps: [ResolvableGap] {
        var out: [ResolvableGap] = []
        for b in 0..<2 {
            let knee = runs(kneeIndex, budget: b).map { 100 * $0.accuracy }
            for s in 0..<kneeIndex {
                // The comparison's own test, without the trends' permutation tests that `verdicts` also runs.
                let outcome = comparisonEvidence(s, budget: b).outcome
                guard outcome != .held else { continue }
                let differences = zip(knee, runs(s, budget: b).map { 100 * $0.accuracy }).map { $0 - $1 }
                let spread = MeanStd(differences)
                guard spread.count >= 2, spread.std > 0 else { continue }
                let paper = Self.paperAccuracy, other = b == 0 ? paper[s].long : paper[s].short
                let kneePaper = b == 0 ? paper[kneeIndex].long : paper[kneeIndex].short
                let paperGap = other.flatMap { o in kneePaper.map { $0 - o } }
                func seeds(_ gap: Double?) -> Int? { gap.flatMap { PairedPower.pairsNeeded(difference: $0, sd: spread.std, power: Self.power) } }
                out.append(ResolvableGap(claim: comparisonClaim(s, budget: b), gap: spread.mean, sd: spread.std, n: spread.count,
                                         detectable: PairedPower.detectableDifference(sd: spread.std, n: spread.count, power: Self.power),
                                         paperGap: paperGap, seedsForPaperGap: seeds(paperGap), seedsForThisGap: seeds(spread.mean),
                                         outcome: outcome))
            }
        }
        return out
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
        AscentPlateau(density.joined().compactMap(\.sharpness) + (noise.map { $0.subsets + $0.draws } ?? []), steps: plan.sharpness.steps)
    }
}
