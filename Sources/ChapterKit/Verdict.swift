import Reporting
import Statistics

/// One claim of a paper as a chapter decides it on its own run's numbers.
public struct Verdict: Sendable {
    public let claim: String
    public let measured: String
    public let held: Bool
    /// Whether the gap that decides the claim exceeds the spread (std) of what it is averaged
    /// over; nil where there is no spread (one seed) or the claim is not a gap.
    public let beyondSpread: Bool?
    /// What the spread is over: "seeds", "pairs", "rays".
    public let spreadOf: String
    /// The significance test that decides the claim, where the chapter states one.
    public let evidence: Evidence?
    /// Why this run cannot decide the claim at all (e.g. fewer than two members to compare).
    public let undecidable: String?

    public init(claim: String, measured: String, held: Bool, beyondSpread: Bool? = nil, spreadOf: String = "seeds") {
        self.claim = claim
        self.measured = measured
        self.held = held
        self.beyondSpread = beyondSpread
        self.spreadOf = spreadOf
        evidence = nil
        undecidable = nil
    }

    /// A claim this run cannot decide; `why` says what is missing.
    public init(claim: String, undecidable why: String) {
        self.claim = claim
        measured = why
        held = false
        beyondSpread = nil
        spreadOf = "seeds"
        evidence = nil
        undecidable = why
    }

    /// A claim decided by a significance test: held when its outcome is `held`.
    public init(claim: String, measured: String, evidence: Evidence) {
        self.claim = claim
        self.measured = measured
        held = evidence.outcome == .held
        beyondSpread = nil
        spreadOf = "seeds"
        self.evidence = evidence
        undecidable = nil
    }

    /// How a report's Claim section reads its tested verdicts; `over` names the units the tests
    /// pair ("seeds", "pairs").
    public static func testedClaimsExplanation(over units: String) -> String {
        """
        Each claim is decided by a one-sided t-test at the 5 % level, paired over \(units): **held** (the \
        paper's direction, significant), **not shown** (the paper's direction, not significant), **did not \
        hold** (against it, not significant) or **contradicted** (against it, significant); the test column \
        gives n, the difference with its 95 % interval, and p.
        """
    }

    /// In a table of tested claims, a claim without a test is an exact check (a geometric identity
    /// such as "the curve lies in its plane") or one this run cannot decide.
    /// The outcome as the table shows it, in bold when the claim did not hold.
    var outcomeCell: String {
        let word = evidence?.outcome.rawValue ?? untestedOutcome
        return held || undecidable != nil ? word : "**\(word)**"
    }

    /// A test's outcome as the tables show it, in bold unless the claim held (the why-not tables).
    public static func outcomeCell(of e: Evidence) -> String { e.outcome == .held ? e.outcome.rawValue : "**\(e.outcome.rawValue)**" }

    public var untestedStatistics: String { undecidable != nil ? "—" : "exact check, no sampling" }
    public var untestedOutcome: String { undecidable != nil ? "not decidable here" : held ? "held" : "did not hold" }

    /// "n = 3, −0.090 [−0.526, 0.300], p = 0.18 (paired t)": what the test saw.
    public var statistics: String? { evidence.map(Self.statistics(of:)) }

    /// What a test saw, as the verdict tables print it.
    public static func statistics(of e: Evidence) -> String {
        func number(_ v: Double) -> String { String(format: "%.3f", v).replacingOccurrences(of: "-", with: "−") }
        let interval = e.interval.map { " [\(number($0.lowerBound)), \(number($0.upperBound))]" } ?? ""
        func pValue(_ p: Double) -> String { p < 0.001 ? "p < 0.001" : String(format: "p = %.3f", p) }
        guard let p = e.p else { return "n = \(e.n), \(number(e.estimate)): no test with n = \(e.n)" }
        let against = e.inPaperDirection ? "" : ", against the paper \(e.pAgainst.map(pValue) ?? "untested")"
        return "n = \(e.n), \(number(e.estimate))\(interval), \(pValue(p))\(against) (\(e.test))"
    }

    /// "yes", "**no**", with "(within the seeds' spread)" when the gap is not beyond it.
    public var cell: String {
        if undecidable != nil { return "not decidable here" }
        return (held ? "yes" : "**no**") + (beyondSpread == false ? " (within the \(spreadOf)' spread)" : "")
    }

    /// Whether `a` and `b` differ by more than the larger of their stds (nil for single values).
    public static func beyond(_ a: MeanStd, _ b: MeanStd) -> Bool? {
        a.count > 1 && b.count > 1 ? abs(a.mean - b.mean) > max(a.std, b.std) : nil
    }
}

extension MarkdownDocument {
    /// The Claim section's table: claim · measured here · held?; where the verdicts carry their
    /// tests, claim · measured here · test · outcome.
    public mutating func verdicts(_ verdicts: [Verdict]) {
        if verdicts.contains(where: { $0.evidence != nil }) {
            table(header: ["claim", "measured here", "test: n, estimate [95 % interval], p", "outcome"],
                  rows: verdicts.map { [$0.claim, $0.measured, $0.statistics ?? $0.untestedStatistics, $0.outcomeCell] })
        } else {
            table(header: ["claim", "measured here", "held?"], rows: verdicts.map { [$0.claim, $0.measured, $0.cell] })
        }
    }
}
