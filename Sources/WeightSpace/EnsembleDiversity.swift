/// How different an ensemble's members are (Garipov et al. 2018 §6; the seed slides quote two
/// independent PreResNet-164s disagreeing on ~20 % of CIFAR-100 test predictions, two FGE members
/// on ~15 %, SSE snapshots ~40 apart in L2 and FGE members ~7).
public enum EnsembleDiversity {
    /// Fraction of examples on which two members predict different classes, in [0, 1]:
    /// 0 for identical predictions, symmetric in its arguments.
    public static func disagreement(_ a: [Int32], _ b: [Int32]) -> Double {
        precondition(a.count == b.count, "predictions of different lengths \(a.count) and \(b.count)")
        guard !a.isEmpty else { return 0 }
        return Double(zip(a, b).filter { $0 != $1 }.count) / Double(a.count)
    }

    /// The mean of `measure(i, j)` over all unordered pairs `i < j` of `n` members; nil when n < 2.
    public static func meanOverPairs(_ n: Int, _ measure: (Int, Int) -> Double) -> Double? {
        guard n >= 2 else { return nil }
        var total = 0.0
        for i in 0..<n { for j in (i + 1)..<n { total += measure(i, j) } }
        return total / Double(n * (n - 1) / 2)
    }
}

/// The diversity table's row for one group of members: mean pairwise disagreement and L2 distance
/// over all pairs, and the members' own test errors. Fractions, not percentages.
public struct DiversitySummary: Codable, Equatable, Sendable {
    public var members: Int
    /// Mean over pairs of the fraction of test predictions two members disagree on (nil for < 2 members).
    public var disagreement: Double?
    /// Mean over pairs of `‖θ_i − θ_j‖₂` (nil for < 2 members).
    public var distance: Double?
    /// Mean over members of the single member's test error.
    public var memberError: Double
    /// The best and worst single member.
    public var bestMemberError: Double
    public var worstMemberError: Double

    /// The summary of members with `predictions[i]` on the test set, parameters `parameters[i]`
    /// and test errors `errors[i]`.
    public init(predictions: [[Int32]], parameters: [[Float]], errors: [Double]) {
        precondition(!errors.isEmpty && predictions.count == errors.count && parameters.count == errors.count,
                     "diversity needs one prediction vector, parameter vector and error per member, got \(predictions.count)/\(parameters.count)/\(errors.count)")
        members = errors.count
        disagreement = EnsembleDiversity.meanOverPairs(members) { EnsembleDiversity.disagreement(predictions[$0], predictions[$1]) }
        distance = EnsembleDiversity.meanOverPairs(members) { WeightVector.accurateDistance(parameters[$0], parameters[$1]) }
        memberError = errors.reduce(0, +) / Double(errors.count)
        bestMemberError = errors.min()!
        worstMemberError = errors.max()!
    }
}
