import ChapterKit
import Experiments
import Foundation
import Networks
import Reporting
import Statistics
import WeightSpace

/// The claims of chapter 3, decided on this run's numbers.
extension Chapter3Report {
    /// One claim: the paper's statement, our numbers, whether it held on the means over
    /// replicates, and whether the margin exceeds the replicates' spread (std).
    struct Claim {
        var claim: String
        let measured: String
        let held: Bool
        let margin: Double
        let spread: Double?
        /// False when this run cannot decide the claim (e.g. fewer than two members to compare).
        var decidable = true

        var verdict: String {
            guard decidable else { return "not decidable here" }
            let base = held ? "yes" : "**no**"
            guard let spread else { return base }
            return base + (abs(margin) > spread ? "" : " (within the seeds' spread)")
        }
    }

    /// FGE beats A when its error is lower (a − fge > 0); spread is the larger of the two stds.
    func lower(_ fge: MeanStd, than other: MeanStd) -> (Bool, Double, Double?) {
        (fge.mean < other.mean, other.mean - fge.mean, replicates.count > 1 ? max(fge.std, other.std) : nil)
    }

    var claims: [Claim] {
        let a = aggregate
        let fge1 = a.error(.fge, budgets: 1), sse1 = a.error(.sse, budgets: 1), ind1 = a.error(.ind, budgets: 1)
        var out: [Claim] = []
        func add(_ claim: String, _ measured: String, _ test: (Bool, Double, Double?)) {
            out.append(Claim(claim: claim, measured: measured, held: test.0, margin: test.1, spread: test.2))
        }
        add("at 1 budget FGE's ensemble has lower test error than SSE's", "FGE \(percent(fge1)) vs SSE \(percent(sse1))", lower(fge1, than: sse1))
        add("at 1 budget FGE's ensemble has lower test error than Ind (one conventional network)",
            "FGE \(percent(fge1)) vs Ind \(percent(ind1))", lower(fge1, than: ind1))
        for k in 2...plan.budgets {
            let f = a.error(.fge, budgets: k), i = a.error(.ind, budgets: k)
            add("at \(k) budgets FGE's ensemble has lower test error than Ind's \(k) networks", "FGE \(percent(f)) vs Ind \(percent(i))", lower(f, than: i))
        }
        if let fd = a.distance(.fge), let id = a.distance(.ind) {
            out.append(Claim(claim: "FGE members are much closer in weight space than independent networks (mean L2 distance at most half)",
                             measured: "FGE \(fd.formatted(2)) vs Ind \(id.formatted(2))", held: fd.mean <= 0.5 * id.mean,
                             margin: 0.5 * id.mean - fd.mean, spread: replicates.count > 1 ? max(fd.std, id.std) : nil))
        }
        if let fd = a.disagreement(.fge), let id = a.disagreement(.ind) {
            add("FGE members disagree on fewer test predictions than independent networks",
                "FGE \(percent(fd)) vs Ind \(percent(id))", lower(fd, than: id))
        } else {
            out.append(Claim(claim: "FGE members are closer and disagree less than independent networks",
                             measured: "fewer than two members to compare within 1 budget", held: false, margin: 0, spread: nil, decidable: false))
        }
        let member = a.memberError(.fge)
        add("yet FGE's 1-budget ensemble beats its own members (mean single-member error)",
            "ensemble \(percent(fge1)) vs members \(percent(member))", lower(fge1, than: member))
        if a.members(.fge, budgets: 1).contains(where: { $0 < 2 }) { out[out.count - 1].decidable = false }
        return out
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
