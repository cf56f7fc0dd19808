import Foundation

/// Tick positions and labels: "nice" linear steps (1, 2, 2.5, 5 × 10ⁿ) and decades on log axes.
public enum Ticks {
    /// A nice step for splitting `span` into about `target` intervals.
    public static func niceStep(span: Double, target: Int) -> Double {
        precondition(span > 0 && span.isFinite, "tick span must be positive and finite, got \(span)")
        let raw = span / Double(max(1, target))
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// Multiples of a nice step inside `[lo, hi]`, about `target` intervals apart.
    /// Example: `linear(0, 1, target: 5)` is `[0, 0.2, 0.4, 0.6, 0.8, 1]`.
    public static func linear(_ lo: Double, _ hi: Double, target: Int) -> [Double] {
        guard hi > lo else { return [lo] }
        let step = niceStep(span: hi - lo, target: target)
        let digits = max(0, Int(-floor(log10(step))) + 2)
        let scale = pow(10, Double(digits))
        let first = Int((lo / step - 1e-9).rounded(.up))
        let last = Int((hi / step + 1e-9).rounded(.down))
        guard first <= last else { return [] }
        return (first...last).map { k in
            let v = (Double(k) * step * scale).rounded() / scale
            return v == 0 ? 0 : v  // no negative zero
        }
    }

    /// Ticks of a log axis on `[lo, hi]` (both > 0): every decade, or every 2nd, 3rd … decade when
    /// there are more than `maxCount`; 1-2-5 ticks when fewer than two decades fall inside, and
    /// linear ticks when even those are fewer than two.
    public static func logarithmic(_ lo: Double, _ hi: Double, maxCount: Int) -> [Double] {
        precondition(lo > 0 && hi > lo, "log ticks need 0 < lo < hi, got \(lo), \(hi)")
        let firstDecade = Int(ceil(log10(lo) - 1e-9)), lastDecade = Int(floor(log10(hi) + 1e-9))
        if lastDecade - firstDecade + 1 >= 2 {
            let count = lastDecade - firstDecade + 1
            let stride = max(1, Int(ceil(Double(count) / Double(max(1, maxCount)))))
            return Swift.stride(from: firstDecade, through: lastDecade, by: stride).map { pow(10, Double($0)) }
        }
        var ticks: [Double] = []
        for decade in (firstDecade - 1)...(lastDecade + 1) {
            for m in [1.0, 2.0, 5.0] {
                let v = m * pow(10, Double(decade))
                if v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) { ticks.append(v) }
            }
        }
        return ticks.count >= 2 && ticks.count <= max(2, maxCount) ? ticks : linear(lo, hi, target: max(2, maxCount - 1))
    }

    /// Labels for linear ticks: the fewest decimals that show every tick exactly, a true minus
    /// sign, and `m×10ⁿ` notation for very large or very small magnitudes.
    public static func linearLabels(_ ticks: [Double]) -> [String] {
        let largest = ticks.map(abs).max() ?? 0
        if largest >= 1e5 || (largest > 0 && largest < 1e-3) {
            return ticks.map { $0 == 0 ? "0" : scientific($0) }
        }
        var decimals = 0
        while decimals < 8 && !ticks.allSatisfy({ isExact($0, decimals: decimals) }) { decimals += 1 }
        return ticks.map { withMinus(String(format: "%.\(decimals)f", $0)) }
    }

    /// Labels for log ticks: decades as `10ⁿ` (superscript digits), others as plain numbers.
    public static func logLabels(_ ticks: [Double]) -> [String] {
        let decadesOnly = ticks.allSatisfy { isDecade($0) }
        if decadesOnly { return ticks.map { "10" + superscript(Int(log10($0).rounded())) } }
        return ticks.map { v in
            if v >= 1e-3 && v < 1e5 { return compact(v, significant: 3) }
            return scientific(v)
        }
    }

    /// A number with at most `significant` significant digits, no trailing zeros, true minus.
    public static func compact(_ v: Double, significant: Int = 2) -> String {
        if v == 0 { return "0" }
        let magnitude = abs(v)
        if magnitude >= 1e5 || magnitude < 1e-3 { return scientific(v, significant: significant) }
        let decimals = max(0, significant - 1 - Int(floor(log10(magnitude))))
        var text = String(format: "%.\(decimals)f", v)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return withMinus(text)
    }

    static func scientific(_ v: Double, significant: Int = 2) -> String {
        let exponent = Int(floor(log10(abs(v))))
        let mantissa = v / pow(10, Double(exponent))
        let m = compact(mantissa, significant: significant)
        return (m == "1" ? "" : m == "−1" ? "−" : m + "×") + "10" + superscript(exponent)
    }

    static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return (n < 0 ? "⁻" : "") + String(String(abs(n)).map { digits[Int(String($0))!] })
    }

    static func withMinus(_ s: String) -> String {
        var t = s.hasPrefix("-") ? "−" + s.dropFirst() : s
        if t == "−0" || t.hasPrefix("−0") && Double(t.dropFirst()) == 0 { t.removeFirst() }
        return t
    }

    static func isExact(_ v: Double, decimals: Int) -> Bool {
        let scaled = v * pow(10, Double(decimals))
        return abs(scaled - scaled.rounded()) < 1e-6 * max(1, abs(scaled))
    }

    static func isDecade(_ v: Double) -> Bool {
        let e = log10(v)
        return abs(e - e.rounded()) < 1e-9
    }
}
