import Tensor

/// 2-D convolution (PyTorch `Conv2d`: cross-correlation, stride, zero padding, optional bias):
///
///     y[n, o, oh, ow] = b[o] + Σ_{c, ki, kj} W[o, c, ki, kj] · x[n, c, oh·s − p + ki, ow·s − p + kj]
///
/// Lowered to GEMM: `Y [out, N·Ho·Wo] = W [out, C·k·k] × columns [C·k·k, N·Ho·Wo]`, one GEMM per
/// chunk of samples whose column matrix stays cache-sized, written straight into the channel-major
/// output (`ldc = N·Ho·Wo`), so there is no scatter. A 1×1 stride-1 unpadded convolution of a
/// channel-major map needs no im2col at all: its input already is the column matrix.
/// Backward: `dW = dY × columnsᵀ` (accumulated over chunks), `db = Σ dY`. For dX, a stride-1
/// convolution of a channel-major map uses the transposed convolution: dX is the convolution of dY
/// (padding k−1−p) with the flipped, transposed kernel `W'[c, o, a, b] = W[o, c, k−1−a, k−1−b]`,
/// again im2col + one GEMM per chunk with a long inner dimension (out·k·k) written straight into dX;
/// otherwise `dcolumns = Wᵀ × dY` then col2im (scatter-add) into dX.
/// k × k convolutions (k > 1, stride ≤ 2) with a multiple of 8 output channels skip im2col and
/// GEMM in the forward pass, and stride-1 ones also in dX: `DirectConvolution` computes them from a
/// padded copy of each sample.
/// On a workspace whose `ConvolutionBackend` is `.fastest` or `.onednn`, the passes where oneDNN's primitives are the faster
/// (`ConvolutionBackend.runsOnOneDNN`) run on them instead.
final class Conv2d: LayerNode {
    // x: [N, C, H, W] (either order) → y: [N, out, Ho, Wo] channel-major
    let geometry: ConvGeometry
    let outChannels: Int
    let weightOffset: Int
    let biasOffset: Int?
    let inputInfo: ActivationInfo

    /// Size in floats of the column matrix of one GEMM chunk (whole samples, at least one);
    /// tuned on the 2-core machine.
    nonisolated(unsafe) static var columnBudget = 1 << 17
    /// The convolution whose im2col gives dX from dY (stride 1, channel-major input only).
    let transposed: ConvGeometry?
    /// The forward pass and the dX of `transposed` without im2col, where they qualify.
    let direct: DirectConvolution?
    let directTransposed: DirectConvolution?

    init(input: Int, inputInfo: ActivationInfo, output: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int,
         weightOffset: Int, biasOffset: Int?) {
        geometry = ConvGeometry(channels: inputInfo.channels, height: inputInfo.height, width: inputInfo.width,
                                kernel: kernel, stride: stride, padding: padding)
        self.outChannels = outChannels
        self.weightOffset = weightOffset
        self.biasOffset = biasOffset
        self.inputInfo = inputInfo
        let g = geometry
        let pointwise = kernel == 1 && stride == 1 && padding == 0 && inputInfo.order == .channelMajor
        transposed = stride == 1 && padding <= kernel - 1 && inputInfo.order == .channelMajor && !pointwise
            ? ConvGeometry(channels: outChannels, height: g.outHeight, width: g.outWidth, kernel: kernel, stride: 1,
                           padding: kernel - 1 - padding)
            : nil
        direct = !pointwise && DirectConvolution.supports(g, outChannels: outChannels)
            ? DirectConvolution(g, outChannels: outChannels) : nil
        directTransposed = transposed.flatMap {
            DirectConvolution.supports($0, outChannels: g.channels) ? DirectConvolution($0, outChannels: g.channels) : nil
        }
        super.init(inputs: [input], output: output)
    }

    var isPointwise: Bool {
        geometry.kernel == 1 && geometry.stride == 1 && geometry.padding == 0 && inputInfo.order == .channelMajor
    }
    var weightCount: Int { outChannels * geometry.rows }
    override var summary: (kind: String, detail: String) { summary(convolutions: .engine) }
    /// "16→32 3×3/2 at 28×28, direct" or, where the passes run on different code, "…, forward direct, backward oneDNN".
    override func summary(convolutions: ConvolutionBackend) -> (kind: String, detail: String) {
        let g = geometry, own = direct != nil ? "direct" : isPointwise ? "gemm" : "im2col+gemm"
        let forward = convolutions.runsOnOneDNN(.forward, g, outChannels: outChannels, pointwise: isPointwise) ? "oneDNN" : own
        let backward = convolutions.runsOnOneDNN(.backward, g, outChannels: outChannels, pointwise: isPointwise) ? "oneDNN" : own
        let path = forward == backward ? forward : "forward \(forward), backward \(backward)"
        return ("conv", "\(g.channels)→\(outChannels) \(g.kernel)×\(g.kernel)/\(g.stride) at \(g.height)×\(g.width), \(path)")
    }
    override var multiplyAddsPerSample: Int { weightCount * geometry.outSpatial }

    static func chunkSamples(_ g: ConvGeometry, batch: Int) -> Int {
        min(batch, max(1, columnBudget / (g.rows * g.outSpatial)))
    }
    override func columnCount(batch: Int) -> Int {
        if isPointwise { return 0 }
        let forward = geometry.rows * Self.chunkSamples(geometry, batch: batch) * geometry.outSpatial
        let weightGradient = direct.map { $0.computesWeightGradient ? max($0.weightGradientFloatsPerSample, Self.columnBudget) : 0 }
        let directs = max(direct?.scratchCount ?? 0, directTransposed?.scratchCount ?? 0, weightGradient ?? 0)
        guard let t = transposed, directTransposed == nil else { return max(forward, directs) }
        return max(forward, directs, t.rows * Self.chunkSamples(t, batch: batch) * t.outSpatial)
    }
    // scratch: the flipped, transposed kernel W' [C, out, k, k] (stride-1 dX), then one partial dW
    // [out, C, k, k] per worker beyond the first
    private var flippedCount: Int { transposed == nil ? 0 : weightCount }
    override func scratchCount(batch: Int, workers: Int) -> Int { flippedCount + (workers - 1) * weightCount }

    override func initialize(parameters: UnsafeMutablePointer<Float>, state: UnsafeMutablePointer<Float>,
                             scheme: InitializationScheme, rng: inout RandomGenerator) {
        let k2 = geometry.kernel * geometry.kernel
        Initialization.fill(weight: parameters + weightOffset, count: weightCount, bias: biasOffset.map { parameters + $0 },
                            outputs: outChannels, fanIn: geometry.channels * k2, fanOut: outChannels * k2,
                            scheme: scheme, rng: &rng)
    }

    /// Calls `body(first, count)` for consecutive chunks of `samples` whose column matrices fit the budget.
    @inline(__always)
    private func chunks(_ g: ConvGeometry, _ samples: Range<Int>, batch: Int, _ body: (Int, Int) -> Void) {
        let chunk = Self.chunkSamples(g, batch: batch)
        var n0 = samples.lowerBound
        while n0 < samples.upperBound {
            let count = min(chunk, samples.upperBound - n0)
            body(n0, count)
            n0 += count
        }
    }

    override func forward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        forward(pass, y: pass.value(output), weights: pass.parameters + weightOffset, bias: biasOffset.map { pass.parameters + $0 })
    }

    /// y = W ⋆ x (+ bias) into `y` `[out, N, Ho, Wo]`, with the given kernel `[out, C, k, k]` and
    /// bias; with `relu` the direct kernel rectifies as it writes, oneDNN by a post-op. With
    /// `accumulate` (the inference path's residual add) the result is added to `y` by the engine's
    /// own kernels, never oneDNN's; im2col + GEMM then takes no bias. Returns what it left undone
    /// (im2col + GEMM rectifies nothing). `blocked` maps are in oneDNN's blocked layout: oneDNN must
    /// run the layer. `inputAffine` (the direct kernel only) maps the input, `input` if given
    /// (an input of the same shape and order as the layer's), as it is copied in.
    @discardableResult
    func forward(_ pass: Pass, y: UnsafeMutablePointer<Float>, weights w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                 relu: Bool = false, accumulate: Bool = false, blocked: BlockedMaps = .none,
                 inputAffine: InputAffine? = nil, input: UnsafePointer<Float>? = nil) -> (biased: Bool, rectified: Bool) {
        precondition(!accumulate || (!relu && (bias == nil || direct != nil)), "an accumulating convolution neither rectifies nor, on GEMM, adds a bias")
        precondition(inputAffine == nil || (direct != nil && geometry.stride == 1), "an input map needs the stride-1 direct kernel")
        let n = pass.batch, s = geometry.outSpatial, ld = n * s, rows = geometry.rows
        let x = input ?? UnsafePointer(pass.value(inputs[0]))          // x: [N, C, H, W] or [C, N, H, W]
        let strides = inputInfo.strides(batch: n)
        let beta: Float = bias == nil && !accumulate ? 0 : 1
        if !accumulate, inputAffine == nil, pass.workspace.convolutions.runsOnOneDNN(.forward, geometry, outChannels: outChannels, pointwise: isPointwise),
           let onednn = pass.workspace.oneDNN,
           let fast = onednn.convolutions(for: self, batch: n, workers: pass.workers, training: false, bias: bias != nil, relu: relu,
                                          blocked: blocked) {
            let inputSample = blocked.input ? geometry.channels * geometry.height * geometry.width : strides.sample
            let outputSample = blocked.output ? outChannels * s : s
            Parallel.run(pass.workers) { worker in
                let samples = Parallel.share(worker, of: pass.workers, n)
                guard let c = fast[worker] else { return }
                c.forward(x: x + samples.lowerBound * inputSample, weights: w, bias: bias,
                          y: y + samples.lowerBound * outputSample, arena: onednn.arena(worker))
            }
            return (true, true)
        }
        precondition(blocked == .none, "conv \(geometry.channels)→\(outChannels): a map in oneDNN's blocked layout, but oneDNN does not run the layer")
        Parallel.run(pass.workers) { worker in
            let samples = Parallel.share(worker, of: pass.workers, n)
            guard !samples.isEmpty else { return }
            let first = samples.lowerBound * s, width = samples.count * s
            if let direct {
                direct.run(x, channelStride: strides.channel, sampleStride: strides.sample, weights: w,
                           bias: bias, y: y, batch: n, samples: samples, accumulate: accumulate, relu: relu, inputAffine: inputAffine,
                           scratch: pass.columns(worker))
                return
            }
            if let bias {
                for o in 0..<outChannels { (y + o * ld + first).update(repeating: bias[o], count: width) }
            }
            if isPointwise {
                BLAS.gemm(m: outChannels, n: width, k: rows, a: w, lda: rows, b: x + first, ldb: ld, beta: beta,
                          c: y + first, ldc: ld)
                return
            }
            let cols = pass.columns(worker)
            chunks(geometry, samples, batch: n) { n0, count in
                geometry.im2col(x, channelStride: strides.channel, sampleStride: strides.sample, n0: n0, count: count, columns: cols)
                BLAS.gemm(m: outChannels, n: count * s, k: rows, a: w, lda: rows, b: cols, ldb: count * s,
                          beta: beta, c: y + n0 * s, ldc: ld)
            }
        }
        return (true, !relu || direct != nil)
    }

    override func backward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        let n = pass.batch, s = geometry.outSpatial, ld = n * s, rows = geometry.rows
        let x = pass.value(inputs[0])
        let dy = pass.gradientOf(output)           // dy: [out, N, Ho, Wo]
        let w = pass.parameters + weightOffset
        let dw = pass.gradient + weightOffset      // dW: [out, C, k, k]
        let dx: UnsafeMutablePointer<Float>? = needsInputGradient[0] ? pass.gradientOf(inputs[0]) : nil
        if let biasOffset {
            Parallel.run(pass.workers) { worker in
                for o in Parallel.share(worker, of: pass.workers, outChannels) {
                    pass.gradient[biasOffset + o] = Float(Kernels.sum(dy + o * ld, ld))
                }
            }
        }
        let strides = inputInfo.strides(batch: n), partials = scratch + flippedCount
        if pass.workspace.convolutions.runsOnOneDNN(.backward, geometry, outChannels: outChannels, pointwise: isPointwise),
           let onednn = pass.workspace.oneDNN,
           let fast = onednn.convolutions(for: self, batch: n, workers: pass.workers, training: true) {
            Parallel.run(pass.workers) { worker in
                let samples = Parallel.share(worker, of: pass.workers, n)
                let target = worker == 0 ? dw : partials + (worker - 1) * weightCount
                guard let c = fast[worker] else { target.update(repeating: 0, count: weightCount); return }
                c.backward(x: x + samples.lowerBound * strides.sample, weights: w, dy: dy + samples.lowerBound * s, dw: target,
                           dx: dx.map { $0 + samples.lowerBound * strides.sample }, accumulate: !firstWrite[0],
                           arena: onednn.arena(worker))
            }
            for worker in 1..<max(pass.workers, 1) { BLAS.axpy(weightCount, alpha: 1, x: partials + (worker - 1) * weightCount, y: dw) }
            return
        }
        let scatter = !isPointwise && transposed == nil
        Parallel.run(pass.workers) { worker in
            let samples = Parallel.share(worker, of: pass.workers, n)
            let target = worker == 0 ? dw : partials + (worker - 1) * weightCount
            guard !samples.isEmpty else { target.update(repeating: 0, count: weightCount); return }
            let first = samples.lowerBound * s, width = samples.count * s
            if isPointwise {
                BLAS.gemm(transB: true, m: outChannels, n: rows, k: width, a: dy + first, lda: ld, b: x + first, ldb: ld,
                          beta: 0, c: target, ldc: rows)
                if let dx {
                    BLAS.gemm(transA: true, m: rows, n: width, k: outChannels, a: w, lda: rows, b: dy + first, ldb: ld,
                              beta: firstWrite[0] ? 0 : 1, c: dx + first, ldc: ld)
                }
                return
            }
            let cols = pass.columns(worker)
            if let direct, direct.computesWeightGradient, !(scatter && dx != nil) {
                direct.weightGradient(x, channelStride: strides.channel, sampleStride: strides.sample, dy: dy, batch: n,
                                      samples: samples, dw: target, scratch: cols, budget: Self.columnBudget)
                return
            }
            chunks(geometry, samples, batch: n) { n0, count in
                let width = count * s
                geometry.im2col(x, channelStride: strides.channel, sampleStride: strides.sample, n0: n0, count: count, columns: cols)
                BLAS.gemm(transB: true, m: outChannels, n: rows, k: width, a: dy + n0 * s, lda: ld, b: cols, ldb: width,
                          beta: n0 == samples.lowerBound ? 0 : 1, c: target, ldc: rows)
                if scatter, let dx {
                    BLAS.gemm(transA: true, m: rows, n: width, k: outChannels, a: w, lda: rows, b: dy + n0 * s, ldb: ld,
                              beta: 0, c: cols, ldc: width)
                    geometry.col2im(cols, dx: dx, channelStride: strides.channel, sampleStride: strides.sample,
                                    n0: n0, count: count, accumulate: !firstWrite[0])
                }
            }
        }
        for worker in 1..<max(pass.workers, 1) { BLAS.axpy(weightCount, alpha: 1, x: partials + (worker - 1) * weightCount, y: dw) }
        if let t = transposed, let dx { transposedConvolution(t, pass, dy: dy, dx: dx, flipped: scratch) }
    }

    /// dX [C, N, H, W] (=|+=) W' ⋆ dY, with W'[c, o, a, b] = W[o, c, k−1−a, k−1−b] and padding k−1−p.
    private func transposedConvolution(_ t: ConvGeometry, _ pass: Pass, dy: UnsafePointer<Float>,
                                       dx: UnsafeMutablePointer<Float>, flipped: UnsafeMutablePointer<Float>) {
        let k = geometry.kernel, c = geometry.channels, k2 = k * k, n = pass.batch
        let w = pass.parameters + weightOffset
        for o in 0..<outChannels {
            for ch in 0..<c {
                let src = w + (o * c + ch) * k2, dst = flipped + (ch * outChannels + o) * k2
                for a in 0..<k2 { dst[a] = src[k2 - 1 - a] }
            }
        }
        let s = t.outSpatial, ld = n * s, rows = t.rows, plane = t.height * t.width
        let beta: Float = firstWrite[0] ? 0 : 1
        Parallel.run(pass.workers) { worker in
            let cols = pass.columns(worker)
            if let directTransposed {
                directTransposed.run(dy, channelStride: n * plane, sampleStride: plane, weights: flipped, bias: nil, y: dx, batch: n,
                                     samples: Parallel.share(worker, of: pass.workers, n), accumulate: !firstWrite[0],
                                     scratch: cols)
                return
            }
            chunks(t, Parallel.share(worker, of: pass.workers, n), batch: n) { n0, count in
                t.im2col(dy, channelStride: n * plane, sampleStride: plane, n0: n0, count: count, columns: cols)
                BLAS.gemm(m: c, n: count * s, k: rows, a: flipped, lda: rows, b: cols, ldb: count * s,
                          beta: beta, c: dx + n0 * s, ldc: ld)
            }
        }
    }
}

extension LayerGraph {
    /// `name.weight [out, C, k, k]` (+ `name.bias [out]`); output is channel-major `[out, Ho, Wo]`.
    @discardableResult
    public func conv2d(_ x: Activation, name: String, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                       bias: Bool = true) -> Activation {
        let inInfo = info(x)
        let w = addTensor("\(name).weight", shape: [outChannels, inInfo.channels, kernel, kernel], role: .weight)
        let b = bias ? addTensor("\(name).bias", shape: [outChannels], role: .bias) : nil
        let node = { (out: Int) in
            Conv2d(input: x.id, inputInfo: inInfo, output: out, outChannels: outChannels, kernel: kernel, stride: stride,
                   padding: padding, weightOffset: w, biasOffset: b)
        }
        let g = ConvGeometry(channels: inInfo.channels, height: inInfo.height, width: inInfo.width,
                             kernel: kernel, stride: stride, padding: padding)
        return append(node, output: ActivationInfo(channels: outChannels, height: g.outHeight, width: g.outWidth,
                                                   order: .channelMajor, requiresGradient: true), hasParameters: true)
    }
}
