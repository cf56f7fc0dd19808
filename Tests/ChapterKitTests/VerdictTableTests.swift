import Reporting
import Statistics
import Testing
@testable import ChapterKit

/// A verdict decided by a test states n, the difference with its interval, p and the outcome.
@Suite struct VerdictTableTests {
    @Test func aTestedVerdictShowsItsStatistics() {
        let evidence = Evidence.difference([12.38, 12.01, 12.75], [12.47, 12.30, 12.71], paired: true, claim: .less)
        let verdict = Verdict(claim: "FGE's error is below Ind's", measured: "12.38 vs 12.49", evidence: evidence)
        #expect(!verdict.held && evidence.outcome == .notShown)
        #expect(verdict.statistics == "n = 3, −0.113 [−0.526, 0.300], p = 0.180 (paired t)")
        var doc = MarkdownDocument()
        doc.verdicts([verdict])
        let text = doc.render()
        #expect(text.contains("| claim | measured here | test: n, estimate [95 % interval], p | outcome |"), "\(text)")
        #expect(text.contains("| **not shown** |"), "\(text)")
    }

    @Test func untestedVerdictsKeepTheirTable() {
        var doc = MarkdownDocument()
        doc.verdicts([Verdict(claim: "c", measured: "m", held: true)])
        #expect(doc.render().contains("| claim | measured here | held? |"))
    }
}

extension VerdictTableTests {
    @Test func aClaimAgainstThePaperStatesThePAgainstIt() {
        let evidence = Evidence.difference([2, 3, 4.1], [1, 2, 3], paired: true, claim: .less)
        #expect(evidence.outcome == .contradicted)
        let verdict = Verdict(claim: "a below b", measured: "", evidence: evidence)
        #expect(verdict.statistics?.contains("p = 0.999, against the paper p < 0.001") == true, "\(verdict.statistics ?? "")")
        #expect(Verdict(claim: "one seed", measured: "", evidence: .difference([1], [2], paired: true, claim: .less)).statistics
                == "n = 1, −1.000: no test with n = 1")
    }
}
