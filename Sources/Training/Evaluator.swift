import Datasets
import Networks

/// Loss and error of a network on a dataset; per-example probabilities when asked (ensembles).
public struct Evaluation: Sendable, Equatable {
    /// Mean softmax cross-entropy (the NLL).
    public var loss: Double
    public var correct: Int
    public var count: Int
    /// Row-major [count, classes] softmax probabilities, when requested.
    public var probabilities: [Float]?

    public var accuracy: Double { count > 0 ? Double(correct) / Double(count) : 0 }
    /// Fraction misclassified, in [0, 1].
    public var error: Double { 1 - accuracy }
}

/// Evaluates networks of one architecture on the inference path (`InferencePlan`: BN folded,
/// ReLU fused, Winograd 3 × 3 convolutions, no activations kept), reusing its plans for every call:
/// the curve, plane, ray and ensemble code evaluates hundreds of parameter vectors.
public final class Evaluator {
    public let network: Network
    public let batchSize: Int
    /// Eval-mode passes (BN folded) and BN recalibration's train-mode passes (BN as it is).
    private lazy var evaluation = network.makeInferencePlan(batchCapacity: batchSize)
    private lazy var recalibration = network.makeInferencePlan(batchCapacity: batchSize, foldsBatchNorm: false)

    public init(network: Network, batchSize: Int = 250) {
        self.network = network
        self.batchSize = batchSize
    }

    /// Eval-mode loss and error of (`parameters`, `state`) on `dataset`, in order, no augmentation.
    public func evaluate(parameters: [Float], state: [Float], on dataset: Dataset, keepProbabilities: Bool = false) -> Evaluation {
        precondition(parameters.count == network.layout.parameterCount && state.count == network.layout.stateCount,
                     "parameter/state lengths \(parameters.count)/\(state.count) do not fit \(network.model)")
        let classes = network.classes, sampleSize = dataset.shape.reduce(1, *)
        var state = state
        var probabilities = keepProbabilities ? [Float](repeating: 0, count: dataset.count * classes) : []
        var lossSum = 0.0, correct = 0
        parameters.withUnsafeBufferPointer { w in
            state.withUnsafeMutableBufferPointer { s in
                dataset.images.withUnsafeBufferPointer { x in
                    dataset.labels.withUnsafeBufferPointer { y in
                        var start = 0
                        while start < dataset.count {
                            let n = min(batchSize, dataset.count - start)
                            // One parameter vector for the whole dataset: BN is folded and Winograd's kernels transformed once.
                            let logits = network.infer(parameters: w.baseAddress!, state: s.baseAddress!,
                                                       input: x.baseAddress! + start * sampleSize, batch: n, plan: evaluation,
                                                       reusesPreparedWeights: start > 0)
                            let r = SoftmaxCrossEntropy.evaluate(logits: logits, labels: y.baseAddress! + start, batch: n,
                                                                 classes: classes, gradient: nil)
                            lossSum += Double(r.loss) * Double(n)
                            correct += r.correct
                            if keepProbabilities {
                                probabilities.withUnsafeMutableBufferPointer { p in
                                    SoftmaxCrossEntropy.probabilities(logits: logits, batch: n, classes: classes,
                                                                      output: p.baseAddress! + start * classes)
                                }
                            }
                            start += n
                        }
                    }
                }
            }
        }
        return Evaluation(loss: lossSum / Double(max(dataset.count, 1)), correct: correct, count: dataset.count,
                          probabilities: keepProbabilities ? probabilities : nil)
    }

    /// Batch-norm recalibration (GAR `update_bn`, PyTorch `swa_utils.update_bn`): reset running
    /// mean 0 / variance 1, then one train-mode pass over `dataset` in order with momentum
    /// `b/(n + b)` (n samples seen before the batch, b its size). The result is the equal-weight
    /// cumulative average of per-batch means and unbiased variances and does not depend on the old
    /// statistics. A network without BN returns `state` unchanged.
    public func recalibrateBatchNorm(parameters: [Float], state: [Float], on dataset: Dataset) -> [Float] {
        var state = state
        for entry in network.layout.state {
            let value: Float = entry.role == .runningVar ? 1 : 0
            for i in entry.range { state[i] = value }
        }
        guard network.layout.stateCount > 0 else { return state }
        let sampleSize = dataset.shape.reduce(1, *)
        parameters.withUnsafeBufferPointer { w in
            state.withUnsafeMutableBufferPointer { s in
                dataset.images.withUnsafeBufferPointer { x in
                    var seen = 0
                    while seen < dataset.count {
                        let n = min(batchSize, dataset.count - seen)
                        let momentum = Float(n) / Float(seen + n)
                        // No BN is folded here: the transformed kernels depend on the parameters only.
                        _ = network.infer(parameters: w.baseAddress!, state: s.baseAddress!, input: x.baseAddress! + seen * sampleSize,
                                          batch: n, mode: .train(momentum: momentum), plan: recalibration, reusesPreparedWeights: seen > 0)
                        seen += n
                    }
                }
            }
        }
        return state
    }
}
