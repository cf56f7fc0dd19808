import Foundation
import Testing
@testable import book

/// The book reads its index from the chapters' reports: every committed report parses, and a
/// report without a verdict table is an error naming the file.
@Suite struct ReportDigestTests {
    static let figures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("figures").path

    @Test func everyCommittedReportYieldsItsTitleVerdictsAndBudget() throws {
        for chapter in BookChapter.all {
            let path = Self.figures + "/\(chapter.folder)/report.md"
            let digest = try ReportDigest.read(path)
            #expect(digest.title.hasPrefix("Chapter \(chapter.number) — "), "\(path): title \(digest.title)")
            #expect(digest.verdicts.count >= 3 && digest.budget == "full", "\(path): \(digest.verdicts.count) verdicts, budget \(digest.budget ?? "none")")
            let markdown = try String(contentsOfFile: path, encoding: .utf8)
            // As many verdicts held as the Claim table has rows ending in a "yes" or "held" cell.
            let claim = markdown.components(separatedBy: "## Setup")[0]
            let yes = claim.split(separator: "\n").filter {
                $0.hasPrefix("| ") && ($0.hasSuffix("| yes |") || $0.contains("| yes (") || $0.hasSuffix("| held |"))
            }.count
            #expect(digest.heldCount == yes, "\(path): \(digest.heldCount) held vs \(yes) rows")
            #expect(FileManager.default.fileExists(atPath: Self.figures + "/\(chapter.folder)/\(chapter.mainFigure).png"), "no main figure for \(chapter.folder)")
        }
    }

    @Test func aReportWithoutVerdictsIsAClearError() {
        #expect(throws: ReportDigest.Unreadable.self) { try ReportDigest.parse("# Chapter 9 — nothing\n\n## Claim\n\nno table\n", path: "x/report.md") }
        #expect(throws: ReportDigest.Unreadable.self) { try ReportDigest.read("/nonexistent/report.md") }
        do {
            _ = try ReportDigest.parse("no title", path: "x/report.md")
        } catch {
            #expect("\(error)".contains("x/report.md") && "\(error)".contains("title"))
        }
    }

    @Test func theProvenanceDateAndBudgetAreRead() throws {
        let md = """
            # Chapter 7 — Test

            ## Claim

            | claim | measured here | held? |
            | --- | --- | --- |
            | a | 1 | yes |
            | b | 2 | **no** (within spread) |

            ## Provenance

            | item | value |
            | --- | --- |
            | budget | quick |
            | date | 2026-12-01 |

            """
        let d = try ReportDigest.parse(md, path: "t")
        #expect(d.verdicts.map(\.held) == [true, false] && d.budget == "quick" && d.date == "2026-12-01" && d.heldCount == 1)
    }

    /// A Claim table whose claims were decided by tests: the outcomes are counted.
    @Test func testedClaimsAreCountedByOutcome() throws {
        let md = """
            # Chapter 8 — Tested

            ## Claim

            | claim | measured here | test: n, estimate [95 % interval], p | outcome |
            | --- | --- | --- | --- |
            | a | 1 | n = 3, −1.000 [−2.000, −0.100], p = 0.020 (paired t) | held |
            | b | 2 | n = 3, −0.100 [−0.500, 0.300], p = 0.300 (paired t) | not shown |
            | c | 3 | n = 3, 0.900 [0.500, 1.300], p = 0.999, against the paper p = 0.001 (paired t) | contradicted |

            """
        let d = try ReportDigest.parse(md, path: "t")
        #expect(d.verdicts.map(\.held) == [true, false, false])
        #expect(d.outcomeCounts == [1, 1, 0, 1])
        #expect(d.outcomeSummary == "1 held, 1 not shown, 0 did not hold, 1 contradicted (of 3)")
        #expect(d.verdicts.map(\.cell) == ["held", "**not shown**", "**contradicted**"])
    }
}
