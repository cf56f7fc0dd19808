/// Winograd's F(4 × 4, 3 × 3) (`WinogradConvolution+F4`'s transforms; `WinogradVariant.f4ChannelsLast`)
/// a few samples at a time with the channels in the vectors: for the layers of 16–64 input
/// channels, where the tiles-in-the-vectors layout spends more on splitting the plane into column
/// phases, on part-empty groups of 8 tiles and on transposes than its products save. Whole-map
/// Winograd (`WinogradConvolution+WholeMap`) runs on the same path, its own transforms in place of
/// F(4 × 4)'s and each sample's map one tile.
///
/// Samples go in groups whose tiles fill whole register tiles (`channelsLastGroup`). Per sample,
/// the input is copied in transposed to a zero-padded position-major map `[row][column][C]`
/// (its BN applied on the way, `InputAffine`). A tile's 6 × 6 patch is then 36 vectors of 8
/// channels at constant offsets, transformed through an L1 staging area into
/// `V [ξ][tile][C]`. The products `M[tile][ξ][16] = Σ_c V[ξ][tile][c] · U[ξ][c][16]` run on a
/// register tile of 16 output channels × 6 tiles (`products16`: `DirectConvolution.tile16`'s, with the
/// tiles `C` floats apart). The output transform writes a position-major map `[position][out]`
/// with the bias and the ReLU, which is turned channel-major 8 × 8 at a time as it goes into `y`
/// (added into it for a residual), or copied as it is into oneDNN's blocked layout (8 channels per
/// position).
extension WinogradConvolution {
    /// 3 × 3, stride 1, padding 1, input channels a multiple of 8, output channels of 16, a plane of
    /// at least 8 positions, and F(4 × 4)'s tiles covering the output with little overhang.
    static func supportsChannelsLast(_ g: ConvGeometry, outChannels: Int) -> Bool {
        g.padding == 1 && g.channels % 8 == 0 && g.outSpatial >= 8 && supports(g, outChannels: outChannels, tile: 4)
    }

    /// Samples transformed and multiplied together: the fewest (up to 6) whose tiles fill whole
    /// register tiles of 6, if their transformed input `V` stays within 64 K floats (L2), else one.
    /// 28 × 28's 49 tiles go one sample at a time (54 slots), 14 × 14's 16 three (48), 7 × 7's 4 three (12).
    /// A whole map's samples (one tile each) go in the most whole register tiles whose `V` fits in
    /// that: 18 at 64 channels and 5 × 5 (`wholeMapGroup`).
    var channelsLastGroup: Int {
        if transforms != nil { return wholeMapGroup }
        let tiles = tilesPerSample
        guard let g = (1...6).first(where: { tiles * $0 % 6 == 0 }), 36 * tiles * g * geometry.channels <= 65_536 else { return 1 }
        return g
    }
    /// Tile slots of a group: its samples' tiles, rounded up to the register tile's 6.
    var tileSlots: Int { (channelsLastGroup * tilesPerSample + 5) / 6 * 6 }
    /// Floats of the padded position-major map: (tile·rows + 2) × (tile·columns + 2) positions of C.
    private var mapCount: Int { (tile * tileRows + 2) * paddedWidth * geometry.channels }
    private var transformedCount: Int { products * tileSlots * geometry.channels }
    private var productsCount: Int { tileSlots * products * 16 }
    private var outputCount: Int { channelsLastGroup * geometry.outSpatial * outChannels }

    /// Floats of one worker's scratch: the padded map, `V`, one block's products, the output map and
    /// the transforms' staging.
    var channelsLastScratchCount: Int { mapCount + transformedCount + productsCount + outputCount + products * 8 }

    /// y[o, n] = max?(U ⊛ x[n] + bias[o], 0) for the samples `samples`, with `accumulate` added into
    /// `y`: `WinogradConvolution.run`'s contract (which calls it). With `positionMajor.input` `x` is
    /// the position-major map `[batch][Ho][Wo][C]` another channels-last layer wrote, and with
    /// `positionMajor.output` `y` is written so for the next one.
    func runChannelsLast(_ x: UnsafePointer<Float>, channelStride: Int, sampleStride: Int, transformed u: UnsafePointer<Float>,
                         bias: UnsafePointer<Float>?, relu: Bool, accumulate: Bool, blocked: BlockedMaps, positionMajor: PositionMajorMaps,
                         inputAffine: InputAffine?, y: UnsafeMutablePointer<Float>, batch: Int, samples: Range<Int>,
                         scratch: UnsafeMutablePointer<Float>) {
        let blockedOutput = blocked.output
        precondition(!positionMajor.output || !(accumulate || blockedOutput), "a position-major output neither accumulates nor is blocked")
        let padded = scratch, v = padded + mapCount, m = v + transformedCount, out = m + productsCount
        let staging = out + outputCount
        let c = geometry.channels, tiles = tilesPerSample, plane = geometry.outSpatial, group = channelsLastGroup
        // The border, and the tile slots past the last tile, stay zero.
        padded.update(repeating: 0, count: mapCount)
        v.update(repeating: 0, count: transformedCount)
        var n0 = samples.lowerBound
        while n0 < samples.upperBound {
            let count = min(group, samples.upperBound - n0), slots = (count * tiles + 5) / 6 * 6
            for s in 0..<count {
                if positionMajor.input {
                    copyInPositionMajor(x + (n0 + s) * plane * c, affine: inputAffine, into: padded)
                } else if blocked.input {
                    copyInBlocked(x + (n0 + s) * geometry.height * geometry.width * c, affine: inputAffine, into: padded)
                } else {
                    copyIn(x + (n0 + s) * sampleStride, channelStride: channelStride, affine: inputAffine, into: padded)
                }
                if let transforms {
                    transformInputWholeMap(padded, transforms, into: v + s * c, staging: staging)
                } else {
                    transformInputChannelsLast(padded, into: v + s * tiles * c, staging: staging)
                }
            }
            // A position-major output is transformed straight into its place in `y`.
            @inline(__always) func map(_ s: Int) -> UnsafeMutablePointer<Float> {
                positionMajor.output ? y + (n0 + s) * plane * outChannels : out + s * plane * outChannels
            }
            for block in 0..<(outChannels / 16) {
                multiply(v, u + block * products * c * 16, slots: slots, into: m)
                for s in 0..<count {
                    if let transforms {
                        transformOutputWholeMap(m + s * products * 16, transforms, block: block, bias: bias, relu: relu, into: map(s),
                                                staging: staging)
                    } else {
                        transformOutputChannelsLast(m + s * tiles * 36 * 16, block: block, bias: bias, relu: relu, into: map(s), staging: staging)
                    }
                }
            }
            for s in 0..<count where !positionMajor.output {
                let n = n0 + s, map = map(s)
                if blockedOutput {
                    writeBlocked(map, to: y + n * outChannels * plane)
                } else {
                    write(map, to: y + n * plane, channelStride: batch * plane, accumulate: accumulate)
                }
            }
            n0 += count
        }
    }

    /// The sample's planes into the padded map's interior (padding p), 8 channels × 8 columns at a time (a row's
    /// last 8 overlapping the ones before; a row narrower than 8 read lane by lane and only its
    /// columns stored), mapped by `affine` per channel as they are loaded.
    @inline(__always) private func copyIn(_ x: UnsafePointer<Float>, channelStride: Int, affine: InputAffine?,
                                          into padded: UnsafeMutablePointer<Float>) {
        let g = geometry, c = g.channels, p = g.padding
        for c0 in stride(from: 0, to: c, by: 8) {
            var a = H(repeating: 1), b = H()
            if let affine { a = load(affine.scale + c0); b = load(affine.shift + c0) }
            let relu = affine?.relu ?? false, mapped = affine != nil
            for h in 0..<g.height {
                let to = padded + ((h + p) * paddedWidth + p) * c + c0
                var w = 0
                while w < g.width {
                    let w0 = max(0, min(w, g.width - 8)), from = x + c0 * channelStride + h * g.width + w0, narrow = g.width < 8
                    @inline(__always) func row(_ j: Int) -> H {
                        var r = H()
                        if narrow { for i in 0..<g.width { r[i] = from[j * channelStride + i] } } else { r = load(from + j * channelStride) }
                        if mapped { r = r * a[j] + b[j] }
                        if relu { r = r.replacing(with: 0, where: r .< 0) }
                        return r
                    }
                    let t = DirectConvolution.transposed((row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7)))
                    let at = to + w0 * c, columns = min(8, g.width)
                    store(t.0, at); store(t.1, at + c); store(t.2, at + 2 * c); store(t.3, at + 3 * c)
                    if columns > 4 { store(t.4, at + 4 * c) }
                    if columns > 5 { store(t.5, at + 5 * c) }
                    if columns > 6 { store(t.6, at + 6 * c) }
                    if columns > 7 { store(t.7, at + 7 * c) }
                    w += 8
                }
            }
        }
    }

    /// The sample's position-major map `[H][W][C]` into the padded map's interior (padding p), row
    /// by row, 8 channels at a time, mapped by `affine` per channel.
    @inline(__always) private func copyInPositionMajor(_ x: UnsafePointer<Float>, affine: InputAffine?,
                                                       into padded: UnsafeMutablePointer<Float>) {
        let g = geometry, c = g.channels, row = g.width * c, p = g.padding
        for h in 0..<g.height {
            let from = x + h * row, to = padded + ((h + p) * paddedWidth + p) * c
            guard let affine else { to.update(from: from, count: row); continue }
            for c0 in stride(from: 0, to: c, by: 8) {
                let a = load(affine.scale + c0), b = load(affine.shift + c0)
                for w in 0..<g.width {
                    var r = load(from + w * c + c0) * a + b
                    if affine.relu { r = r.replacing(with: 0, where: r .< 0) }
                    store(r, to + w * c + c0)
                }
            }
        }
    }

    /// The sample's map in oneDNN's blocked layout `[C / 8][H][W][8]` into the padded map's interior
    /// (padding p), 8 channels of a position at a time, mapped by `affine` per channel.
    @inline(__always) private func copyInBlocked(_ x: UnsafePointer<Float>, affine: InputAffine?, into padded: UnsafeMutablePointer<Float>) {
        let g = geometry, c = g.channels, p = g.padding
        for c0 in stride(from: 0, to: c, by: 8) {
            let from = x + c0 * g.height * g.width, a = affine.map { load($0.scale + c0) }, b = affine.map { load($0.shift + c0) }
            let relu = affine?.relu ?? false
            for h in 0..<g.height {
                let to = padded + ((h + p) * paddedWidth + p) * c + c0
                for w in 0..<g.width {
                    var r = load(from + (h * g.width + w) * 8)
                    if let a, let b { r = r * a + b }
                    if relu { r = r.replacing(with: 0, where: r .< 0) }
                    store(r, to + w * c)
                }
            }
        }
    }

    /// V[ξ][tile][c] = (Bᵀ d B)[ξ] for every tile and 8 channels at a time: the patch's 6 rows along
    /// the columns into `staging`, then its 6 columns along the rows into `v`.
    @inline(__always) private func transformInputChannelsLast(_ padded: UnsafePointer<Float>, into v: UnsafeMutablePointer<Float>,
                                                              staging: UnsafeMutablePointer<Float>) {
        let c = geometry.channels, columns = tileColumns, xiStride = tileSlots * c
        for ty in 0..<tileRows {
            for tx in 0..<columns {
                let patch = padded + (4 * ty * paddedWidth + 4 * tx) * c, into = v + (ty * columns + tx) * c
                for c0 in stride(from: 0, to: c, by: 8) {
                    for i in 0..<6 {
                        let at = patch + i * paddedWidth * c + c0
                        let e = WinogradConvolution.inputTransform(load(at), load(at + c), load(at + 2 * c), load(at + 3 * c),
                                                                   load(at + 4 * c), load(at + 5 * c))
                        let s = staging + i * 48
                        store(e.0, s); store(e.1, s + 8); store(e.2, s + 16); store(e.3, s + 24); store(e.4, s + 32); store(e.5, s + 40)
                    }
                    let out = into + c0
                    for j in 0..<6 {
                        let s = staging + j * 8
                        let f = WinogradConvolution.inputTransform(load(s), load(s + 48), load(s + 96), load(s + 144), load(s + 192),
                                                                   load(s + 240))
                        store(f.0, out + j * xiStride); store(f.1, out + (6 + j) * xiStride); store(f.2, out + (12 + j) * xiStride)
                        store(f.3, out + (18 + j) * xiStride); store(f.4, out + (24 + j) * xiStride); store(f.5, out + (30 + j) * xiStride)
                    }
                }
            }
        }
    }

    /// M[tile][ξ][16] = Σ_c V[ξ][tile][c] · U[ξ][c][16] for one block of 16 output channels and the
    /// first `slots` tiles.
    @inline(__always) private func multiply(_ v: UnsafePointer<Float>, _ u: UnsafePointer<Float>, slots: Int,
                                            into m: UnsafeMutablePointer<Float>) {
        let c = geometry.channels, xis = products
        for xi in 0..<xis {
            for t0 in stride(from: 0, to: slots, by: 6) {
                Self.products16(v + (xi * tileSlots + t0) * c, channels: c, weights: u + xi * c * 16, out: m + (t0 * xis + xi) * 16,
                                positionStride: xis * 16)
            }
        }
    }

    /// out[j·positionStride + i] = Σ_c w[c·16 + i] · x[j·channels + c] for i < 16, j < 6:
    /// `DirectConvolution.tile16`'s register tile with its 6 positions `channels` floats apart, each
    /// read from its own pointer. Written apart from `tile16`: sharing its loop (a table of row offsets
    /// and a stride known only at run time) made preresnet20's 3 × 3 layers 5–10 % slower (3 alternated
    /// per-layer profiles).
    @inline(__always) static func products16(_ x: UnsafePointer<Float>, channels: Int, weights w: UnsafePointer<Float>,
                                             out: UnsafeMutablePointer<Float>, positionStride: Int) {
        var a0 = H(), a1 = H(), a2 = H(), a3 = H(), a4 = H(), a5 = H()
        var b0 = H(), b1 = H(), b2 = H(), b3 = H(), b4 = H(), b5 = H()
        let x0 = x, x1 = x + channels, x2 = x + 2 * channels, x3 = x + 3 * channels, x4 = x + 4 * channels, x5 = x + 5 * channels
        var wt = w
        for r in 0..<channels {
            let u = DirectConvolution.loadH(wt), v = DirectConvolution.loadH(wt + 8)
            var s = H(repeating: x0[r]); a0 = a0.addingProduct(u, s); b0 = b0.addingProduct(v, s)
            s = H(repeating: x1[r]); a1 = a1.addingProduct(u, s); b1 = b1.addingProduct(v, s)
            s = H(repeating: x2[r]); a2 = a2.addingProduct(u, s); b2 = b2.addingProduct(v, s)
            s = H(repeating: x3[r]); a3 = a3.addingProduct(u, s); b3 = b3.addingProduct(v, s)
            s = H(repeating: x4[r]); a4 = a4.addingProduct(u, s); b4 = b4.addingProduct(v, s)
            s = H(repeating: x5[r]); a5 = a5.addingProduct(u, s); b5 = b5.addingProduct(v, s)
            wt += 16
        }
        DirectConvolution.store12(a0, b0, a1, b1, a2, b2, a3, b3, a4, b4, a5, b5, to: out, positionStride: positionStride)
    }

    /// Y = Aᵀ M A + bias (rectified if asked) of every tile for the 16 channels of `block`, 8 at a
    /// time, into the position-major output map `out [position][out]` (the positions inside the map).
    @inline(__always) private func transformOutputChannelsLast(_ m: UnsafePointer<Float>, block: Int, bias: UnsafePointer<Float>?,
                                                               relu: Bool, into out: UnsafeMutablePointer<Float>,
                                                               staging: UnsafeMutablePointer<Float>) {
        let g = geometry, k = outChannels, columns = tileColumns
        for half in 0..<2 {
            let o0 = block * 16 + half * 8, shift = bias.map { load($0 + o0) } ?? H()
            for ty in 0..<tileRows {
                let rows = min(4, g.outHeight - 4 * ty)
                for tx in 0..<columns {
                    let at = m + (ty * columns + tx) * 36 * 16 + half * 8
                    @inline(__always) func e(_ xi: Int) -> H { load(at + xi * 16) }
                    for i in 0..<6 {
                        let r = WinogradConvolution.outputTransform(e(6 * i), e(6 * i + 1), e(6 * i + 2), e(6 * i + 3), e(6 * i + 4),
                                                                    e(6 * i + 5))
                        let s = staging + i * 32
                        store(r.0, s); store(r.1, s + 8); store(r.2, s + 16); store(r.3, s + 24)
                    }
                    for l in 0..<min(4, g.outWidth - 4 * tx) {
                        let s = staging + l * 8
                        let c = WinogradConvolution.outputTransform(load(s), load(s + 32), load(s + 64), load(s + 96), load(s + 128),
                                                                    load(s + 160))
                        let to = out + ((4 * ty) * g.outWidth + 4 * tx + l) * k + o0
                        @inline(__always) func put(_ value: H, row r: Int) {
                            var v = value + shift
                            if relu { v = v.replacing(with: 0, where: v .< 0) }
                            store(v, to + r * g.outWidth * k)
                        }
                        put(c.0, row: 0)
                        if rows > 1 { put(c.1, row: 1) }
                        if rows > 2 { put(c.2, row: 2) }
                        if rows > 3 { put(c.3, row: 3) }
                    }
                }
            }
        }
    }

    /// The position-major output map into `y`'s channel planes (`y[o·channelStride + position]`),
    /// 8 positions × 8 channels at a time, or added into them. A plane that is not a whole number of
    /// 8 positions ends in a group that overlaps the one before: its values (sums, when adding) are
    /// taken before any store, so the positions the two share get the same value from both.
    @inline(__always) private func write(_ out: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, channelStride: Int,
                                         accumulate: Bool) {
        let k = outChannels, plane = geometry.outSpatial
        typealias Rows = (H, H, H, H, H, H, H, H)
        @inline(__always) func group(_ o0: Int, _ p0: Int) -> Rows {
            let from = out + p0 * k + o0
            var t = DirectConvolution.transposed((load(from), load(from + k), load(from + 2 * k), load(from + 3 * k),
                                                  load(from + 4 * k), load(from + 5 * k), load(from + 6 * k), load(from + 7 * k)))
            if accumulate {
                let to = y + o0 * channelStride + p0
                t.0 += load(to); t.1 += load(to + channelStride); t.2 += load(to + 2 * channelStride)
                t.3 += load(to + 3 * channelStride); t.4 += load(to + 4 * channelStride); t.5 += load(to + 5 * channelStride)
                t.6 += load(to + 6 * channelStride); t.7 += load(to + 7 * channelStride)
            }
            return t
        }
        @inline(__always) func put(_ t: Rows, _ o0: Int, _ p0: Int) {
            let to = y + o0 * channelStride + p0
            store(t.0, to); store(t.1, to + channelStride); store(t.2, to + 2 * channelStride); store(t.3, to + 3 * channelStride)
            store(t.4, to + 4 * channelStride); store(t.5, to + 5 * channelStride); store(t.6, to + 6 * channelStride)
            store(t.7, to + 7 * channelStride)
        }
        let whole = plane / 8 * 8
        for o0 in stride(from: 0, to: k, by: 8) {
            let last = whole < plane ? group(o0, plane - 8) : nil
            for p0 in stride(from: 0, to: whole, by: 8) { put(group(o0, p0), o0, p0) }
            if let last { put(last, o0, plane - 8) }
        }
    }

    /// The position-major output map into one sample of oneDNN's blocked layout `[out / 8][position][8]`.
    private func writeBlocked(_ out: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>) {
        let k = outChannels, plane = geometry.outSpatial
        for o0 in stride(from: 0, to: k, by: 8) {
            let to = y + o0 * plane
            for p in 0..<plane { store(load(out + p * k + o0), to + p * 8) }
        }
    }
}
