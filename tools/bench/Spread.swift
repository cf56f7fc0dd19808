import Foundation

/// The median and range (smallest, largest) of a few measurements, e.g. one per interleaved round.
struct Spread: Codable, Equatable, Sendable {
    var median: Double
    var min: Double
    var max: Double

    init(median: Double, min: Double, max: Double) {
        self.median = median; self.min = min; self.max = max
    }

    /// The spread of `values` (at least one); the median of an even count is the mean of the
    /// middle two.
    init(_ values: [Double]) {
        precondition(!values.isEmpty, "the spread of no values")
        let sorted = values.sorted(), n = sorted.count
        median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        min = sorted[0]
        max = sorted[n - 1]
    }

    /// The spread of the per-round ratios `numerator[r] / denominator[r]`: each round's pair was
    /// measured back to back, so the load of the machine at that moment divides out. (The ratio
    /// of the two medians would pair measurements from different moments.)
    static func ofRatios(_ numerator: [Double], over denominator: [Double]) -> Spread {
        precondition(numerator.count == denominator.count && !numerator.isEmpty,
                     "ratios need as many rounds on each side, got \(numerator.count) and \(denominator.count)")
        return Spread(zip(numerator, denominator).map { $0 / $1 })
    }

    /// "1.23 (1.10–1.31)" with `digits` decimals.
    func formatted(_ digits: Int = 2) -> String {
        let f = "%.\(digits)f"
        return String(format: f, median) + " (" + String(format: f, min) + "–" + String(format: f, max) + ")"
    }
}
