import Networks
import Tensor

/// Doubly stochastic relaxations of unit permutations, one `c × c` matrix per unit group, stored
/// one after another (row-major) in a flat vector — the trainable vector of PAM's permutation step.
///
/// Convention, as `UnitPermutation`: unit `u` of the result is `Σ_j P[u][j]·(unit j of the input)`
/// along axis 0 of every producer and axis 1 of every consumer; the hard permutation π is the
/// matrix with `P[u][π[u]] = 1`, and `apply` of it equals `UnitPermutation.apply` on parameters.
/// BN running statistics are not parameters and are left alone (curve training recomputes them).
public struct SoftPermutation: Sendable {
    public let groups: [UnitGroup]
    /// Offset of each group's matrix in the flat vector.
    public let offsets: [Int]
    public let count: Int
    /// Per parameter tensor, the groups that mix it: (group, axis) with axis 0 or 1.
    private let touches: [(entry: TensorEntry, mixes: [(group: Int, axis: Int)])]

    public init(groups: [UnitGroup], layout: ParameterLayout) {
        self.groups = groups
        var offsets: [Int] = [], total = 0
        for g in groups { offsets.append(total); total += g.channels * g.channels }
        self.offsets = offsets
        count = total
        var mixes: [String: [(Int, Int)]] = [:]
        for (k, g) in groups.enumerated() {
            for name in g.producers { mixes[name, default: []].append((k, 0)) }
            for name in g.consumers { mixes[name, default: []].append((k, 1)) }
        }
        touches = layout.parameters.compactMap { entry in
            guard let m = mixes[entry.name] else { return nil }
            precondition(Set(m.map(\.1)).count == m.count, "\(entry.name) is mixed twice on one axis")
            return (entry, m.map { (group: $0.0, axis: $0.1) })
        }
    }

    /// The identity on every group.
    public var identity: [Float] { Self.flat(UnitPermutation.identity(groups), groups: groups) }

    /// The flat matrices of hard permutations.
    public static func flat(_ permutations: [[Int]], groups: [UnitGroup]) -> [Float] {
        var out: [Float] = []
        for (g, pi) in zip(groups, permutations) {
            var m = [Float](repeating: 0, count: g.channels * g.channels)
            for (u, j) in pi.enumerated() { m[u * g.channels + j] = 1 }
            out += m
        }
        return out
    }

    /// Group `g`'s matrix as rows.
    public func matrix(_ p: [Float], group g: Int) -> [[Double]] {
        let c = groups[g].channels, o = offsets[g]
        return (0..<c).map { u in (0..<c).map { Double(p[o + u * c + $0]) } }
    }

    /// `P(θ)`: every parameter tensor mixed along its unit axes.
    public func apply(_ p: [Float], to parameters: [Float]) -> [Float] {
        precondition(p.count == count, "\(p.count) matrix entries for \(count)")
        var out = parameters
        for (entry, mixes) in touches {
            var values = Array(parameters[entry.range])
            for m in mixes { values = mix(values, entry, axis: m.axis, by: p, group: m.group) }
            out.replaceSubrange(entry.range, with: values)
        }
        return out
    }

    /// The gradient with respect to the matrices of a loss of `P(θ)`, given `outer`, the loss's
    /// gradient with respect to `P(θ)`: for each tensor mixed by group g on axis a,
    /// `∂L/∂P_g[u][j] += Σ outer[…u…]·U[…j…]`, U the tensor with its other axis (if any) mixed.
    public func gradient(outer: [Float], parameters: [Float], p: [Float]) -> [Float] {
        var grad = [Float](repeating: 0, count: count)
        for (entry, mixes) in touches {
            let g = Array(outer[entry.range]), values = Array(parameters[entry.range])
            for (k, m) in mixes.enumerated() {
                var u = values
                for (l, other) in mixes.enumerated() where l != k { u = mix(u, entry, axis: other.axis, by: p, group: other.group) }
                contract(g, u, entry, axis: m.axis, into: &grad, group: m.group)
            }
        }
        return grad
    }

    /// `new[o, u, i] = Σ_j P[u][j]·old[o, j, i]` along `axis` of `entry`.
    private func mix(_ values: [Float], _ entry: TensorEntry, axis: Int, by p: [Float], group: Int) -> [Float] {
        let (outer, c, inner) = split(entry, axis: axis, group: group)
        var out = [Float](repeating: 0, count: values.count)
        p.withUnsafeBufferPointer { pp in
            values.withUnsafeBufferPointer { v in
                out.withUnsafeMutableBufferPointer { o in
                    for k in 0..<outer {
                        BLAS.gemm(m: c, n: inner, k: c, a: pp.baseAddress! + offsets[group], lda: c,
                                  b: v.baseAddress! + k * c * inner, ldb: inner, c: o.baseAddress! + k * c * inner, ldc: inner)
                    }
                }
            }
        }
        return out
    }

    /// `grad_g[u][j] += Σ_{o,i} a[o, u, i]·b[o, j, i]`.
    private func contract(_ a: [Float], _ b: [Float], _ entry: TensorEntry, axis: Int, into grad: inout [Float], group: Int) {
        let (outer, c, inner) = split(entry, axis: axis, group: group)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                grad.withUnsafeMutableBufferPointer { gp in
                    for k in 0..<outer {
                        BLAS.gemm(transB: true, m: c, n: c, k: inner, a: ap.baseAddress! + k * c * inner, lda: inner,
                                  b: bp.baseAddress! + k * c * inner, ldb: inner, beta: 1, c: gp.baseAddress! + offsets[group], ldc: c)
                    }
                }
            }
        }
    }

    private func split(_ entry: TensorEntry, axis: Int, group: Int) -> (Int, Int, Int) {
        let c = entry.shape[axis]
        precondition(c == groups[group].channels, "\(entry.name) has \(c) units on axis \(axis), \(groups[group].name) \(groups[group].channels)")
        return (entry.shape[..<axis].reduce(1, *), c, entry.shape[(axis + 1)...].reduce(1, *))
    }

    // MARK: PAM's projections

    /// PAM's approximate projection onto the doubly stochastic matrices: `rounds` times, clip at 0
    /// and then project exactly onto the affine set of row and column sums 1
    /// (`P += −(1/n)(r − 1)1ᵀ − (1/n)1(c − 1)ᵀ + (1/n²)(Σ − n)`).
    public func project(_ p: inout [Float], rounds: Int = 20) {
        for (g, group) in groups.enumerated() {
            let n = group.channels, o = offsets[g], nf = Float(n)
            for _ in 0..<rounds {
                var rows = [Float](repeating: 0, count: n), cols = rows
                for u in 0..<n {
                    for j in 0..<n {
                        let v = max(p[o + u * n + j], 0)
                        p[o + u * n + j] = v
                        rows[u] += v
                        cols[j] += v
                    }
                }
                let total = rows.reduce(0, +)
                let shift = (total - nf) / (nf * nf)
                for u in 0..<n {
                    for j in 0..<n { p[o + u * n + j] += -(rows[u] - 1) / nf - (cols[j] - 1) / nf + shift }
                }
            }
        }
    }

    /// The hard permutations nearest to the matrices: per group the assignment maximising `Σ P[u][π(u)]`.
    public func rounded(_ p: [Float]) throws -> [[Int]] {
        try groups.indices.map { try LinearAssignment.maximise(matrix(p, group: $0)) }
    }
}

/// The Birkhoff–von Neumann decomposition of a (nearly) doubly stochastic matrix into a convex
/// combination of permutations, greedily: repeatedly the assignment of largest total on the
/// remaining support, weighted by its smallest entry, subtracted. PAM samples rounding candidates
/// from its largest terms.
public enum BirkhoffDecomposition {
    /// Terms `(weight, π)` in the order found (weights need not sum to exactly 1 for an
    /// approximately doubly stochastic input); at most `maxTerms`.
    public static func terms(_ matrix: [[Double]], maxTerms: Int = 32, tolerance: Double = 1e-6) throws -> [(weight: Double, permutation: [Int])] {
        var residual = matrix.map { $0.map { max($0, 0) } }
        let n = matrix.count
        var out: [(Double, [Int])] = []
        let absent = -Double(n) * 1e6
        while out.count < maxTerms {
            let score = residual.map { $0.map { $0 > tolerance ? $0 : absent } }
            let pi = try LinearAssignment.maximise(score)
            let weight = (0..<n).map { residual[$0][pi[$0]] }.min() ?? 0
            guard weight > tolerance else { break }
            out.append((weight, pi))
            for u in 0..<n { residual[u][pi[u]] -= weight }
        }
        return out
    }
}
