@testable import Networks
import Testing

/// `RowVectors.map` writes exactly a row's values, whatever its length: its overlapping last
/// vector rewrites values already written, and nothing before or after the row is touched.
@Suite("Whole-vector rows")
struct RowVectorsTests {
    @Test func everyRowLengthWritesItsValuesAndNothingElse() {
        let guardValue: Float = 12345
        for count in 0...40 {
            let from = (0..<count).map { Float($0) - 7.5 }
            for (bias, relu, expected) in [(Float(2), true, { (v: Float) in max(v + 2, 0) }),
                                           (-1, false, { (v: Float) in v - 1 }), (nil, false, { (v: Float) in v })] {
                var to = [Float](repeating: guardValue, count: count + 32)
                from.withUnsafeBufferPointer { f in
                    to.withUnsafeMutableBufferPointer { t in
                        RowVectors.map(f.baseAddress ?? UnsafePointer(t.baseAddress!), to: t.baseAddress! + 16, count, bias: bias, relu: relu)
                    }
                }
                #expect(Array(to[16..<(16 + count)]) == from.map(expected), "row of \(count)")
                #expect(to[..<16].allSatisfy { $0 == guardValue } && to[(16 + count)...].allSatisfy { $0 == guardValue },
                        "row of \(count) wrote outside itself")
            }
        }
    }

    /// `RowVectors.accumulate` adds each value once, though its vectors overlap, and touches nothing
    /// outside the row.
    @Test func accumulatingAddsEveryValueOnceAndNothingElse() {
        let guardValue: Float = 12345
        for count in 0...40 {
            let from = (0..<count).map { Float($0) - 7.5 }, start = (0..<count).map { Float(3 * $0) + 0.25 }
            for bias in [Float(2), nil] {
                var to = [Float](repeating: guardValue, count: count + 32)
                to.replaceSubrange(16..<(16 + count), with: start)
                from.withUnsafeBufferPointer { f in
                    to.withUnsafeMutableBufferPointer { t in
                        RowVectors.accumulate(f.baseAddress ?? UnsafePointer(t.baseAddress!), to: t.baseAddress! + 16, count, bias: bias)
                    }
                }
                let expected = zip(start, from).map { s, v in s + (bias.map { v + $0 } ?? v) }
                #expect(Array(to[16..<(16 + count)]) == expected, "row of \(count), bias \(String(describing: bias))")
                #expect(to[..<16].allSatisfy { $0 == guardValue } && to[(16 + count)...].allSatisfy { $0 == guardValue },
                        "row of \(count) wrote outside itself")
            }
        }
    }
}
