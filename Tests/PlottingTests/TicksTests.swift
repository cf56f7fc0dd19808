import Testing
@testable import Plotting

@Suite("Ticks")
struct TicksTests {
    @Test("0…1 with about five intervals gives 0, 0.2, …, 1")
    func unitInterval() {
        // span 1 / 5 intervals = 0.2, already nice (2 × 10⁻¹)
        #expect(Ticks.linear(0, 1, target: 5) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(Ticks.linearLabels([0, 0.2, 0.4, 0.6, 0.8, 1]) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    @Test("nice steps are 1, 2, 2.5 or 5 times a power of ten")
    func niceSteps() {
        #expect(Ticks.niceStep(span: 10, target: 5) == 2)       // raw 2
        #expect(Ticks.niceStep(span: 7, target: 5) == 2)        // raw 1.4 → 2
        #expect(Ticks.niceStep(span: 0.9, target: 4) == 0.25)   // raw 0.225 → 0.25
        #expect(Ticks.niceStep(span: 300, target: 4) == 100)    // raw 75 → 100
    }

    @Test("ticks stay inside the range and include its nice ends")
    func insideRange() {
        let ticks = Ticks.linear(-0.05, 1.05, target: 5)
        #expect(ticks.first == 0 && ticks.last == 1)
        #expect(Ticks.linear(-7.3, 22.7, target: 6) == [-5, 0, 5, 10, 15, 20])
    }

    @Test("negative labels use a true minus sign")
    func minus() {
        #expect(Ticks.linearLabels([-1, 0, 1]) == ["−1", "0", "1"])
    }

    @Test("log ticks sit at decades, labelled 10ⁿ")
    func logDecades() {
        let ticks = Ticks.logarithmic(1e-3, 100, maxCount: 10)
        #expect(ticks.count == 6)
        for (t, e) in zip(ticks, -3...2) { #expect(abs(log10(t) - Double(e)) < 1e-12) }
        #expect(Ticks.logLabels(ticks) == ["10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹", "10²"])
    }

    @Test("many decades are thinned to every k-th decade")
    func logThinned() {
        let ticks = Ticks.logarithmic(1e-8, 1e8, maxCount: 5)
        #expect(ticks.count <= 5 && ticks.count >= 3)
    }

    @Test("less than two decades falls back to 1-2-5 ticks")
    func logNarrow() {
        #expect(Ticks.logarithmic(0.15, 0.9, maxCount: 6) == [0.2, 0.5])
    }

    @Test("compact labels keep two significant digits")
    func compact() {
        #expect(Ticks.compact(0.06573) == "0.066")
        #expect(Ticks.compact(5) == "5")
        #expect(Ticks.compact(0.78) == "0.78")
        #expect(Ticks.compact(2.0e-5) == "2×10⁻⁵")
    }
}

import Foundation
