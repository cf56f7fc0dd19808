import Tensor

/// Batch normalisation over all axes but the channel (PyTorch `BatchNorm1d` on `[N, C]`,
/// `BatchNorm2d` on `[N, C, H, W]`), optionally fused with the ReLU that follows it:
///
///     y = γ·x̂ + β,   x̂ = (x − μ)/√(σ² + ε),   ε = 1e-5        (then max(y, 0) if fused)
///
/// Train mode: μ, σ² are the batch mean and BIASED variance over the M = N·H·W values of a
/// channel; the running statistics become `r ← (1 − m)·r + m·stat` with the UNBIASED variance
/// `σ²·M/(M − 1)`. Eval mode: μ, σ² are the running statistics.
///
/// Backward, with g = dL/dy (masked by y > 0 when fused, the mask recomputed from x): `dβ = Σ g`, `dγ = Σ g·x̂`, and
/// train: `dx = γ/√(σ²+ε) · (g − dβ/M − x̂·dγ/M)`; eval: `dx = γ/√(σ²+ε) · g`.
final class BatchNorm: LayerNode {
    // x: [N, C, H, W] or [N, C] (either order) → y: same shape and order
    let info: ActivationInfo
    let relu: Bool
    override var summary: (kind: String, detail: String) { (relu ? "batchnorm+relu" : "batchnorm", "") }
    let gammaOffset, betaOffset, meanOffset, varianceOffset: Int
    static let epsilon: Float = 1e-5

    init(input: Int, info: ActivationInfo, output: Int, relu: Bool, offsets: (Int, Int, Int, Int)) {
        self.info = info
        self.relu = relu
        (gammaOffset, betaOffset, meanOffset, varianceOffset) = offsets
        super.init(inputs: [input], output: output)
    }

    // scratch: mean [C], 1/√(σ² + ε) [C] of the last forward
    override func scratchCount(batch: Int, workers: Int) -> Int { 2 * info.channels }

    override func initialize(parameters: UnsafeMutablePointer<Float>, state: UnsafeMutablePointer<Float>,
                             scheme: InitializationScheme, rng: inout RandomGenerator) {
        let c = info.channels
        (parameters + gammaOffset).update(repeating: 1, count: c)
        (parameters + betaOffset).update(repeating: 0, count: c)
        (state + meanOffset).update(repeating: 0, count: c)
        (state + varianceOffset).update(repeating: 1, count: c)
    }

    /// Channel `c` is `segments` runs of `length` contiguous floats, `step` apart, from `start`.
    @inline(__always)
    private func runs(channel c: Int, batch n: Int) -> (start: Int, segments: Int, length: Int, step: Int) {
        switch info.order {
        case .channelMajor: return (c * n * info.spatial, 1, n * info.spatial, 0)
        case .sampleMajor: return (c * info.spatial, n, info.spatial, info.perSample)
        }
    }

    override func forward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        let n = pass.batch, channels = info.channels, count = n * info.spatial
        let x = pass.value(inputs[0]), y = pass.value(output)
        let mean = scratch, invStd = scratch + channels
        let gamma = pass.parameters + gammaOffset, beta = pass.parameters + betaOffset
        let runningMean = pass.state! + meanOffset, runningVar = pass.state! + varianceOffset
        if case .train = pass.mode {
            precondition(count > 1, "BatchNorm in train mode needs more than 1 value per channel, got \(count)")
        }
        let frozen = relu ? pass.workspace.activationMasks : nil
        let masks = frozen.map { $0.buffer(output, perSample: info.perSample) }, imposing = frozen?.mode == .impose
        Parallel.run(pass.workers) { worker in for c in Parallel.share(worker, of: pass.workers, channels) {
            let r = runs(channel: c, batch: n)
            switch pass.mode {
            case .eval:
                mean[c] = runningMean[c]
                invStd[c] = 1 / (runningVar[c] + Self.epsilon).squareRoot()
            case .train(let momentum):
                var s = 0.0
                for j in 0..<r.segments { s += Kernels.sum(x + r.start + j * r.step, r.length) }
                let mu = Float(s / Double(count))
                var q = 0.0
                for j in 0..<r.segments { q += Kernels.sumSquaredDeviations(x + r.start + j * r.step, r.length, mean: mu) }
                let biased = q / Double(count), unbiased = q / Double(count - 1)
                mean[c] = mu
                invStd[c] = Float(1 / (biased + Double(Self.epsilon)).squareRoot())
                runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mu
                runningVar[c] = (1 - momentum) * runningVar[c] + momentum * Float(unbiased)
            }
            let a = gamma[c] * invStd[c], b = beta[c] - a * mean[c]
            for j in 0..<r.segments {
                let o = r.start + j * r.step
                if let m = masks {
                    // Frozen rectifier: record [y > 0], or impose the recorded mask on the affine map.
                    Kernels.affine(x + o, y + o, r.length, a: a, b: b, relu: imposing ? false : relu)
                    if imposing { ActivationMasks.impose(y + o, m + o, into: y + o, r.length) } else { ActivationMasks.record(y + o, into: m + o, r.length) }
                } else {
                    Kernels.affine(x + o, y + o, r.length, a: a, b: b, relu: relu)
                }
            }
        } }
    }

    override func backward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        let n = pass.batch, channels = info.channels, count = Float(n * info.spatial)
        let x = pass.value(inputs[0]), dy = pass.gradientOf(output)
        let mean = scratch, invStd = scratch + channels
        let gamma = pass.parameters + gammaOffset, beta = pass.parameters + betaOffset
        let dGamma = pass.gradient + gammaOffset, dBeta = pass.gradient + betaOffset
        let dx: UnsafeMutablePointer<Float>? = needsInputGradient[0] ? pass.gradientOf(inputs[0]) : nil
        let training = pass.mode != .eval
        // A frozen rectifier's mask is applied to dy first (in place: this BN is its last reader); then no ReLU.
        let frozen = relu ? pass.workspace.activationMasks.flatMap { $0.mode == .impose ? $0.buffer(output, perSample: info.perSample) : nil } : nil
        if let frozen {
            precondition(pass.workspace.graph.gradientAlias[output] == nil && !pass.workspace.graph.gradientAlias.values.contains(output),
                         "a frozen BN + ReLU's output gradient must be its own buffer")
            ActivationMasks.impose(dy, frozen, into: dy, n * info.perSample)
        }
        Parallel.run(pass.workers) { worker in for c in Parallel.share(worker, of: pass.workers, channels) {
            let r = runs(channel: c, batch: n)
            // The ReLU mask is recomputed from x with the forward pass's affine (a, b): y is not read.
            let a = gamma[c] * invStd[c], b = beta[c] - a * mean[c]
            let mask: (a: Float, b: Float)? = relu && frozen == nil ? (a, b) : nil
            var sg = 0.0, sgx = 0.0
            for j in 0..<r.segments {
                let o = r.start + j * r.step
                let (g, gx) = Kernels.maskedSums(dy: dy + o, x: x + o, r.length, mean: mean[c], relu: mask)
                sg += g; sgx += gx
            }
            let db = Float(sg), dg = Float(sgx) * invStd[c]   // dγ = Σ g·x̂
            dBeta[c] = db
            dGamma[c] = dg
            guard let dx else { continue }
            // dx = k1·g + k2·x + k3
            let k1 = gamma[c] * invStd[c]
            var k2: Float = 0, k3: Float = 0
            if training {
                k2 = -k1 * invStd[c] * dg / count
                k3 = -k1 * db / count - k2 * mean[c]
            }
            for j in 0..<r.segments {
                let o = r.start + j * r.step
                Kernels.affineBackward(dy: dy + o, x: x + o, dx: dx + o, r.length, k1: k1, k2: k2, k3: k3,
                                       relu: mask, accumulate: !firstWrite[0])
            }
        } }
    }
}

extension LayerGraph {
    /// `name.weight`, `name.bias` `[C]` in θ; `name.running_mean`, `name.running_var` `[C]` in the
    /// state. With `relu: true` the ReLU after it is fused (one pass instead of two).
    @discardableResult
    public func batchNorm(_ x: Activation, name: String, relu: Bool = false) -> Activation {
        let inInfo = info(x), c = inInfo.channels
        let g = addTensor("\(name).weight", shape: [c], role: .bnWeight)
        let b = addTensor("\(name).bias", shape: [c], role: .bnBias)
        let m = addTensor("\(name).running_mean", shape: [c], role: .runningMean)
        let v = addTensor("\(name).running_var", shape: [c], role: .runningVar)
        return append({ BatchNorm(input: x.id, info: inInfo, output: $0, relu: relu, offsets: (g, b, m, v)) },
                      output: inInfo, hasParameters: true)
    }
}
