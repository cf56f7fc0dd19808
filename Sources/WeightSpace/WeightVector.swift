import Tensor

/// The vocabulary of weight space: every network is one flat parameter vector, and the papers'
/// operations between networks are differences, distances and combinations of such vectors.
/// Chapters and tools say these words; only the library reaches BLAS.
public enum WeightVector {
    /// `a − b`.
    public static func difference(_ a: [Float], _ b: [Float]) -> [Float] {
        precondition(a.count == b.count, "parameter vectors of different lengths \(a.count) and \(b.count)")
        var d = a
        BLAS.axpy(alpha: -1, b, &d)
        return d
    }

    /// The Euclidean distance `‖a − b‖₂` (single precision, as BLAS's `snrm2` accumulates it).
    public static func distance(_ a: [Float], _ b: [Float]) -> Double {
        Double(BLAS.norm2(difference(a, b)))
    }

    /// The Euclidean distance `‖a − b‖₂` accumulated in double precision: what FGE's trajectory and
    /// the ensembles' diversity report, where members differ by little.
    public static func accurateDistance(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count, "parameter vectors of different lengths \(a.count) and \(b.count)")
        var total = 0.0
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                for i in 0..<x.count {
                    let d = Double(x[i]) - Double(y[i])
                    total += d * d
                }
            }
        }
        return total.squareRoot()
    }

    /// `Σ_j c_j · w_j` over vectors of one length (terms with a zero coefficient skipped).
    public static func combination(_ coefficients: [Float], of vectors: [[Float]]) -> [Float] {
        precondition(coefficients.count == vectors.count && !vectors.isEmpty, "one coefficient per vector")
        var out = [Float](repeating: 0, count: vectors[0].count)
        for (c, w) in zip(coefficients, vectors) where c != 0 { BLAS.axpy(alpha: c, w, &out) }
        return out
    }

    /// The point `a + λ·(b − a)` of the line through `a` and `b` (λ = 0 at `a`, 1 at `b`).
    public static func interpolation(from a: [Float], to b: [Float], at lambda: Double) -> [Float] {
        precondition(a.count == b.count, "parameter vectors of different lengths \(a.count) and \(b.count)")
        var p = a
        let l = Float(lambda)
        for i in p.indices { p[i] += l * (b[i] - a[i]) }
        return p
    }
}

extension Curve {
    /// The straight segment between two networks: a Bezier curve whose only bends are its ends
    /// (its bend vector is `start + end`, one after the other).
    public static let segment = Curve(.bezier, bends: 2)
}
