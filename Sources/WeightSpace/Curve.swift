import Tensor

/// The two curve families of Garipov et al. 2018 (GAR `curves.py`).
public enum CurveKind: String, Codable, CaseIterable, Sendable {
    /// Bernstein basis `c_i(t) = C(n−1, i)·t^i·(1−t)^(n−1−i)`.
    case bezier
    /// Hat functions `c_i(t) = max(0, 1 − |t·(n−1) − i|)`; bend i sits at `t = i/(n−1)`.
    case polychain
}

/// A curve in weight space through `bends` points `w_0 … w_{n−1}` (both endpoints included; the
/// straight segment is n = 2): `θ(t) = Σ_i c_i(t)·w_i`.
///
/// Contract: the coefficients are non-negative and sum to 1 for every t in [0, 1]; `c(0) = e_0`
/// and `c(1) = e_{n−1}`; a PolyChain at `t = i/(n−1)` is its bend i.
public struct Curve: Sendable, Equatable {
    public let kind: CurveKind
    public let bends: Int

    public init(_ kind: CurveKind, bends: Int) {
        precondition(bends >= 2, "a curve needs at least 2 bends (its endpoints), got \(bends)")
        self.kind = kind
        self.bends = bends
    }

    public func coefficients(at t: Double) -> [Float] {
        precondition((0...1).contains(t), "curve parameter t must lie in [0, 1], got \(t)")
        let n = bends
        switch kind {
        case .bezier:
            var binomial = 1.0
            return (0..<n).map { i in
                if i > 0 { binomial = binomial * Double(n - i) / Double(i) }
                return Float(binomial * pow(t, i) * pow(1 - t, n - 1 - i))
            }
        case .polychain:
            return (0..<n).map { i in Float(max(0, 1 - abs(t * Double(n - 1) - Double(i)))) }
        }
    }

    /// `θ(t)` from the bends stored one after another in `bendVector` (n × P).
    public func point(at t: Double, bendVector: [Float], parameterCount p: Int) -> [Float] {
        precondition(bendVector.count == bends * p, "bend vector length \(bendVector.count) ≠ \(bends) × \(p)")
        var theta = [Float](repeating: 0, count: p)
        let c = coefficients(at: t)
        bendVector.withUnsafeBufferPointer { w in
            theta.withUnsafeMutableBufferPointer { out in
                for i in 0..<bends where c[i] != 0 { BLAS.axpy(p, alpha: c[i], x: w.baseAddress! + i * p, y: out.baseAddress!) }
            }
        }
        return theta
    }

    /// Bends on the straight segment between two endpoints (GAR's linear initialisation):
    /// `w_j = (j/(n−1))·w_end + (1 − j/(n−1))·w_start`. A fresh Bezier curve then *is* the segment.
    public func linearBends(start: [Float], end: [Float]) -> [Float] {
        precondition(start.count == end.count, "endpoint lengths differ: \(start.count) vs \(end.count)")
        var out: [Float] = []
        out.reserveCapacity(bends * start.count)
        for j in 0..<bends {
            let a = Float(j) / Float(bends - 1)
            for k in 0..<start.count { out.append(a * end[k] + (1 - a) * start[k]) }
        }
        return out
    }
}

@inline(__always) private func pow(_ x: Double, _ k: Int) -> Double {
    var r = 1.0
    for _ in 0..<max(k, 0) { r *= x }
    return r
}
