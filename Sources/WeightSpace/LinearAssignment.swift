/// Bad input to the assignment solver: what is wrong, in words.
public struct LinearAssignmentError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

/// The linear assignment problem: a permutation π minimising `Σ_i cost[i][π(i)]` over an n × n
/// matrix, by shortest augmenting paths with row and column potentials (the Hungarian method in
/// the O(n³) form Jonker and Volgenant's solver and SciPy's `linear_sum_assignment` use).
///
/// Contract: the result is optimal (tests compare it with brute force on every n ≤ 7, ties
/// included); the input must be square, non-empty, and finite, otherwise a
/// `LinearAssignmentError` says which.
public enum LinearAssignment {
    /// `π` with `π[i]` the column assigned to row i.
    public static func minimise(_ cost: [[Double]]) throws -> [Int] {
        let n = cost.count
        guard n > 0 else { throw LinearAssignmentError(description: "the cost matrix is empty") }
        if let row = cost.firstIndex(where: { $0.count != n }) {
            throw LinearAssignmentError(description: "the cost matrix is not square: \(n) rows, row \(row) has \(cost[row].count) columns")
        }
        for (i, row) in cost.enumerated() {
            if let j = row.firstIndex(where: { !$0.isFinite }) {
                throw LinearAssignmentError(description: "cost[\(i)][\(j)] is \(row[j]); every cost must be finite")
            }
        }
        // 1-based arrays with a virtual column 0 (the classic formulation): u, v potentials,
        // owner[j] the row matched to column j.
        var u = [Double](repeating: 0, count: n + 1), v = u
        var owner = [Int](repeating: 0, count: n + 1), way = owner
        for i in 1...n {
            owner[0] = i
            var j0 = 0
            var minimum = [Double](repeating: .infinity, count: n + 1)
            var used = [Bool](repeating: false, count: n + 1)
            repeat {
                used[j0] = true
                let i0 = owner[j0]
                var delta = Double.infinity, j1 = 0
                for j in 1...n where !used[j] {
                    let reduced = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if reduced < minimum[j] { minimum[j] = reduced; way[j] = j0 }
                    if minimum[j] < delta { delta = minimum[j]; j1 = j }
                }
                for j in 0...n {
                    if used[j] { u[owner[j]] += delta; v[j] -= delta } else { minimum[j] -= delta }
                }
                j0 = j1
            } while owner[j0] != 0
            repeat {
                let j1 = way[j0]
                owner[j0] = owner[j1]
                j0 = j1
            } while j0 != 0
        }
        var assignment = [Int](repeating: 0, count: n)
        for j in 1...n { assignment[owner[j] - 1] = j - 1 }
        return assignment
    }

    /// `π` maximising `Σ_i score[i][π(i)]`.
    public static func maximise(_ score: [[Double]]) throws -> [Int] {
        try minimise(score.map { $0.map { -$0 } })
    }

    /// `Σ_i cost[i][π(i)]`.
    public static func total(_ cost: [[Double]], _ assignment: [Int]) -> Double {
        assignment.enumerated().reduce(0) { $0 + cost[$1.offset][$1.element] }
    }
}
