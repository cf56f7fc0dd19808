import Tensor
import Testing
@testable import WeightSpace

/// The assignment solver against brute force, and its errors.
@Suite struct LinearAssignmentTests {
    /// The optimum over all n! permutations.
    static func bruteForce(_ cost: [[Double]]) -> Double {
        var best = Double.infinity
        var p = Array(cost.indices)
        func visit(_ k: Int) {
            if k == p.count { best = min(best, LinearAssignment.total(cost, p)); return }
            for i in k..<p.count {
                p.swapAt(k, i)
                visit(k + 1)
                p.swapAt(k, i)
            }
        }
        visit(0)
        return best
    }

    @Test(arguments: 1...7)
    func theOptimumEqualsBruteForce(n: Int) throws {
        var rng = RandomGenerator(seed: UInt64(100 + n))
        for trial in 0..<60 {
            // Every third matrix draws from 3 values only, so ties are everywhere.
            let cost = (0..<n).map { _ in (0..<n).map { _ in trial % 3 == 0 ? Double(rng.uniformInt(below: 3)) : Double(rng.normal()) } }
            let assignment = try LinearAssignment.minimise(cost)
            #expect(Set(assignment).count == n && assignment.allSatisfy { (0..<n).contains($0) }, "not a permutation: \(assignment)")
            #expect(abs(LinearAssignment.total(cost, assignment) - Self.bruteForce(cost)) < 1e-9, "n \(n) trial \(trial): \(cost)")
        }
    }

    @Test func maximisingFindsTheIdentityOnADiagonallyDominantMatrix() throws {
        func score(_ i: Int, _ j: Int) -> Double { i == j ? 1 : 0.05 * Double((i * 7 + j * 3) % 10) }
        let score: [[Double]] = (0..<50).map { i in (0..<50).map { j in score(i, j) } }
        #expect(try LinearAssignment.maximise(score) == Array(0..<50))
    }

    @Test func badInputIsAClearError() {
        #expect(throws: LinearAssignmentError(description: "the cost matrix is empty")) { try LinearAssignment.minimise([]) }
        #expect(throws: LinearAssignmentError(description: "the cost matrix is not square: 2 rows, row 0 has 3 columns")) {
            try LinearAssignment.minimise([[1, 2, 3], [4, 5, 6]])
        }
        #expect(throws: LinearAssignmentError(description: "cost[1][0] is nan; every cost must be finite")) {
            try LinearAssignment.minimise([[1, 2], [.nan, 3]])
        }
    }
}
