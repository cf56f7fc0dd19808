import Foundation
import Reporting

/// `README.md` of the figures root: for every chapter its title and paper, its verdicts (held or
/// not, linked to the report), a thumbnail of its main figure, and the budget and date of its report.
struct BookIndex {
    enum Entry {
        case report(ReportDigest, date: String?)
        /// The chapter failed in this run or has no readable report.
        case missing(String)
    }

    let root: String
    let entries: [(BookChapter, Entry)]
    /// The data set the reports were run on ("Fashion-MNIST", "CIFAR-10", …).
    let dataTitle: String

    func document() -> MarkdownDocument {
        var doc = MarkdownDocument()
        doc.heading("Loss surfaces of deep networks — the book", level: 1)
        doc.paragraph("""
            Every chapter reproduces one paper's claim on \(dataTitle) and states, from its own run's numbers, \
            whether the claim held. This page is written by `swift run book` from the chapters' reports; each \
            verdict links to the report that computed it.
            """)
        var overview: [[String]] = []
        for (chapter, entry) in entries.sorted(by: { $0.0.number < $1.0.number }) {
            switch entry {
            case .report(let digest, let date):
                overview.append(["[\(chapter.number). \(shortTitle(digest.title))](\(chapter.folder)/report.md)", "\(digest.verdicts.count)"]
                                + digest.outcomeCounts.map(String.init) + [digest.budget ?? "—", date ?? "—"])
            case .missing(let why):
                overview.append(["\(chapter.number). \(chapter.executable)", "failed: \(why)"]
                                + ReportDigest.outcomes.map { _ in "—" } + ["—", "—"])
            }
        }
        // Each outcome counted per chapter (the reports' words; a claim's test decides it).
        doc.table(header: ["chapter", "claims"] + ReportDigest.outcomes + ["budget", "date"], rows: overview)
        for (chapter, entry) in entries.sorted(by: { $0.0.number < $1.0.number }) {
            switch entry {
            case .report(let digest, let date):
                doc.heading(digest.title)
                doc.paragraph("""
                    Paper: \(chapter.paper). Report: \
                    [\(chapter.folder)/report.md](\(chapter.folder)/report.md) — budget \
                    `\(digest.budget ?? "unknown")`\(date.map { ", \($0)" } ?? "").
                    """)
                let png = "\(chapter.folder)/\(chapter.mainFigure).png"
                if FileManager.default.fileExists(atPath: root + "/" + png) {
                    doc.paragraph("""
                        <a href=\"\(png)\"><img src=\"\(png)\" width=\"560\" alt=\"main figure of chapter \
                        \(chapter.number)\"></a>
                        """)
                }
                doc.table(header: ["claim", "measured here", "held?"],
                          rows: digest.verdicts.map { [$0.claim, $0.measured, $0.cell] })
            case .missing(let why):
                doc.heading("Chapter \(chapter.number) (\(chapter.executable))")
                doc.paragraph("**No report:** \(why)")
            }
        }
        return doc
    }

    /// "Bezier vs PolyChain" from "Chapter 2 — Bezier vs PolyChain: curves of …".
    func shortTitle(_ title: String) -> String {
        var t = Substring(title)
        if let dash = t.range(of: " — ") { t = t[dash.upperBound...] }
        if let colon = t.firstIndex(of: ":") { t = t[..<colon] }
        return String(t)
    }
}
