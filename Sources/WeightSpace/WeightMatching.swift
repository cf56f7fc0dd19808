import Networks
import Tensor

/// Git Re-Basin's weight matching (Ainsworth et al. 2023, samuela/git-re-basin): permutations of
/// B's unit groups maximising `Σ_T ⟨W_A[T], π(W_B)[T]⟩` over every parameter tensor, by coordinate
/// ascent — one group at a time in random order, each a linear assignment over every tensor the
/// group touches with the other groups' permutations held fixed — until a sweep gains nothing.
///
/// Contract: the objective never decreases (each step is the exact maximiser over its group given
/// the others, and the objective is linear in each group's permutation, as no tensor has two axes
/// in one group); the result is returned with the objective after every sweep.
public enum WeightMatching {
    public struct Result: Sendable {
        public let permutations: [[Int]]
        /// The objective before any step, then after every sweep.
        public let objective: [Double]
    }

    /// The objective `Σ_T ⟨A_T, B_T⟩` over the parameter tensors (state excluded).
    public static func objective(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    public static func match(network: Network, a: [Float], b: [Float], seed: UInt64, maxSweeps: Int = 100) throws -> Result {
        let groups = network.unitGroups, layout = network.layout
        var permutations = UnitPermutation.identity(groups)
        let noState = [Float](repeating: 0, count: layout.stateCount)
        func permuted() -> [Float] {
            UnitPermutation.apply(permutations, groups: groups, layout: layout, parameters: b, state: noState).parameters
        }
        var history = [objective(a, permuted())]
        var rng = RandomGenerator(seed: seed)
        for _ in 0..<maxSweeps {
            for g in rng.permutation(groups.count) {
                // B with every other group permuted and this one at the identity.
                permutations[g] = Array(0..<groups[g].channels)
                let others = permuted()
                permutations[g] = try LinearAssignment.maximise(score(groups[g], layout: layout, a: a, b: others))
            }
            let value = objective(a, permuted())
            let gain = value - history.last!
            history.append(value)
            if gain <= 1e-9 * max(1, abs(value)) { break }
        }
        return Result(permutations: permutations, objective: history)
    }

    /// `score[i][j]`: the objective's terms coupling A's unit i with B's unit j, over every
    /// parameter tensor of the group (axis 0 of producers, axis 1 of consumers).
    static func score(_ group: UnitGroup, layout: ParameterLayout, a: [Float], b: [Float]) -> [[Double]] {
        let c = group.channels
        var score = [[Double]](repeating: [Double](repeating: 0, count: c), count: c)
        for (names, axis) in [(group.producers, 0), (group.consumers, 1)] {
            for name in names {
                let e = layout.entry(named: name)!
                guard !e.role.isState else { continue }
                let outer = e.shape[..<axis].reduce(1, *), inner = e.shape[(axis + 1)...].reduce(1, *)
                for o in 0..<outer {
                    for i in 0..<c {
                        let ai = e.offset + (o * c + i) * inner
                        for j in 0..<c {
                            let bj = e.offset + (o * c + j) * inner
                            var s = 0.0
                            for k in 0..<inner { s += Double(a[ai + k]) * Double(b[bj + k]) }
                            score[i][j] += s
                        }
                    }
                }
            }
        }
        return score
    }
}
