/// Winograd's F(m × m, 3 × 3) with one tile covering a sample's whole m × m output
/// (`WinogradVariant.wholeMap`): for the small maps late in a network, where F(4 × 4)'s tiles would
/// overhang the output (tinyten's 64 → 64 at 7 × 7 without padding makes 5 × 5: four tiles of 16
/// for 25 outputs) and the direct sum needs 9 products per output and channel pair. One 7 × 7
/// tile (m = 5) needs 49 products per 25 outputs, 4.6× fewer.
///
/// It runs the channels-last path (`WinogradConvolution+ChannelsLast`) with a sample's map as its
/// only tile: a group of samples is copied in position-major (from oneDNN's blocked layout, when a
/// oneDNN layer hands its map over so: 8 channels of a position are one vector in both), transformed
/// into `V [ξ][sample][C]`, multiplied on the 16 × 6 register tile with the samples as its 6
/// positions, and transformed out. The transforms are `WinogradTransforms`' matrices, stored by
/// columns, applied 8 channels per vector through an L1 staging area, each 1-D pass summing its α
/// inputs into 8 independent accumulators (`combine`): summing each output over its row's nonzero
/// coefficients instead chained every product on the one before, and those chains were the
/// layer's hottest instructions in the profile.
extension WinogradConvolution {
    /// 3 × 3, stride 1, a square output of 3–6 positions a side (interpolation points for up to
    /// 8 × 8 tiles; the channels-last write-out needs a plane of at least 8 positions), input
    /// channels a multiple of 8 and output channels of 16.
    static func supportsWholeMap(_ g: ConvGeometry, outChannels: Int) -> Bool {
        g.kernel == 3 && g.stride == 1 && g.height == g.width && (3...6).contains(g.outWidth) && g.channels % 8 == 0
            && outChannels % 16 == 0
    }

    /// Samples per group: the most whole register tiles of 6 (up to 24 samples) whose transformed
    /// input stays within 64 K floats (L2): 18 at 64 channels and 5 × 5. The transformed kernel
    /// (49 × 64 × 64 floats at that size) is then read once per 18 samples rather than per 6
    /// (groups of 6 to 24 timed alike within this machine's noise, tools/bench/HISTORY.md).
    var wholeMapGroup: Int {
        max(6, min(24, 65_536 / (products * geometry.channels) / 6 * 6))
    }

    /// V[ξ][sample][c] = (Bᵀ d B)[ξ] of the sample's whole padded map, 8 channels at a time: each
    /// column of the map transformed along the rows into `staging` (t = Bᵀ d), then each row of t
    /// along the columns into `v` (t B).
    @inline(__always) func transformInputWholeMap(_ padded: UnsafePointer<Float>, _ w: WinogradTransforms, into v: UnsafeMutablePointer<Float>,
                                                  staging: UnsafeMutablePointer<Float>) {
        let c = geometry.channels, alpha = w.alpha, xiStride = tileSlots * c, row = paddedWidth * c
        w.input.withUnsafeBufferPointer { table in
            let table = table.baseAddress!
            for c0 in stride(from: 0, to: c, by: 8) {
                let d = padded + c0
                for j in 0..<alpha {
                    let t = Self.combine(table, alpha) { k in load(d + k * row + j * c) }
                    Self.put(t, alpha) { i in staging + (i * alpha + j) * 8 }
                }
                for i in 0..<alpha {
                    let t = staging + i * alpha * 8
                    let u = Self.combine(table, alpha) { k in load(t + k * 8) }
                    Self.put(u, alpha) { j in v + (i * alpha + j) * xiStride + c0 }
                }
            }
        }
    }

    /// Y = Aᵀ M A + bias (rectified if asked) of one sample for the 16 channels of `block`, 8 at a
    /// time, into the position-major output map `out [position][out]`.
    @inline(__always) func transformOutputWholeMap(_ m: UnsafePointer<Float>, _ w: WinogradTransforms, block: Int, bias: UnsafePointer<Float>?,
                                                   relu: Bool, into out: UnsafeMutablePointer<Float>, staging: UnsafeMutablePointer<Float>) {
        let k = outChannels, alpha = w.alpha, side = w.outputs
        w.output.withUnsafeBufferPointer { table in
            let table = table.baseAddress!
            for half in 0..<2 {
                let o0 = block * 16 + half * 8, shift = bias.map { load($0 + o0) } ?? H(), at = m + half * 8
                for j in 0..<alpha {
                    let r = Self.combine(table, alpha) { xi in load(at + (xi * alpha + j) * 16) }
                    Self.put(r, side) { i in staging + (i * alpha + j) * 8 }
                }
                for i in 0..<side {
                    let r = staging + i * alpha * 8
                    var y = Self.combine(table, alpha) { xi in load(r + xi * 8) }
                    y = (y.0 + shift, y.1 + shift, y.2 + shift, y.3 + shift, y.4 + shift, y.5 + shift, y.6 + shift, y.7 + shift)
                    if relu {
                        @inline(__always) func rectified(_ v: H) -> H { v.replacing(with: 0, where: v .< 0) }
                        y = (rectified(y.0), rectified(y.1), rectified(y.2), rectified(y.3), rectified(y.4), rectified(y.5),
                             rectified(y.6), rectified(y.7))
                    }
                    Self.put(y, side) { j in out + (i * side + j) * k + o0 }
                }
            }
        }
    }

    typealias Eight = (H, H, H, H, H, H, H, H)

    /// out_i = Σ_{k < count} table[8k + i] · x(k) for i < 8: a small matrix, stored by columns of 8,
    /// times `count` vectors, in 8 independent accumulators.
    @inline(__always) static func combine(_ table: UnsafePointer<Float>, _ count: Int, _ x: (Int) -> H) -> Eight {
        var r: Eight = (H(), H(), H(), H(), H(), H(), H(), H())
        for k in 0..<count {
            let v = x(k), t = table + 8 * k
            r.0 = r.0.addingProduct(H(repeating: t[0]), v); r.1 = r.1.addingProduct(H(repeating: t[1]), v)
            r.2 = r.2.addingProduct(H(repeating: t[2]), v); r.3 = r.3.addingProduct(H(repeating: t[3]), v)
            r.4 = r.4.addingProduct(H(repeating: t[4]), v); r.5 = r.5.addingProduct(H(repeating: t[5]), v)
            r.6 = r.6.addingProduct(H(repeating: t[6]), v); r.7 = r.7.addingProduct(H(repeating: t[7]), v)
        }
        return r
    }

    /// Stores the first `count` (at least 2) of `r` at `at(i)`.
    @inline(__always) static func put(_ r: Eight, _ count: Int, _ at: (Int) -> UnsafeMutablePointer<Float>) {
        @inline(__always) func store(_ v: H, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: H.self) }
        store(r.0, at(0)); store(r.1, at(1))
        if count > 2 { store(r.2, at(2)) }
        if count > 3 { store(r.3, at(3)) }
        if count > 4 { store(r.4, at(4)) }
        if count > 5 { store(r.5, at(5)) }
        if count > 6 { store(r.6, at(6)) }
        if count > 7 { store(r.7, at(7)) }
    }
}
