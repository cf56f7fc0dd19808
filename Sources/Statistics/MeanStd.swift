import Foundation

/// Summary statistics for tables over seeds.
public struct MeanStd: Sendable {
    public let mean: Double
    /// Sample standard deviation (n − 1); 0 for one value.
    public let std: Double
    public let count: Int

    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "MeanStd of no values")
        count = values.count
        let m = values.reduce(0, +) / Double(values.count)
        mean = m
        std = values.count > 1 ? (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot() : 0
    }

    /// "12.34 ± 0.56" (or "12.34" for one value), `scale` applied first (100 for percentages).
    public func formatted(_ digits: Int = 2, scale: Double = 1) -> String {
        let m = String(format: "%.\(digits)f", mean * scale)
        return count > 1 ? m + " ± " + String(format: "%.\(digits)f", std * scale) : m
    }
}
