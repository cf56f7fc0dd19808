import Networks
import Tensor

/// Reorders a network's units: for each unit group with permutation π, unit u of the result is
/// unit π[u] of the input — index u of axis 0 of every producer (weights, biases, BN γ, β and
/// running statistics) takes index π[u], and so does index u of axis 1 of every consumer. The
/// result computes the same function (tests check the logits for every reference network).
public enum UnitPermutation {
    public static func apply(_ permutations: [[Int]], groups: [UnitGroup], layout: ParameterLayout,
                             parameters: [Float], state: [Float]) -> (parameters: [Float], state: [Float]) {
        precondition(permutations.count == groups.count, "\(permutations.count) permutations for \(groups.count) unit groups")
        var p = parameters, s = state
        for (group, pi) in zip(groups, permutations) {
            precondition(pi.count == group.channels && Set(pi).count == pi.count && pi.allSatisfy { (0..<group.channels).contains($0) },
                         "not a permutation of \(group.channels) units for \(group.name): \(pi)")
            for name in group.producers {
                let entry = layout.entry(named: name)!
                if entry.role.isState { permute(&s, entry, axis: 0, by: pi) } else { permute(&p, entry, axis: 0, by: pi) }
            }
            for name in group.consumers { permute(&p, layout.entry(named: name)!, axis: 1, by: pi) }
        }
        return (p, s)
    }

    /// `v[entry]` with `new[…, u, …] = old[…, π[u], …]` along `axis`.
    static func permute(_ v: inout [Float], _ entry: TensorEntry, axis: Int, by pi: [Int]) {
        let outer = entry.shape[..<axis].reduce(1, *), size = entry.shape[axis], inner = entry.shape[(axis + 1)...].reduce(1, *)
        precondition(size == pi.count, "\(entry.name) has \(size) units on axis \(axis), the permutation \(pi.count)")
        let old = Array(v[entry.range])
        for o in 0..<outer {
            for u in 0..<size {
                let to = entry.offset + (o * size + u) * inner, from = (o * size + pi[u]) * inner
                for i in 0..<inner { v[to + i] = old[from + i] }
            }
        }
    }

    /// The identity on every group.
    public static func identity(_ groups: [UnitGroup]) -> [[Int]] { groups.map { Array(0..<$0.channels) } }
}
