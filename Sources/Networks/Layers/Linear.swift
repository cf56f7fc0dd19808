import Tensor

/// Fully connected layer (PyTorch `Linear`): `y = x·Wᵀ + b`.
///
/// Backward: `dW = dYᵀ·x`, `db = Σ_n dY[n, :]`, `dx = dY·W`.
final class Linear: LayerNode {
    // x: [N, in] sample-major → y: [N, out] sample-major
    let inFeatures, outFeatures: Int
    override var summary: (kind: String, detail: String) { ("linear", "\(inFeatures)→\(outFeatures)") }
    let weightOffset: Int
    let biasOffset: Int?

    init(input: Int, output: Int, inFeatures: Int, outFeatures: Int, weightOffset: Int, biasOffset: Int?) {
        self.inFeatures = inFeatures; self.outFeatures = outFeatures
        self.weightOffset = weightOffset; self.biasOffset = biasOffset
        super.init(inputs: [input], output: output)
    }

    override var multiplyAddsPerSample: Int { inFeatures * outFeatures }

    /// Small layers (the classifier heads) are not worth a second thread.
    private func workers(_ pass: Pass) -> Int { inFeatures * outFeatures * pass.batch >= 1 << 18 ? pass.workers : 1 }

    override func initialize(parameters: UnsafeMutablePointer<Float>, state: UnsafeMutablePointer<Float>,
                             scheme: InitializationScheme, rng: inout RandomGenerator) {
        Initialization.fill(weight: parameters + weightOffset, count: inFeatures * outFeatures,
                            bias: biasOffset.map { parameters + $0 }, outputs: outFeatures,
                            fanIn: inFeatures, fanOut: outFeatures, scheme: scheme == .heNormalConvolutions ? .pytorchDefault : scheme,
                            rng: &rng)
    }

    override func forward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        let n = pass.batch
        let x = pass.value(inputs[0])           // x: [N, in]
        let y = pass.value(output)              // y: [N, out]
        let w = pass.parameters + weightOffset  // W: [out, in]
        let beta: Float = biasOffset == nil ? 0 : 1
        Parallel.run(workers(pass)) { worker in
            let rows = Parallel.share(worker, of: workers(pass), n)
            guard !rows.isEmpty else { return }
            if let biasOffset {
                for i in rows { (y + i * outFeatures).update(from: pass.parameters + biasOffset, count: outFeatures) }
            }
            BLAS.gemm(transB: true, m: rows.count, n: outFeatures, k: inFeatures, a: x + rows.lowerBound * inFeatures,
                      lda: inFeatures, b: w, ldb: inFeatures, beta: beta, c: y + rows.lowerBound * outFeatures, ldc: outFeatures)
        }
    }

    override func backward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        let n = pass.batch
        let x = pass.value(inputs[0])
        let dy = pass.gradientOf(output)        // dy: [N, out]
        let w = pass.parameters + weightOffset
        let dx: UnsafeMutablePointer<Float>? = needsInputGradient[0] ? pass.gradientOf(inputs[0]) : nil
        Parallel.run(workers(pass)) { worker in
            // dW rows (output units) split between workers: no partial sums to add.
            let units = Parallel.share(worker, of: workers(pass), outFeatures)
            if !units.isEmpty {
                BLAS.gemm(transA: true, m: units.count, n: inFeatures, k: n, a: dy + units.lowerBound, lda: outFeatures,
                          b: x, ldb: inFeatures, beta: 0, c: pass.gradient + weightOffset + units.lowerBound * inFeatures,
                          ldc: inFeatures)
            }
            let rows = Parallel.share(worker, of: workers(pass), n)
            if let dx, !rows.isEmpty {
                BLAS.gemm(m: rows.count, n: inFeatures, k: outFeatures, a: dy + rows.lowerBound * outFeatures, lda: outFeatures,
                          b: w, ldb: inFeatures, beta: firstWrite[0] ? 0 : 1, c: dx + rows.lowerBound * inFeatures,
                          ldc: inFeatures)
            }
        }
        if let biasOffset {
            let db = pass.gradient + biasOffset
            db.update(repeating: 0, count: outFeatures)
            for i in 0..<n { Kernels.copy(dy + i * outFeatures, db, outFeatures, accumulate: true) }
        }
    }
}

extension LayerGraph {
    /// `name.weight [out, in]`, `name.bias [out]`; the input must be sample-major (a vector, or the
    /// network input, read as its C·H·W flattening).
    @discardableResult
    public func linear(_ x: Activation, name: String, outFeatures: Int, bias: Bool = true) -> Activation {
        let inInfo = info(x)
        precondition(inInfo.order == .sampleMajor, "linear \(name) needs a sample-major input; flatten it first")
        let inFeatures = inInfo.perSample
        let w = addTensor("\(name).weight", shape: [outFeatures, inFeatures], role: .weight)
        let b = bias ? addTensor("\(name).bias", shape: [outFeatures], role: .bias) : nil
        return append({ Linear(input: x.id, output: $0, inFeatures: inFeatures, outFeatures: outFeatures,
                               weightOffset: w, biasOffset: b) },
                      output: ActivationInfo(channels: outFeatures, height: 1, width: 1, order: .sampleMajor,
                                             requiresGradient: true),
                      hasParameters: true)
    }
}
