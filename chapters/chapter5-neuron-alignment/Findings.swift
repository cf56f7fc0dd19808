import ChapterKit
import Experiments
import Foundation
import Statistics
import WeightSpace

/// The experiment over pairs, and the claims decided on it.
struct AlignmentFindings {
    let plan: AlignmentPlan
    let pairs: [PairAlignment]

    var methods: [String] { AlignmentPlan.methods.map(\.name) }
    func index(_ method: AlignmentPlan.Method) -> Int { AlignmentPlan.methods.firstIndex(of: method)! }
    func over(_ value: (PairAlignment) -> Double) -> MeanStd { MeanStd(pairs.map(value)) }
    var endpoints: MeanStd { MeanStd(pairs.flatMap(\.endpointAccuracy)) }
    func curveAverage(_ m: Int) -> MeanStd { over { $0.paths[m][0].averageAccuracy } }
    func curveMinimum(_ m: Int) -> MeanStd { over { $0.paths[m][0].minimumAccuracy } }
    func segmentMinimum(_ m: Int) -> MeanStd { over { $0.paths[m][1].minimumAccuracy } }
    /// Barrier of the segment in test error (fraction) and in train loss.
    func segmentBarrier(_ m: Int, _ series: KeyPath<PointMetrics, Double>) -> MeanStd { over { $0.paths[m][1].barrier(series) } }
    /// Mean over groups of the matched correlation, per method.
    func meanCorrelation(_ m: Int) -> MeanStd { over { p in p.matchedCorrelation(m).reduce(0, +) / Double(p.groups.count) } }

    /// How close "close to the endpoints" is: the aligned curve's minimum within this many points of their mean accuracy.
    static let closePoints = 1.0

    /// Every path of a pair shares that pair's endpoints, so every claim is a one-sided t-test paired
    /// over pairs (accuracy and barriers in points); "lands near" is an equivalence, two one-sided
    /// tests against ±`closePoints`.
    var verdicts: [Verdict] {
        func pct(_ m: MeanStd) -> String { m.formatted(2, scale: 100) + " %" }
        func points(_ value: (PairAlignment) -> Double) -> [Double] { pairs.map { 100 * value($0) } }
        func minimum(_ m: Int) -> [Double] { points { $0.paths[m][0].minimumAccuracy } }
        func compare(_ claim: String, _ measured: String, _ a: [Double], _ b: [Double], _ direction: Alternative,
                     threshold: Double = 0) -> Verdict {
            Verdict(claim: claim, measured: measured, evidence: .difference(a, b, paired: true, claim: direction, threshold: threshold))
        }
        var out: [Verdict] = []
        let u = curveMinimum(0), c = curveMinimum(1), w = curveMinimum(2)
        out.append(compare("the correlation-aligned curve has a higher minimum accuracy than the unaligned one (points)",
                           "min accuracy aligned \(pct(c)) vs unaligned \(pct(u))", minimum(1), minimum(0), .greater))
        let endpointAccuracy = points { $0.endpointAccuracy.reduce(0, +) / Double($0.endpointAccuracy.count) }
        out.append(compare("the aligned curve's minimum stays within \(Self.closePoints.formatted()) point of the endpoints' accuracy",
                           "aligned min \(pct(c)) vs endpoints \(pct(endpoints)) (tested: endpoints − aligned min < \(Self.closePoints.formatted()))",
                           endpointAccuracy, minimum(1), .less, threshold: Self.closePoints))
        let ua = curveAverage(0), ca = curveAverage(1)
        out.append(compare("the aligned curve's line-integrated accuracy is higher than the unaligned one's (points)",
                           "avg aligned \(pct(ca)) vs unaligned \(pct(ua))", points { $0.paths[1][0].averageAccuracy },
                           points { $0.paths[0][0].averageAccuracy }, .greater))
        for m in 1..<methods.count {
            let before = segmentBarrier(0, \.testError), after = segmentBarrier(m, \.testError)
            out.append(compare("alignment by \(methods[m]) shrinks the straight segment's barrier (test error, points)",
                               "barrier \(after.formatted(2, scale: 100)) vs unaligned \(before.formatted(2, scale: 100)) points",
                               points { $0.paths[m][1].barrier(\.testError) }, points { $0.paths[0][1].barrier(\.testError) }, .less))
        }
        let pu = curveMinimum(index(.pamFromUnaligned)), pc = curveMinimum(index(.pamFromCorrelation))
        out.append(compare("PAM from the unaligned start raises the curve's minimum accuracy above the unaligned curve's (points)",
                           "min accuracy PAM from unaligned \(pct(pu)) vs unaligned \(pct(u))", minimum(index(.pamFromUnaligned)),
                           minimum(0), .greater))
        out.append(Verdict(claim: """
                               PAM from the aligned start lands near correlation alignment (curve minimum within \
                               \(Self.closePoints.formatted()) point)
                               """,
                           measured: "min accuracy PAM from correlation \(pct(pc)) vs correlation \(pct(c))",
                           evidence: .equivalence(minimum(index(.pamFromCorrelation)), minimum(1), paired: true, within: Self.closePoints)))
        out.append(compare("weight matching's curve reaches at least correlation alignment's minimum accuracy (points)",
                           "min accuracy weight matching \(pct(w)) vs correlation \(pct(c))", minimum(2), minimum(1), .greater))
        return out
    }
}

/// PAM from the unaligned start at one length of its permutation step: its diagnostics, and its
/// curve's minimum and segment's barrier tested against the unaligned ones (paired over pairs).
struct PAMStep {
    let label: String
    let diagonal: MeanStd, moved: MeanStd
    let minimum: MeanStd, raises: Evidence
    let barrier: MeanStd, shrinks: Evidence
}

extension AlignmentFindings {
    /// Why not: the configured permutation step and the longer one (empty in records from before it).
    var longerPAMSteps: [PAMStep] {
        let longer = pairs.compactMap(\.longerPAM), paths = pairs.compactMap(\.longerPAMPaths)
        guard !pairs.isEmpty, longer.count == pairs.count, paths.count == pairs.count else { return [] }
        let m = index(.pamFromUnaligned)
        let unaligned = pairs.map { 100 * $0.paths[0][0].minimumAccuracy }, unalignedBarrier = pairs.map { 100 * $0.paths[0][1].barrier(\.testError) }
        func step(_ label: String, _ outcomes: [ProximalAlignment.Outcome], curves: [PathResult], segments: [PathResult]) -> PAMStep {
            let minimum = curves.map { 100 * $0.minimumAccuracy }, barrier = segments.map { 100 * $0.barrier(\.testError) }
            return PAMStep(label: label, diagonal: MeanStd(outcomes.map { $0.diagonalMass.reduce(0, +) / Double(max($0.diagonalMass.count, 1)) }),
                           moved: MeanStd(outcomes.map { Double($0.movedUnits.reduce(0, +)) }),
                           minimum: MeanStd(minimum), raises: .difference(minimum, unaligned, paired: true, claim: .greater),
                           barrier: MeanStd(barrier), shrinks: .difference(barrier, unalignedBarrier, paired: true, claim: .less))
        }
        return [step("\(plan.pam.epochs) epoch(s) (configured)", pairs.map { $0.pam[0] }, curves: pairs.map { $0.paths[m][0] },
                     segments: pairs.map { $0.paths[m][1] }),
                step("\(plan.longerAlignment.pam.epochs) epochs", longer, curves: paths.map { $0[0] }, segments: paths.map { $0[1] })]
    }
}

/// Why not, for weight matching against correlation alignment: is its permutation another
/// alignment, worse in the units' terms? Per pair, the share of units it matches to the partner
/// correlation alignment matches them to, and weight matching − correlation (paired over pairs) in
/// the mean matched correlation, the segment's barrier and the curve's minimum (the claim's own).
struct MatchingAgainstCorrelation {
    let agreement: MeanStd
    let matched: (matching: MeanStd, correlation: MeanStd, difference: Evidence)
    let barrier: (matching: MeanStd, correlation: MeanStd, difference: Evidence)
    let minimum: (matching: MeanStd, correlation: MeanStd, difference: Evidence)
}

extension AlignmentFindings {
    /// Nil without pairs (one pair is reported untested).
    var matchingAgainstCorrelation: MatchingAgainstCorrelation? {
        guard !pairs.isEmpty else { return nil }
        let c = index(.correlation), w = index(.weightMatching)
        let agreement = pairs.map { pair in
            let same = zip(pair.permutations[w], pair.permutations[c]).map { zip($0, $1).filter { $0 == $1 }.count }.reduce(0, +)
            return 100 * Double(same) / Double(pair.permutations[c].map(\.count).reduce(0, +))
        }
        func compare(_ value: (PairAlignment, Int) -> Double, _ direction: Alternative) -> (MeanStd, MeanStd, Evidence) {
            let a = pairs.map { value($0, w) }, b = pairs.map { value($0, c) }
            return (MeanStd(a), MeanStd(b), .difference(a, b, paired: true, claim: direction))
        }
        return MatchingAgainstCorrelation(
            agreement: MeanStd(agreement),
            matched: compare({ p, m in p.matchedCorrelation(m).reduce(0, +) / Double(p.groups.count) }, .less),
            barrier: compare({ p, m in 100 * p.paths[m][1].barrier(\.testError) }, .greater),
            minimum: compare({ p, m in 100 * p.paths[m][0].minimumAccuracy }, .less))
    }
}
