import Testing
@testable import Plotting

/// The colorbar's level labels stay distinct where log-spaced levels crowd together.
@Suite struct ColorbarTests {
    func labels(_ levels: [Double], overflow: String? = nil) -> [String] {
        let field = FieldSeries(xs: [0, 1], ys: [0, 1], values: [[0, 1], [1, 0]], levels: levels, colormap: .viridis,
                                overflowLabel: overflow, colorbarLabel: nil, contourLines: true)
        return Colorbar(field: field).boundaryLabels
    }

    @Test func twoSignificantDigitsWhereTheyAreEnough() {
        #expect(labels([0.1, 0.5, 2, 5], overflow: "> 5") == ["0.1", "0.5", "2", "5", "> 5"])
    }

    @Test func moreDigitsWhereNeighboursWouldReadTheSame() {
        // GAR's levels above a train loss of 0.25: 0.25 + e^(−5 + kγ) crowd at the bottom.
        let levels = ContourLevels.logSpaced(values: [[0.25, 5]], vmax: 5, logAlpha: -5, count: 7)
        let text = labels(levels)
        #expect(Set(text).count == text.count, "\(text)")
        #expect(text.first == "0.25" && text.last == "5")
    }
}
