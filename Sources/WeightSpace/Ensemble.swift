import Foundation

/// One network of an ensemble: its own parameter vector and its own batch-norm running statistics
/// (members are points in weight space; each needs statistics of its own, recomputed for it).
public struct EnsembleMember: Sendable {
    public var parameters: [Float]
    public var state: [Float]
    /// Where the member comes from, e.g. "seed 2", "SSE snapshot after epoch 4", "FGE step 120".
    public var label: String

    public init(parameters: [Float], state: [Float], label: String) {
        self.parameters = parameters
        self.state = state
        self.label = label
    }
}

/// The prediction of an ensemble: the running average of its members' **softmax probabilities**
/// (GAR `fge.py`, Snapshot Ensembles), not of their logits and not of their weights.
///
/// Contract: after members with probability matrices `P_1 … P_m` (row-major `[count, classes]`)
/// were added, `probabilities = (1/m)·Σ P_i` (accumulated in Double, rounded once to Float);
/// the ensemble's prediction for an example is the argmax of its row (the first class on ties,
/// as `SoftmaxCrossEntropy` does); `error` is the fraction of predictions ≠ label; `nll` is
/// `−mean log p_label` with p clamped below at 1e-12. With one member every value equals that
/// member's (error exactly, NLL to float rounding).
public struct EnsembleAverage: Sendable {
    public let count: Int
    public let classes: Int
    public private(set) var members = 0
    private var sum: [Double]

    public init(count: Int, classes: Int) {
        precondition(count >= 0 && classes >= 2, "an ensemble average needs count ≥ 0 and ≥ 2 classes, got \(count), \(classes)")
        self.count = count
        self.classes = classes
        sum = [Double](repeating: 0, count: count * classes)
    }

    /// Adds one member's probabilities (`[count, classes]`, each row summing to 1).
    public mutating func add(probabilities p: [Float]) {
        precondition(p.count == sum.count, "member probabilities have \(p.count) values, expected \(count)×\(classes) = \(sum.count)")
        sum.withUnsafeMutableBufferPointer { s in
            p.withUnsafeBufferPointer { q in
                for i in 0..<s.count { s[i] += Double(q[i]) }
            }
        }
        members += 1
    }

    /// The mean probabilities `[count, classes]`; all zero before the first member.
    public var probabilities: [Float] {
        let scale = members > 0 ? 1 / Double(members) : 0
        return sum.map { Float($0 * scale) }
    }

    /// The ensemble's class for each example (argmax of the summed probabilities, first on ties).
    public var predictions: [Int32] {
        (0..<count).map { Self.argmax(sum, row: $0, classes: classes) }
    }

    /// Fraction of examples whose prediction differs from `labels`, in [0, 1].
    public func error(labels: [Int32]) -> Double {
        precondition(labels.count == count, "\(labels.count) labels for \(count) examples")
        guard count > 0 else { return 0 }
        let wrong = zip(predictions, labels).filter { $0 != $1 }.count
        return Double(wrong) / Double(count)
    }

    /// `−mean log p̄_label`, the ensemble's test NLL (p̄ clamped at 1e-12).
    public func nll(labels: [Int32]) -> Double {
        precondition(labels.count == count, "\(labels.count) labels for \(count) examples")
        precondition(members > 0, "the NLL of an empty ensemble is undefined")
        guard count > 0 else { return 0 }
        var total = 0.0
        for i in 0..<count {
            total -= log(max(sum[i * classes + Int(labels[i])] / Double(members), 1e-12))
        }
        return total / Double(count)
    }

    /// The argmax of row `row` of a row-major matrix (first maximum on ties).
    public static func argmax<T: Comparable>(_ values: [T], row: Int, classes: Int) -> Int32 {
        var best = row * classes
        for j in (row * classes + 1)..<((row + 1) * classes) where values[j] > values[best] { best = j }
        return Int32(best - row * classes)
    }
}
