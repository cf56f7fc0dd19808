import ChapterKit
import Experiments
import Foundation
import Networks
import Reporting
import Statistics
import WeightSpace

/// The claims of chapter 3, decided on this run's numbers.
extension Chapter3Report {
    /// The claims, each a one-sided t-test paired over replicates (Ind, SSE and FGE of one
    /// replicate share its seed); errors and disagreement enter in percentage points.
    var claims: [Verdict] {
        let a = aggregate
        func errors(_ m: Method, _ k: Int) -> [Double] { replicates.map { 100 * $0[m].errorAtBudget[k - 1] } }
        func lower(_ claim: String, _ measured: String, _ x: [Double], _ y: [Double]) -> Verdict {
            Verdict(claim: claim, measured: measured, evidence: .difference(x, y, paired: true, claim: .less))
        }
        let fge1 = a.error(.fge, budgets: 1), sse1 = a.error(.sse, budgets: 1), ind1 = a.error(.ind, budgets: 1)
        var out = [
            lower("at 1 budget FGE's ensemble has lower test error than SSE's (points)", "FGE \(percent(fge1)) vs SSE \(percent(sse1))",
                  errors(.fge, 1), errors(.sse, 1)),
            lower("at 1 budget FGE's ensemble has lower test error than Ind (one conventional network; points)",
                  "FGE \(percent(fge1)) vs Ind \(percent(ind1))", errors(.fge, 1), errors(.ind, 1)),
        ]
        for k in 2...plan.budgets {
            let f = a.error(.fge, budgets: k), i = a.error(.ind, budgets: k)
            out.append(lower("at \(k) budgets FGE's ensemble has lower test error than Ind's \(k) networks (points)",
                             "FGE \(percent(f)) vs Ind \(percent(i))", errors(.fge, k), errors(.ind, k)))
        }
        let distances = replicates.compactMap { r in r[.fge].diversity.distance.flatMap { f in r[.ind].diversity.distance.map { (f, $0) } } }
        let disagreements = replicates.compactMap { r in
            r[.fge].diversity.disagreement.flatMap { f in r[.ind].diversity.disagreement.map { (100 * f, 100 * $0) } }
        }
        if distances.count == replicates.count, let fd = a.distance(.fge), let id = a.distance(.ind) {
            out.append(Verdict(claim: "FGE members are much closer in weight space than independent networks (mean L2 distance at most half)",
                               measured: "FGE \(fd.formatted(2)) vs Ind \(id.formatted(2)) (tested: FGE − ½·Ind < 0)",
                               evidence: .difference(distances.map(\.0), distances.map { 0.5 * $0.1 }, paired: true, claim: .less)))
        }
        if disagreements.count == replicates.count, let fd = a.disagreement(.fge), let id = a.disagreement(.ind) {
            out.append(lower("FGE members disagree on fewer test predictions than independent networks (points)",
                             "FGE \(percent(fd)) vs Ind \(percent(id))", disagreements.map(\.0), disagreements.map(\.1)))
        } else {
            out.append(Verdict(claim: "FGE members are closer and disagree less than independent networks",
                               undecidable: "fewer than two members to compare within 1 budget"))
        }
        let member = a.memberError(.fge)
        let claim = "yet FGE's 1-budget ensemble beats its own members (mean single-member error; points)"
        if a.members(.fge, budgets: 1).contains(where: { $0 < 2 }) {
            out.append(Verdict(claim: claim, undecidable: "fewer than two FGE members within 1 budget"))
        } else {
            out.append(lower(claim, "ensemble \(percent(fge1)) vs members \(percent(member))", errors(.fge, 1),
                             replicates.map { 100 * $0[.fge].diversity.memberError }))
        }
        return out
    }
}

extension Chapter3Report {
    /// FGE's 1-budget ensemble against one conventional network, split: the members' mean error
    /// minus Ind's (tested for "members worse"), the ensemble's minus its members' (tested for
    /// "ensemble better"), and their sum, the claim's own test; points, paired over replicates.
    /// Nil when a replicate has fewer than two members within 1 budget.
    var oneBudgetDecomposition: (shortfall: Evidence, gain: Evidence, ensembleAgainstInd: Evidence, members: MeanStd)? {
        guard !aggregate.members(.fge, budgets: 1).contains(where: { $0 < 2 }) else { return nil }
        let ensemble = replicates.map { 100 * $0[.fge].errorAtBudget[0] }, ind = replicates.map { 100 * $0[.ind].errorAtBudget[0] }
        let members = replicates.map { 100 * $0[.fge].diversity.memberError }
        return (.difference(members, ind, paired: true, claim: .greater), .difference(ensemble, members, paired: true, claim: .less),
                .difference(ensemble, ind, paired: true, claim: .less), aggregate.memberError(.fge))
    }
}

/// Summaries over replicates, for the tables and claims.
struct Aggregate {
    let replicates: [Replicate]

    func error(_ method: Method, budgets k: Int) -> MeanStd { MeanStd(replicates.map { $0[method].errorAtBudget[k - 1] }) }
    func members(_ method: Method, budgets k: Int) -> [Int] { replicates.map { $0[method].membersAtBudget[k - 1] } }
    func disagreement(_ method: Method) -> MeanStd? { optional(replicates.map { $0[method].diversity.disagreement }) }
    func distance(_ method: Method) -> MeanStd? { optional(replicates.map { $0[method].diversity.distance }) }
    func memberError(_ method: Method) -> MeanStd { MeanStd(replicates.map { $0[method].diversity.memberError }) }
    func trainingSeconds(_ method: Method) -> MeanStd { MeanStd(replicates.map { $0[method].trainingSeconds }) }

    private func optional(_ values: [Double?]) -> MeanStd? {
        let present = values.compactMap { $0 }
        return present.count == values.count && !present.isEmpty ? MeanStd(present) : nil
    }
}

/// "12.34 %" of a fraction, or "12.34 ± 0.56 %" over replicates.
func percent(_ m: MeanStd, _ digits: Int = 2) -> String { m.formatted(digits, scale: 100) + " %" }
