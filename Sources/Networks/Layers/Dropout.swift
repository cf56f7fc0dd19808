/// Inverted dropout (PyTorch `nn.Dropout(p)`): in a train-mode pass each element is kept with
/// probability `1 − p` and scaled by `1/(1 − p)`, or zeroed; in eval mode (and with `p = 0`) it is
/// the identity. Backward multiplies `dy` by the same mask.
///
/// The mask is a counter-based hash of the workspace's `dropoutSeed`, this operation's salt and
/// the element's index: a pass is reproducible from its seed (the training loop draws one per step
/// from its generator), backward recomputes the mask instead of storing it, and workers need no
/// shared generator.
final class Dropout: LayerNode {
    // x: any shape and order → y: same
    let count: Int
    let probability: Float
    /// Distinguishes this operation's masks from another dropout's in the same pass.
    let salt: UInt64
    override var summary: (kind: String, detail: String) { ("dropout", "p = \(probability)") }

    init(input: Int, output: Int, perSample: Int, probability: Float, salt: UInt64) {
        count = perSample
        self.probability = probability
        self.salt = salt
        super.init(inputs: [input], output: output)
    }

    /// Whether a pass in `mode` on `workspace` drops anything.
    func active(_ pass: Pass) -> Bool {
        if case .train = pass.mode { return probability > 0 && pass.workspace.dropoutEnabled }
        return false
    }

    /// 1/(1 − p) where element `i` is kept, 0 where it is dropped.
    @inline(__always)
    static func factor(seed: UInt64, salt: UInt64, index: Int, probability: Float) -> Float {
        var z = seed &+ salt &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let u = Float(z >> 40) * 0x1p-24
        return u < probability ? 0 : 1 / (1 - probability)
    }

    override func forward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        mask(pass.value(inputs[0]), into: pass.value(output), pass, accumulate: false)
    }

    override func backward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        guard needsInputGradient[0] else { return }
        mask(pass.gradientOf(output), into: pass.gradientOf(inputs[0]), pass, accumulate: !firstWrite[0])
    }

    /// `to = from ⊙ mask` (added to `to` with `accumulate`): the forward on values, the backward on
    /// gradients; a copy when the pass drops nothing.
    private func mask(_ from: UnsafePointer<Float>, into to: UnsafeMutablePointer<Float>, _ pass: Pass, accumulate: Bool) {
        let n = count * pass.batch
        guard active(pass) else {
            Kernels.copy(from, to, n, accumulate: accumulate)
            return
        }
        let seed = pass.workspace.dropoutSeed, p = probability, salt = salt
        Parallel.run(pass.workers) { worker in
            for i in Parallel.share(worker, of: pass.workers, n) {
                let v = from[i] * Self.factor(seed: seed, salt: salt, index: i, probability: p)
                to[i] = accumulate ? to[i] + v : v
            }
        }
    }
}

extension LayerGraph {
    /// `nn.Dropout(p)` (no tensors); masks drawn per train-mode pass from the workspace's `dropoutSeed`.
    @discardableResult
    public func dropout(_ x: Activation, probability: Float) -> Activation {
        precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1), got \(probability)")
        let i = info(x), salt = UInt64(nodes.count + 1)
        return append({ Dropout(input: x.id, output: $0, perSample: i.perSample, probability: probability, salt: salt) },
                      output: i, hasParameters: false)
    }

    /// Whether any operation drops activations in training (the training loop then draws a seed per step).
    public var hasDropout: Bool { nodes.contains { ($0 as? Dropout).map { $0.probability > 0 } ?? false } }
}
