import Experiments
import Reporting

/// The parts every chapter report fills, so that assembling and writing one is written once:
/// Claim · Setup · Results · Paper vs here · Deviations from the chapter, Reproduce (the exact
/// command) and Provenance (git, toolchain, BLAS, dataset checksums, seeds, wall time) from here.
public protocol ChapterReport {
    var title: String { get }
    var budget: Budget { get }
    var seeds: [UInt64] { get }
    var data: TrainingData { get }
    var seconds: Double { get }
    func fillClaim(_ doc: inout MarkdownDocument)
    func fillSetup(_ doc: inout MarkdownDocument)
    func fillPaperVsHere(_ doc: inout MarkdownDocument)
    func fillDeviations(_ doc: inout MarkdownDocument)
    /// Set when the report is rebuilt from a run record (`--replot`): the original run's command
    /// and provenance, stated instead of this process's.
    var replaying: RecordedReport? { get }
    /// Writes the figures, data and `report.md` into the folder at `path`; returns the command and
    /// provenance the report stated, for the run record.
    func write(to path: String) throws -> RecordedReport
}

extension ChapterReport {
    /// Assembles the report around `results` and writes `report.md` into `folder` (atomically,
    /// after checking that every link resolves).
    /// Returns the command and provenance it stated, for the run record.
    @discardableResult
    public func write(results: MarkdownDocument, to folder: OutputFolder) throws -> RecordedReport {
        var report = ReportSkeleton(title: title)
        fillClaim(&report.claim)
        fillSetup(&report.setup)
        report.results = results
        fillPaperVsHere(&report.paperVsHere)
        fillDeviations(&report.deviations)
        let stated: RecordedReport
        if let replaying {
            stated = RecordedReport(command: ChapterOptions.reproducible(replaying.command), provenance: replaying.provenance)
        } else {
            let provenance = try Provenance.chapter(data: data, seeds: seeds, seconds: seconds, extra: [("budget", budget.rawValue)])
            stated = RecordedReport(command: ChapterOptions.reproduceCommand, provenance: provenance.rows.map { [$0.0, $0.1] })
        }
        report.setReproduce(command: stated.command)
        report.provenanceRows = stated.provenance
        if replaying != nil {
            // The numbers are the recorded run's; the text and figures around them are this code's.
            report.provenanceRows = stated.provenance
                + [["report rebuilt from the run record (`--replot`) at git commit", Provenance.startingGitState.described]]
        }
        try folder.writeReport(report.document())
        return stated
    }

    public var replaying: RecordedReport? { nil }

    /// The Deviations bullet of a chapter whose unit is a pair of trained networks with curves
    /// between them (chapters 1, 2 and 5): why its tests pair over `pairs` pairs where the chapters
    /// with cheap units have five seeds (issue 29 keeps n ≥ 3 for them); nil below the full budget.
    public func fewerPairsDeviation(pairs: Int, unit: String) -> String? {
        guard budget == .full else { return nil }
        return "\(pairs) endpoint pairs (n = \(pairs) for every test), where chapters 3, 4 and 6 have five seeds or more: "
            + "a pair costs \(unit), so more pairs would not fit the full budget's hour on two CPU cores; with \(pairs) pairs "
            + "a modest effect is more often \"not shown\"."
    }

    /// At the smoke budget, the Claim section opens by saying that its numbers mean nothing;
    /// `spending` says what the budget runs ("a few hundred images and one epoch").
    public func warnIfSmoke(_ doc: inout MarkdownDocument, spending: String) {
        guard budget == .smoke else { return }
        doc.paragraph("**Smoke budget: \(spending). The numbers below exercise the code and mean nothing.**")
    }
}
