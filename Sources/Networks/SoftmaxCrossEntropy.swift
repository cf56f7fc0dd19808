#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Softmax cross-entropy over logits `[batch, classes]`, PyTorch's `F.cross_entropy` with mean reduction.
public enum SoftmaxCrossEntropy {
    /// Mean cross-entropy over the batch, computed stably per row as
    /// `log Σ_j exp(z_j − max z) + max z − z_label` (finite for any finite logits, however large),
    /// summed in Double. If `gradient` is non-nil it receives dL/dlogits = (softmax − onehot)/batch.
    /// `correct` counts rows whose first argmax equals the label. Labels must lie in `0..<classes`.
    public static func evaluate(logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int, classes: Int,
                                gradient: UnsafeMutablePointer<Float>?) -> (loss: Float, correct: Int) {
        precondition(batch > 0 && classes > 0, "batch \(batch) and classes \(classes) must be positive")
        var total = 0.0, correct = 0
        let invBatch = 1 / Float(batch)
        for i in 0..<batch {
            let z = logits + i * classes, label = Int(labels[i])
            precondition(label >= 0 && label < classes, "label \(label) of row \(i) outside 0..<\(classes)")
            var maxValue = z[0], arg = 0
            for j in 1..<classes where z[j] > maxValue { maxValue = z[j]; arg = j }
            if arg == label { correct += 1 }
            var sum: Float = 0
            for j in 0..<classes { sum += expf(z[j] - maxValue) }
            total += Double(logf(sum)) + (Double(maxValue) - Double(z[label]))
            if let gradient {
                let g = gradient + i * classes, scale = invBatch / sum
                for j in 0..<classes { g[j] = expf(z[j] - maxValue) * scale }
                g[label] -= invBatch
            }
        }
        return (Float(total / Double(batch)), correct)
    }

    /// Row-wise softmax probabilities of `logits` `[batch, classes]` into `output` (may equal `logits`).
    public static func probabilities(logits: UnsafePointer<Float>, batch: Int, classes: Int,
                                     output: UnsafeMutablePointer<Float>) {
        for i in 0..<batch {
            let z = logits + i * classes, p = output + i * classes
            var maxValue = z[0]
            for j in 1..<classes where z[j] > maxValue { maxValue = z[j] }
            var sum: Float = 0
            for j in 0..<classes { let e = expf(z[j] - maxValue); p[j] = e; sum += e }
            let inv = 1 / sum
            for j in 0..<classes { p[j] *= inv }
        }
    }
}
