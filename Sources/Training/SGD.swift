/// Stochastic gradient descent with momentum, Nesterov and weight decay, PyTorch semantics:
///
///     g ← g + wd·w
///     buf ← μ·buf + g            (buf = g on the first step, as PyTorch does)
///     d ← g + μ·buf (Nesterov) or buf
///     w ← w − lr·d
///
/// The momentum buffer is part of the training state: checkpoints save it and FGE starts from it.
public struct SGD: Sendable {
    public var momentum: Float
    public var nesterov: Bool
    public var weightDecay: Float
    /// Momentum buffer, laid out like the parameters; empty until the first step.
    public var buffer: [Float]

    public init(momentum: Float = 0.9, nesterov: Bool = false, weightDecay: Float = 0, buffer: [Float] = []) {
        precondition(!nesterov || momentum > 0, "Nesterov momentum needs momentum > 0")
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.buffer = buffer
    }

    /// One update of `parameters` from `gradient` (which is read, then left modified).
    public mutating func step(parameters: inout [Float], gradient: inout [Float], learningRate: Float) {
        precondition(parameters.count == gradient.count, "gradient length \(gradient.count) ≠ parameters \(parameters.count)")
        let n = parameters.count
        let first = buffer.isEmpty
        if first && momentum != 0 { buffer = [Float](repeating: 0, count: n) }
        precondition(momentum == 0 || buffer.count == n, "momentum buffer length \(buffer.count) ≠ parameters \(n)")
        let mu = momentum, wd = weightDecay, lr = learningRate, nest = nesterov
        parameters.withUnsafeMutableBufferPointer { w in
            gradient.withUnsafeMutableBufferPointer { g in
                if mu == 0 {
                    for i in 0..<n { w[i] -= lr * (g[i] + wd * w[i]) }
                    return
                }
                buffer.withUnsafeMutableBufferPointer { b in
                    for i in 0..<n {
                        let gi = g[i] + wd * w[i]
                        let bi = first ? gi : mu * b[i] + gi
                        b[i] = bi
                        w[i] -= lr * (nest ? gi + mu * bi : bi)
                    }
                }
            }
        }
    }
}
