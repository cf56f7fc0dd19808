/// The anatomy every chapter report shares, in this order: Claim · Setup · Results ·
/// Paper vs here · Deviations · Reproduce · Provenance. Fill each section's document; a section
/// left empty still appears (marked "Not filled in.") so a missing part is visible.
public struct ReportSkeleton: Sendable {
    public var title: String
    /// The claim of the paper this chapter tests, and whether it held here.
    public var claim = MarkdownDocument()
    /// Data, network, budget, hyper-parameters.
    public var setup = MarkdownDocument()
    /// Figures and tables.
    public var results = MarkdownDocument()
    /// The paper's numbers beside ours.
    public var paperVsHere = MarkdownDocument()
    /// Everything done differently from the paper, and why.
    public var deviations = MarkdownDocument()
    /// How to re-run: usually just `setReproduce(command:)`.
    public var reproduce = MarkdownDocument()
    public var provenance: Provenance?
    /// The provenance table's rows as recorded by an earlier run (a replotted report); used instead of `provenance`.
    public var provenanceRows: [[String]]?

    public static let sectionTitles = ["Claim", "Setup", "Results", "Paper vs here", "Deviations", "Reproduce", "Provenance"]

    public init(title: String) { self.title = title }

    /// Sets the Reproduce section to the exact command, in a shell code block.
    public mutating func setReproduce(command: String) {
        reproduce = MarkdownDocument()
        reproduce.code(command, language: "sh")
    }

    /// The whole report as one document.
    public func document() -> MarkdownDocument {
        var doc = MarkdownDocument()
        doc.heading(title, level: 1)
        var provenanceSection = MarkdownDocument()
        if let provenanceRows {
            provenanceSection.table(header: ["item", "value"], rows: provenanceRows)
        } else if let provenance {
            provenanceSection.provenance(provenance)
        }
        let sections = [claim, setup, results, paperVsHere, deviations, reproduce, provenanceSection]
        for (name, section) in zip(Self.sectionTitles, sections) {
            doc.heading(name, level: 2)
            if section.isEmpty { doc.paragraph("*Not filled in.*") } else { doc.append(section) }
        }
        return doc
    }
}
