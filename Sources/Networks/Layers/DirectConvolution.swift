/// A convolution computed straight from a zero-padded copy of each sample, without an im2col
/// column matrix and without BLAS packing.
///
/// Stride 1: with the sample's `C` input planes copied into a padded buffer of row width
/// `Wp = W + 2p`, the output at flat position `q = oh·Wp + ow` is
/// `Σ_{c, a, b} W[o, c, a, b] · padded[c][q + a·Wp + b]`: one 1-D correlation per tap with a
/// constant shift. Stride s: the padded plane is split into s² phase planes
/// `phase[r·s + t][i][j] = padded[i·s + r][j·s + t]` of row width `Wq = ⌈Wp / s⌉`; tap (a, b) then
/// reads phase `(a mod s)·s + (b mod s)` at the constant shift `⌊a/s⌋·Wq + ⌊b/s⌋` from `q = oh·Wq + ow`,
/// so the same kernel applies. The kernel computes a register tile of output channels × consecutive
/// positions, sized to the vector registers. With AVX-512 (32 zmm): 8 channels × 32 positions (16
/// accumulators; each input vector load feeds 8 FMAs, each broadcast weight 2). With AVX2 (16 ymm):
/// the vectors run along the output channels instead, 16 channels (two vectors of tap-major packed
/// weights) × 6 positions, each input value broadcast to feed 2 FMAs (12 accumulators, the 10 that
/// two FMA pipes of latency 5 need to stay busy and then some; a last block of 8 channels takes 12
/// positions); the tile is written position-major and turned channel-major by 8 × 8 transposes in
/// registers. The earlier AVX2 tile, 4 channels × 16 positions along the positions, had 8
/// accumulators, too few to hide the FMA latency (tools/bench/HISTORY.md); the AVX-512 tile
/// compiled for AVX2 needs 32 ymm accumulators and spills. The AVX2 tiles loop over the weight
/// matrix's rows (c, a, b) flat, from a table of offsets: with a nested channel/tap loop LLVM spilled
/// two of the 12 accumulators. It sweeps all `Ho` rows at width `Wq`; the positions with `ow ≥ Wo` are computed and
/// dropped when the tile is written out. Every output sums its products in the same order (channel,
/// then tap) with every tile, so all give the same bits.
///
/// Used for the forward pass of k × k convolutions and for the input gradient of stride-1 ones (the
/// transposed convolution is itself a stride-1 convolution, of dY with the flipped kernel): the
/// GEMMs of these layers have only 16–64 rows, where OpenBLAS spends as long packing and im2col
/// copying as multiplying (README, Performance).
struct DirectConvolution {
    typealias V = SIMD16<Float>
    typealias H = SIMD8<Float>
    #if ENGINE_AVX512
    /// Output channels per register tile.
    static let channelBlock = 8
    /// Positions per register tile (two vectors).
    static let positionBlock = 32
    #else
    /// Output channels per register tile: 16 (two 8-lane vectors) × 6 positions, or 8 × 12 for a
    /// last block of 8; `supports` asks for a multiple of 8.
    static let channelBlock = 8
    /// Positions per row of tiles: a multiple of 6 and 12, and of the 8 lanes the dW tiles read.
    static let positionBlock = 24
    #endif

    let geometry: ConvGeometry
    let outChannels: Int
    /// Row width of a (phase) plane, `Wq = ⌈(W + 2p) / s⌉`, and output positions per sample at that
    /// width, rounded up to the tile.
    let paddedWidth: Int, paddedOutputs: Int
    /// Floats per phase plane, including the slack the last tile reads.
    let phasePlane: Int
    /// Floats per input channel in the padded buffer: s² phase planes.
    let paddedPlane: Int
    /// Per tap (a, b): its offset in a channel's padded buffer (phase plane and shift).
    let shifts: [Int]
    /// Per row (c, a, b) of the weight matrix: its tap's offset in the padded buffer, `c·paddedPlane + shifts[a·k + b]`.
    let offsets: [Int]

    /// Whether `geometry` (with `outChannels`) can be computed directly.
    static func supports(_ g: ConvGeometry, outChannels: Int) -> Bool {
        g.kernel > 1 && g.stride <= 2 && outChannels % channelBlock == 0
    }

    init(_ g: ConvGeometry, outChannels: Int) {
        precondition(Self.supports(g, outChannels: outChannels),
                     "direct convolution needs k > 1, stride ≤ 2 and a multiple of \(Self.channelBlock) out channels")
        geometry = g
        self.outChannels = outChannels
        let s = g.stride, wq = (g.width + 2 * g.padding + s - 1) / s, hq = (g.height + 2 * g.padding + s - 1) / s
        paddedWidth = wq
        paddedOutputs = (g.outHeight * wq + Self.positionBlock - 1) / Self.positionBlock * Self.positionBlock
        let reach = (g.kernel - 1) / s
        phasePlane = max(hq * wq, paddedOutputs + reach * (wq + 1))
        paddedPlane = s * s * phasePlane
        let phasePlane = phasePlane
        shifts = (0..<g.kernel).flatMap { a in
            (0..<g.kernel).map { b in ((a % s) * s + b % s) * phasePlane + (a / s) * wq + b / s }
        }
        let paddedPlane = paddedPlane, shifts = shifts
        offsets = (0..<g.channels).flatMap { c in shifts.map { c * paddedPlane + $0 } }
    }

    /// Floats of per-worker scratch: the padded planes of one sample and one output tile.
    var scratchCount: Int {
        #if ENGINE_AVX512
        geometry.channels * paddedPlane + Self.channelBlock * paddedOutputs
        #else
        geometry.channels * paddedPlane + 16 * (paddedOutputs + Self.positionBlock) + outChannels * geometry.rows
        #endif
    }

    /// y[o, n] (=|+=) W ⋆ x[n] for the samples `samples`. `x`'s element (n, c, s) is at
    /// `c·channelStride + n·sampleStride + s`; `y` is channel-major `[out, batch, Ho, Wo]`;
    /// `weights` is `[out, C, k, k]`. With `accumulate` the result (plus `bias[o]` when given) is
    /// added to `y`, otherwise it overwrites `y`.
    func run(_ x: UnsafePointer<Float>, channelStride: Int, sampleStride: Int, weights: UnsafePointer<Float>,
             bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>, batch: Int, samples: Range<Int>,
             accumulate: Bool, relu: Bool = false, inputAffine: InputAffine? = nil, scratch: UnsafeMutablePointer<Float>) {
        precondition(!(relu && accumulate), "a rectified output cannot accumulate")
        let g = geometry, c = g.channels, wq = paddedWidth
        let padded = scratch, tile = scratch + c * paddedPlane
        let outPlane = g.outSpatial, taps = g.kernel * g.kernel, k = c * taps
        // Borders and slack stay zero: only the interior is rewritten for each sample.
        padded.update(repeating: 0, count: c * paddedPlane)
        #if ENGINE_AVX512
        shifts.withUnsafeBufferPointer { shifts in
            for n in samples {
                for ch in 0..<c { pad(x + ch * channelStride + n * sampleStride, into: padded + ch * paddedPlane, affine: inputAffine, channel: ch) }
                var o0 = 0
                while o0 < outChannels {
                    var q = 0
                    while q < paddedOutputs {
                        Self.tile(padded + q, plane: paddedPlane, channels: c, shifts: shifts.baseAddress!, taps: taps,
                                  weights: weights + o0 * k, rowStride: k, out: tile + q, outStride: paddedOutputs)
                        q += Self.positionBlock
                    }
                    for i in 0..<Self.channelBlock {
                        let from = tile + i * paddedOutputs, to = y + ((o0 + i) * batch + n) * outPlane
                        let b = bias?[o0 + i]
                        for oh in 0..<g.outHeight {
                            Self.write(from + oh * wq, to: to + oh * g.outWidth, g.outWidth, bias: b, accumulate: accumulate, relu: relu)
                        }
                    }
                    o0 += Self.channelBlock
                }
            }
        }
        #else
        let packed = tile + 16 * (paddedOutputs + Self.positionBlock)
        pack(weights, into: packed)
        for n in samples {
            for ch in 0..<c { pad(x + ch * channelStride + n * sampleStride, into: padded + ch * paddedPlane, affine: inputAffine, channel: ch) }
            forEachOutputRow(padded, packed: packed, tile: tile) { o, oh, row in
                Self.write(row, to: y + (o * batch + n) * outPlane + oh * g.outWidth, g.outWidth, bias: bias?[o],
                           accumulate: accumulate, relu: relu)
            }
        }
        #endif
    }

    /// Writes one input plane (of channel `channel`, mapped by `affine` if given: stride 1 only) into
    /// its padded (phase) planes at `planes`; the zero border stays zero.
    @inline(__always) func pad(_ source: UnsafePointer<Float>, into planes: UnsafeMutablePointer<Float>, affine: InputAffine? = nil,
                               channel: Int = 0) {
        let g = geometry
        guard let affine else {
            for h in 0..<g.height { padRow(source + h * g.width, h, into: planes) }
            return
        }
        precondition(g.stride == 1, "an input map is applied by stride-1 convolutions only")
        for h in 0..<g.height {
            affine.copy(source + h * g.width, to: planes + (g.padding + h) * paddedWidth + g.padding, g.width, channel: channel)
        }
    }

    /// Writes row `h` of one input plane into its padded plane at `planes`, or with stride 2 scatters
    /// it into the 4 phase planes.
    @inline(__always) func padRow(_ row: UnsafePointer<Float>, _ h: Int, into planes: UnsafeMutablePointer<Float>) {
        let g = geometry, wq = paddedWidth, p = g.padding
        guard g.stride == 2 else {
            RowVectors.copy(row, to: planes + (p + h) * wq + p, g.width)
            return
        }
        let r = (h + p) & 1, i = (h + p) >> 1
        let even = planes + (r * 2 + (p & 1)) * phasePlane + i * wq + (p >> 1)        // columns w with (w + p) even
        let odd = planes + (r * 2 + 1 - (p & 1)) * phasePlane + i * wq + ((p + 1) >> 1)  // (w + p) odd
        Self.deinterleave(row, g.width, even: even, odd: odd)
    }

    /// Splits one row into its even columns (`even[i] = row[2i]`) and odd ones (`odd[i] = row[2i + 1]`),
    /// 16 columns per step; an even row's last step overlaps the one before (rewriting the same values).
    @inline(__always) private static func deinterleave(_ row: UnsafePointer<Float>, _ width: Int,
                                                       even: UnsafeMutablePointer<Float>, odd: UnsafeMutablePointer<Float>) {
        guard width % 2 == 0, width >= 16 else {
            var w = 0
            while w < width {
                even[w >> 1] = row[w]
                if w + 1 < width { odd[w >> 1] = row[w + 1] }
                w += 2
            }
            return
        }
        @inline(__always) func step(_ w: Int) {
            let v = load(row + w)
            storeH(v.evenHalf, even + w >> 1)
            storeH(v.oddHalf, odd + w >> 1)
        }
        var w = 0
        while w + 16 <= width { step(w); w += 16 }
        if w < width { step(width - 16) }
    }

    /// t = f + bias (rectified with `relu`), or t += f (+ bias, when given) with `accumulate`, over one output row.
    @inline(__always) static func write(_ f: UnsafePointer<Float>, to t: UnsafeMutablePointer<Float>, _ count: Int,
                                                bias: Float?, accumulate: Bool, relu: Bool) {
        if accumulate {
            RowVectors.accumulate(f, to: t, count, bias: bias)
        } else if relu {
            RowVectors.map(f, to: t, count, bias: bias ?? 0, relu: true)
        } else {
            RowVectors.map(f, to: t, count, bias: bias ?? 0, relu: false)
        }
    }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }
    @inline(__always) private static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    #if ENGINE_AVX512
    /// out[i][0..<32] = Σ_{c, t} w[i·rowStride + c·taps + t] · x[c·plane + shifts[t] + 0..<32] for i in 0..<8.
    private static func tile(_ x: UnsafePointer<Float>, plane: Int, channels: Int, shifts: UnsafePointer<Int>, taps: Int,
                             weights w: UnsafePointer<Float>, rowStride r: Int, out: UnsafeMutablePointer<Float>, outStride: Int) {
        var a0 = V(), a1 = V(), a2 = V(), a3 = V(), a4 = V(), a5 = V(), a6 = V(), a7 = V()
        var b0 = V(), b1 = V(), b2 = V(), b3 = V(), b4 = V(), b5 = V(), b6 = V(), b7 = V()
        for c in 0..<channels {
            let xc = x + c &* plane, wc = w + c &* taps
            for t in 0..<taps {
                let xp = xc + shifts[t], wt = wc + t
                let x0 = load(xp), x1 = load(xp + 16)
                var s = V(repeating: wt[0]); a0 = a0.addingProduct(s, x0); b0 = b0.addingProduct(s, x1)
                s = V(repeating: wt[r]); a1 = a1.addingProduct(s, x0); b1 = b1.addingProduct(s, x1)
                s = V(repeating: wt[2 &* r]); a2 = a2.addingProduct(s, x0); b2 = b2.addingProduct(s, x1)
                s = V(repeating: wt[3 &* r]); a3 = a3.addingProduct(s, x0); b3 = b3.addingProduct(s, x1)
                s = V(repeating: wt[4 &* r]); a4 = a4.addingProduct(s, x0); b4 = b4.addingProduct(s, x1)
                s = V(repeating: wt[5 &* r]); a5 = a5.addingProduct(s, x0); b5 = b5.addingProduct(s, x1)
                s = V(repeating: wt[6 &* r]); a6 = a6.addingProduct(s, x0); b6 = b6.addingProduct(s, x1)
                s = V(repeating: wt[7 &* r]); a7 = a7.addingProduct(s, x0); b7 = b7.addingProduct(s, x1)
            }
        }
        store(a0, out); store(b0, out + 16)
        store(a1, out + outStride); store(b1, out + outStride + 16)
        store(a2, out + 2 * outStride); store(b2, out + 2 * outStride + 16)
        store(a3, out + 3 * outStride); store(b3, out + 3 * outStride + 16)
        store(a4, out + 4 * outStride); store(b4, out + 4 * outStride + 16)
        store(a5, out + 5 * outStride); store(b5, out + 5 * outStride + 16)
        store(a6, out + 6 * outStride); store(b6, out + 6 * outStride + 16)
        store(a7, out + 7 * outStride); store(b7, out + 7 * outStride + 16)
    }
    #endif
}
