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

    var verdicts: [Verdict] {
        func pct(_ m: MeanStd) -> String { m.formatted(2, scale: 100) + " %" }
        func beyond(_ x: MeanStd, _ y: MeanStd) -> Bool? { Verdict.beyond(x, y) }
        var out: [Verdict] = []
        let u = curveMinimum(0), c = curveMinimum(1), w = curveMinimum(2)
        out.append(Verdict(claim: "the correlation-aligned curve has a higher minimum accuracy than the unaligned one",
                           measured: "min accuracy aligned \(pct(c)) vs unaligned \(pct(u))", held: c.mean > u.mean, beyondSpread: beyond(c, u), spreadOf: "pairs"))
        out.append(Verdict(claim: "the aligned curve's minimum stays within \(Self.closePoints.formatted()) point of the endpoints' accuracy",
                           measured: "aligned min \(pct(c)) vs endpoints \(pct(endpoints))", held: 100 * (endpoints.mean - c.mean) <= Self.closePoints, beyondSpread: nil))
        let ua = curveAverage(0), ca = curveAverage(1)
        out.append(Verdict(claim: "the aligned curve's line-integrated accuracy is higher than the unaligned one's",
                           measured: "avg aligned \(pct(ca)) vs unaligned \(pct(ua))", held: ca.mean > ua.mean, beyondSpread: beyond(ca, ua), spreadOf: "pairs"))
        for m in 1..<methods.count {
            let before = segmentBarrier(0, \.testError), after = segmentBarrier(m, \.testError)
            out.append(Verdict(claim: "alignment by \(methods[m]) shrinks the straight segment's barrier (test error)",
                               measured: "barrier \(after.formatted(2, scale: 100)) vs unaligned \(before.formatted(2, scale: 100)) points",
                               held: after.mean < before.mean, beyondSpread: beyond(after, before), spreadOf: "pairs"))
        }
        let pu = curveMinimum(index(.pamFromUnaligned)), pc = curveMinimum(index(.pamFromCorrelation))
        out.append(Verdict(claim: "PAM from the unaligned start raises the curve's minimum accuracy above the unaligned curve's",
                           measured: "min accuracy PAM from unaligned \(pct(pu)) vs unaligned \(pct(u))", held: pu.mean > u.mean, beyondSpread: beyond(pu, u), spreadOf: "pairs"))
        out.append(Verdict(claim: "PAM from the aligned start lands near correlation alignment (curve minimum within \(Self.closePoints.formatted()) point)",
                           measured: "min accuracy PAM from correlation \(pct(pc)) vs correlation \(pct(c))", held: 100 * abs(pc.mean - c.mean) <= Self.closePoints, beyondSpread: nil))
        out.append(Verdict(claim: "weight matching's curve reaches at least correlation alignment's minimum accuracy",
                           measured: "min accuracy weight matching \(pct(w)) vs correlation \(pct(c))", held: w.mean >= c.mean, beyondSpread: beyond(w, c), spreadOf: "pairs"))
        return out
    }
}
