import Tensor

/// One convolution of an `InferencePlan`, with the BN it took in (if any) and that BN's ReLU, the
/// BN of its input it applies as it copies the input in (if any), and the residual it adds itself
/// into (if any).
final class InferenceConvolution {
    let conv: Conv2d
    /// The convolution's index among the graph's operations.
    let index: Int
    let batchNorm: BatchNorm?
    /// The activation whose buffer it adds into, and the index of the Add it replaces.
    let residual: Int?, addIndex: Int?
    /// The activation it writes: the Add's output when it adds into a residual, else the BN's
    /// output when it took one in.
    let output: Int
    let winograd: WinogradConvolution?
    /// Its maps that stay in oneDNN's blocked layout (set by the plan, for a oneDNN layer).
    var blocked = BlockedMaps.none
    /// Its maps that stay position-major between channels-last Winograd layers (set by the plan).
    var positionMajor = PositionMajorMaps.none
    /// The eval-mode BN (and ReLU) whose output only this convolution reads, applied as it copies
    /// that BN's input in (set by the plan, for a stride-1 direct or Winograd layer).
    var inputBatchNorm: BatchNorm?
    /// That BN's per-channel scale and shift.
    private let inputScale: UnsafeMutablePointer<Float>, inputShift: UnsafeMutablePointer<Float>
    /// Folded kernel and bias (with a BN), and Winograd's transformed kernel.
    private let weights: UnsafeMutablePointer<Float>
    private let bias: UnsafeMutablePointer<Float>
    private let transformed: UnsafeMutablePointer<Float>

    /// `winograd` forces Winograd's variant (where it applies; the tests), else `WinogradConvolution.variant(for:)`
    /// chooses; without `usesWinograd`, none.
    init(_ conv: Conv2d, index: Int, batchNorm: BatchNorm?, residual: (add: Add, index: Int, input: Int)? = nil,
         usesWinograd: Bool = true, winograd forced: WinogradVariant? = nil) {
        self.conv = conv
        self.index = index
        self.batchNorm = batchNorm
        self.residual = residual?.input
        addIndex = residual?.index
        output = residual?.add.output ?? batchNorm?.output ?? conv.output
        winograd = !usesWinograd ? nil : WinogradConvolution.variant(for: conv.geometry, outChannels: conv.outChannels, forced: forced)
            .map { WinogradConvolution(conv.geometry, outChannels: conv.outChannels, variant: $0) }
        weights = .allocate(capacity: batchNorm == nil ? 1 : conv.weightCount)
        bias = .allocate(capacity: conv.outChannels)
        transformed = .allocate(capacity: winograd?.transformedWeightCount ?? 1)
        inputScale = .allocate(capacity: conv.geometry.channels)
        inputShift = .allocate(capacity: conv.geometry.channels)
    }

    deinit {
        for p in [weights, bias, transformed, inputScale, inputShift] { p.deallocate() }
    }

    /// The activation it reads: its input BN's input when it applies that BN.
    var input: Int { inputBatchNorm?.inputs[0] ?? conv.inputs[0] }

    var relu: Bool { batchNorm?.relu ?? false }

    /// Whether the engine's direct kernel computes it.
    func runsDirect(_ convolutions: ConvolutionBackend) -> Bool {
        winograd == nil && conv.direct != nil && blocked == .none
            && !convolutions.runsOnOneDNN(.forward, conv.geometry, outChannels: conv.outChannels, pointwise: conv.isPointwise)
    }

    /// Whether oneDNN computes it (not Winograd, no residual to add into).
    func runsOnOneDNN(_ convolutions: ConvolutionBackend) -> Bool {
        winograd == nil && residual == nil
            && convolutions.runsOnOneDNN(.forward, conv.geometry, outChannels: conv.outChannels, pointwise: conv.isPointwise)
    }

    /// W' = a·W, b' = a·(b − μ) + β with a = γ/√(σ² + ε) per output channel.
    private func fold(_ bn: BatchNorm, _ pass: Pass) {
        let rows = conv.geometry.rows, p = pass.parameters, state = pass.state!
        for o in 0..<conv.outChannels {
            let a = p[bn.gammaOffset + o] / (state[bn.varianceOffset + o] + BatchNorm.epsilon).squareRoot()
            let b = conv.biasOffset.map { p[$0 + o] } ?? 0
            bias[o] = a * (b - state[bn.meanOffset + o]) + p[bn.betaOffset + o]
            let from = p + conv.weightOffset + o * rows, to = weights + o * rows
            for r in 0..<rows { to[r] = a * from[r] }
        }
    }

    /// The kernel and bias it runs with: folded with its BN (anew when `prepares`), else the parameters'.
    func prepared(_ pass: Pass, prepares: Bool) -> (kernel: UnsafePointer<Float>, shift: UnsafePointer<Float>?) {
        guard let batchNorm else { return (pass.parameters + conv.weightOffset, conv.biasOffset.map { pass.parameters + $0 }) }
        if prepares { fold(batchNorm, pass) }
        return (UnsafePointer(weights), UnsafePointer(bias))
    }

    /// The input BN's map, `max?(a·x + b, 0)` with `BatchNorm`'s eval-mode arithmetic (anew when `prepares`).
    func inputAffine(_ pass: Pass, prepares: Bool) -> InputAffine? {
        guard let bn = inputBatchNorm else { return nil }
        if prepares {
            let p = pass.parameters, state = pass.state!
            for c in 0..<conv.geometry.channels {
                let invStd = 1 / (state[bn.varianceOffset + c] + BatchNorm.epsilon).squareRoot()
                let a = p[bn.gammaOffset + c] * invStd
                inputScale[c] = a
                inputShift[c] = p[bn.betaOffset + c] - a * state[bn.meanOffset + c]
            }
        }
        return InputAffine(scale: inputScale, shift: inputShift, relu: bn.relu)
    }

    /// With `prepares` false, the folded kernel and bias, Winograd's transformed kernel and the
    /// input BN's map are the previous pass's.
    func forward(_ pass: Pass, prepares: Bool, winogradScratch: [UnsafeMutablePointer<Float>], scratchCount: Int) {
        let (kernel, shift) = prepared(pass, prepares: prepares), affine = inputAffine(pass, prepares: prepares)
        let y = pass.value(output), n = pass.batch, x = UnsafePointer(pass.value(input))
        if let winograd {
            let transformed = transformed
            if prepares {
                Parallel.run(pass.workers) { worker in
                    winograd.transformWeights(kernel, into: transformed, blocks: Parallel.share(worker, of: pass.workers, conv.outChannels / 16))
                }
            }
            let strides = conv.inputInfo.strides(batch: n), relu = relu, accumulate = residual != nil
            Parallel.run(pass.workers) { worker in
                winograd.run(x, channelStride: strides.channel, sampleStride: strides.sample, transformed: transformed, bias: shift,
                             relu: relu, accumulate: accumulate, blocked: blocked, positionMajor: positionMajor,
                             inputAffine: affine, y: y, batch: n,
                             samples: Parallel.share(worker, of: pass.workers, n),
                             scratch: winogradScratch[worker], scratchCount: scratchCount)
            }
            return
        }
        let done = conv.forward(pass, y: y, weights: kernel, bias: shift, relu: relu, accumulate: residual != nil, blocked: blocked,
                                inputAffine: affine, input: x)
        let leftBias = done.biased ? nil : shift, rectify = !done.rectified
        guard leftBias != nil || rectify else { return }
        let plane = n * conv.geometry.outSpatial
        Parallel.run(pass.workers) { worker in
            for o in Parallel.share(worker, of: pass.workers, conv.outChannels) {
                Kernels.affine(y + o * plane, y + o * plane, plane, a: 1, b: leftBias?[o] ?? 0, relu: rectify)
            }
        }
    }
}

/// Direct convolutions of an `InferencePlan` each of whose outputs (after its folded BN) only the
/// next one reads, run one sample at a time by `DirectChain`: the maps between them are never
/// written for the whole batch.
final class InferenceChain {
    let members: [InferenceConvolution]
    let direct: DirectChain

    init(_ members: [InferenceConvolution]) {
        self.members = members
        direct = DirectChain(members.map { $0.conv.direct! })
    }

    func forward(_ pass: Pass, prepares: Bool, scratch: [UnsafeMutablePointer<Float>]) {
        let prepared = members.map { $0.prepared(pass, prepares: prepares) }
        let first = members[0].conv, last = members[members.count - 1], n = pass.batch
        let strides = first.inputInfo.strides(batch: n), x = pass.value(members[0].input), y = pass.value(last.output)
        let weights = prepared.map(\.kernel), biases = prepared.map(\.shift), relus = members.map(\.relu)
        let accumulate = last.residual != nil, direct = direct, affine = members[0].inputAffine(pass, prepares: prepares)
        Parallel.run(pass.workers) { worker in
            direct.run(x, channelStride: strides.channel, sampleStride: strides.sample, weights: weights, biases: biases, relus: relus,
                       accumulate: accumulate, inputAffine: affine, y: y, batch: n, samples: Parallel.share(worker, of: pass.workers, n),
                       scratch: scratch[worker])
        }
    }
}
