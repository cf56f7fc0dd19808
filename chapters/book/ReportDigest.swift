import Foundation
import Statistics

/// What the book's index shows of a chapter, read back from the report the chapter wrote: its
/// title, its verdict table (the Claim section's `| claim | measured here | held? |`, or, where
/// the claims are decided by significance tests, `| claim | measured here | test … | outcome |`),
/// the budget and the date from its Provenance table.
struct ReportDigest: Equatable {
    struct Verdict: Equatable {
        let claim: String
        let measured: String
        let held: Bool
        /// The verdict as the report words it: "yes", "no (within the seeds' spread)", or an
        /// outcome ("held", "not shown", "did not hold", "contradicted").
        let verdict: String

        /// The book's cell: "yes" or "**no**", or the outcome (in bold when not held).
        var cell: String {
            if Outcome(rawValue: verdict) != nil { return held ? verdict : "**\(verdict)**" }
            if verdict == "not decidable here" { return verdict }
            return held ? "yes" : "**no**"
        }
    }

    let title: String
    let verdicts: [Verdict]
    let budget: String?
    /// `date` of the Provenance table (reports before it was recorded have none).
    let date: String?

    var heldCount: Int { verdicts.filter(\.held).count }

    /// The four outcomes the reports decide claims by (`Outcome`'s words), in the order the index counts them.
    static let outcomes = Outcome.allCases.map(\.rawValue)

    /// Claims per outcome (`outcomes` order); a report's "yes" counts as held. Claims worded
    /// otherwise ("no" in older tables, "not decidable here") are in none of them.
    var outcomeCounts: [Int] {
        Self.outcomes.map { word in verdicts.filter { $0.verdict == word || (word == "held" && $0.verdict == "yes") }.count }
    }

    /// "5 held, 8 not shown, 1 did not hold, 0 contradicted (of 14)", and how many are worded otherwise.
    var outcomeSummary: String {
        let counts = outcomeCounts, other = verdicts.count - counts.reduce(0, +)
        return zip(counts, Self.outcomes).map { "\($0) \($1)" }.joined(separator: ", ")
            + (other > 0 ? ", \(other) otherwise" : "") + " (of \(verdicts.count))"
    }

    struct Unreadable: Error, CustomStringConvertible {
        let path: String
        let problem: String
        var description: String { "\(path): \(problem)" }
    }

    static func read(_ path: String) throws -> ReportDigest {
        guard let data = FileManager.default.contents(atPath: path) else { throw Unreadable(path: path, problem: "no report here") }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    static func parse(_ markdown: String, path: String) throws -> ReportDigest {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.first, first.hasPrefix("# ") else { throw Unreadable(path: path, problem: "does not start with a '# ' title") }
        var verdicts: [Verdict] = [], provenance: [String: String] = [:]
        var section = ""
        for line in lines {
            if line.hasPrefix("## ") { section = String(line.dropFirst(3)); continue }
            let cells = tableCells(line)
            guard cells.count >= 2, !cells[0].hasPrefix("---") else { continue }
            switch section {
            case "Claim" where cells.count == 3 && cells[0] != "claim":
                verdicts.append(Verdict(claim: cells[0], measured: cells[1], held: cells[2].hasPrefix("yes"), verdict: cells[2]))
            case "Claim" where cells.count == 4 && cells[0] != "claim":
                verdicts.append(Verdict(claim: cells[0], measured: cells[1], held: cells[3] == "held", verdict: cells[3]))
            case "Provenance" where cells[0] != "item":
                provenance[cells[0]] = cells[1]
            default: break
            }
        }
        guard !verdicts.isEmpty else { throw Unreadable(path: path, problem: "its Claim section has no verdict table") }
        return ReportDigest(title: String(first.dropFirst(2)), verdicts: verdicts, budget: provenance["budget"], date: provenance["date"])
    }

    /// The cells of a Markdown table row `| a | b |`, trimmed and with `**` emphasis removed.
    static func tableCells(_ line: String) -> [String] {
        let t = line.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("|"), t.hasSuffix("|"), t.count > 1 else { return [] }
        return t.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "**", with: "") }
    }
}
