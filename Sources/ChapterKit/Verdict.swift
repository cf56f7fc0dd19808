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

    public init(claim: String, measured: String, held: Bool, beyondSpread: Bool? = nil, spreadOf: String = "seeds") {
        self.claim = claim
        self.measured = measured
        self.held = held
        self.beyondSpread = beyondSpread
        self.spreadOf = spreadOf
    }

    /// "yes", "**no**", with "(within the seeds' spread)" when the gap is not beyond it.
    public var cell: String { (held ? "yes" : "**no**") + (beyondSpread == false ? " (within the \(spreadOf)' spread)" : "") }

    /// Whether `a` and `b` differ by more than the larger of their stds (nil for single values).
    public static func beyond(_ a: MeanStd, _ b: MeanStd) -> Bool? {
        a.count > 1 && b.count > 1 ? abs(a.mean - b.mean) > max(a.std, b.std) : nil
    }
}

extension MarkdownDocument {
    /// The Claim section's table: claim · measured here · held?
    public mutating func verdicts(_ verdicts: [Verdict]) {
        table(header: ["claim", "measured here", "held?"], rows: verdicts.map { [$0.claim, $0.measured, $0.cell] })
    }
}
