/// Winograd's F(4 × 4, 3 × 3) (Lavin & Gray 2016): 4 × 4 outputs from a 6 × 6 input patch, 36
/// products per 16 outputs per channel pair where F(2 × 2) needs 64 and the direct sum 144, with
///
///     Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]
///     G  = [¼ 0 0; −⅙ −⅙ −⅙; −⅙ ⅙ −⅙; 1⁄24 1⁄12 ⅙; 1⁄24 −1⁄12 ⅙; 0 0 1]
///     Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1]
///
/// (interpolation at 0, ±1, ±2 and ∞). Its transforms hold 36 values per tile, more than AVX2's 16
/// registers: each runs as two passes of 1-D transforms of 6 vectors (along the rows, then along
/// the columns) through an L1 staging area, so nothing spills. The input plane is copied in split
/// by column modulo 4 (four phase planes), so a tile's 6 columns are 6 plain vector loads for 8
/// tiles at a time; the output transform works on 8 channels per vector and turns 8 positions ×
/// 8 channels at a time into output rows (`DirectConvolution.transpose8`).
extension WinogradConvolution {
    /// The 1-D input transform Bᵀd of 6 vectors.
    @inline(__always) static func inputTransform(_ d0: H, _ d1: H, _ d2: H, _ d3: H, _ d4: H, _ d5: H) -> (H, H, H, H, H, H) {
        let t0 = d4.addingProduct(-4, d2), t1 = d3.addingProduct(-4, d1)
        let t2 = d4 - d2, t3 = 2 * (d3 - d1)
        return ((t0 - d2).addingProduct(4, d0), t0 + t1, t0 - t1, t2 + t3, t2 - t3, d5.addingProduct(-5, d3).addingProduct(4, d1))
    }

    /// The 1-D output transform Aᵀm of 6 vectors.
    @inline(__always) static func outputTransform(_ m0: H, _ m1: H, _ m2: H, _ m3: H, _ m4: H, _ m5: H) -> (H, H, H, H) {
        let a = m1 + m2, b = m1 - m2, c = m3 + m4, d = m3 - m4
        return (m0 + a + c, b.addingProduct(2, d), a.addingProduct(4, c), b.addingProduct(8, d) + m5)
    }

    static let g4: [[Double]] = [[0.25, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6], [1 / 24, 1 / 12, 1 / 6],
                                 [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]]

    /// G g Gᵀ (ξ = 6·row + column) in double precision: row a of G g, then that row times Gᵀ.
    static func transformKernel4(_ g: UnsafePointer<Float>, _ put: (Int, Float) -> Void) {
        let gm = g4
        for a in 0..<6 {
            func row(_ j: Int) -> Double { gm[a][0] * Double(g[j]) + gm[a][1] * Double(g[3 + j]) + gm[a][2] * Double(g[6 + j]) }
            let r0 = row(0), r1 = row(1), r2 = row(2)
            for b in 0..<6 { put(a * 6 + b, Float(r0 * gm[b][0] + r1 * gm[b][1] + r2 * gm[b][2])) }
        }
    }

    /// Copies one input plane (mapped by `affine` if given) into the four phase planes
    /// `[column % 4][row][column / 4]` of the zero-padded plane: each row 32 columns at a time, split
    /// by two rounds of even/odd halves, mapped, its lanes past the row's end zeroed (they are the
    /// right border), and stored at the phase and index its padded columns fall on. Reads run to
    /// `splitSpan` columns: within the plane they read the rows below (and are zeroed); past it, the
    /// row is first copied into a line of `splitSpan` floats after the phase planes.
    @inline(__always) func splitPhases(_ source: UnsafePointer<Float>, into phases: UnsafeMutablePointer<Float>,
                                       affine: InputAffine?, channel: Int) {
        let g = geometry, p = g.padding, phase = paddedRows * paddedWidth, span = splitSpan, line = phases + 4 * phase
        let a = H(repeating: affine?.scale[channel] ?? 1), b = H(repeating: affine?.shift[channel] ?? 0), relu = affine?.relu ?? false
        let lane = H(0, 4, 8, 12, 16, 20, 24, 28)
        for h in 0..<g.height {
            var from = source + h * g.width
            if h * g.width + span > g.height * g.width {
                RowVectors.copy(from, to: line, g.width)
                from = UnsafePointer(line)
            }
            let row = phases + (p + h) * paddedWidth
            for w0 in stride(from: 0, to: g.width, by: 32) {
                let low = UnsafeRawPointer(from + w0).loadUnaligned(as: V.self), high = UnsafeRawPointer(from + w0 + 16).loadUnaligned(as: V.self)
                let even = V(lowHalf: low.evenHalf, highHalf: high.evenHalf), odd = V(lowHalf: low.oddHalf, highHalf: high.oddHalf)
                @inline(__always) func put(_ r: Int, _ value: H) {
                    var v = value
                    if affine != nil { v = v * a + b }
                    if relu { v = v.replacing(with: 0, where: v .< 0) }
                    v = v.replacing(with: 0, where: lane .>= H(repeating: Float(g.width - w0 - r)))
                    store(v, row + ((r + p) % 4) * phase + w0 / 4 + (r + p) / 4)
                }
                put(0, even.evenHalf); put(1, odd.evenHalf); put(2, even.oddHalf); put(3, odd.oddHalf)
            }
        }
    }

    /// V[ξ][tile] = (Bᵀ d B)[ξ] for every tile of one channel of one sample, 8 tiles at a time: the
    /// 6 rows of their patches transformed along the columns into `staging` (36 vectors), then the
    /// 6 columns along the rows into `v`. The 8 tiles past a row's end write into the next row's
    /// places, which that row then overwrites.
    @inline(__always) func transformInput4(_ phases: UnsafePointer<Float>, into v: UnsafeMutablePointer<Float>, xiStride: Int,
                                           staging: UnsafeMutablePointer<Float>) {
        let phase = paddedRows * paddedWidth
        for ty in 0..<tileRows {
            var tx = 0
            while tx < tileColumns {
                for i in 0..<6 {
                    let at = phases + (4 * ty + i) * paddedWidth + tx
                    let e = Self.inputTransform(load(at), load(at + phase), load(at + 2 * phase), load(at + 3 * phase),
                                                load(at + 1), load(at + phase + 1))
                    let s = staging + i * 48
                    store(e.0, s); store(e.1, s + 8); store(e.2, s + 16); store(e.3, s + 24); store(e.4, s + 32); store(e.5, s + 40)
                }
                let out = v + ty * tileColumns + tx
                for j in 0..<6 {
                    let s = staging + j * 8
                    let f = Self.inputTransform(load(s), load(s + 48), load(s + 96), load(s + 144), load(s + 192), load(s + 240))
                    store(f.0, out + j * xiStride); store(f.1, out + (6 + j) * xiStride); store(f.2, out + (12 + j) * xiStride)
                    store(f.3, out + (18 + j) * xiStride); store(f.4, out + (24 + j) * xiStride); store(f.5, out + (30 + j) * xiStride)
                }
                tx += 8
            }
        }
    }

    /// Y = Aᵀ M A for one row of tiles and the 16 channels of `block`, 8 channels at a time: per tile,
    /// the 6 rows of M along the columns into `staging` (24 vectors), then the 4 columns along the
    /// rows, with the bias and the ReLU, into `staging`'s second part `[output row][position][channel]`
    /// (32 positions: 8 tiles); then each output row's positions, 8 at a time, turned channel-major
    /// into `staging`'s third part and written (or added) row by row, or with `blocked` stored as
    /// they are (oneDNN's layout keeps 8 channels per position).
    @inline(__always) func transformOutput4(_ m: UnsafePointer<Float>, sample: Int, tileRow ty: Int, block: Int,
                                            bias: UnsafePointer<Float>?, relu: Bool, accumulate: Bool, blocked: Bool,
                                            y: UnsafeMutablePointer<Float>, batch: Int, staging: UnsafeMutablePointer<Float>) {
        let g = geometry, plane = g.outSpatial, rows = min(4, g.outHeight - 4 * ty)
        let columnsStaging = staging, positions = staging + 24 * 8, channelRows = positions + 4 * 32 * 8
        for half in 0..<2 {
            let o0 = block * 16 + half * 8
            let shift = bias.map { load($0 + o0) } ?? H()
            var tx = 0
            while tx < tileColumns {
                let tiles = min(8, tileColumns - tx)
                for t in 0..<tiles {
                    let at = m + (tx + t) * 36 * 16 + half * 8
                    @inline(__always) func e(_ xi: Int) -> H { load(at + xi * 16) }
                    for i in 0..<6 {
                        let r = Self.outputTransform(e(6 * i), e(6 * i + 1), e(6 * i + 2), e(6 * i + 3), e(6 * i + 4), e(6 * i + 5))
                        let s = columnsStaging + i * 32
                        store(r.0, s); store(r.1, s + 8); store(r.2, s + 16); store(r.3, s + 24)
                    }
                    for l in 0..<4 {
                        let s = columnsStaging + l * 8
                        let c = Self.outputTransform(load(s), load(s + 32), load(s + 64), load(s + 96), load(s + 128), load(s + 160))
                        @inline(__always) func put(_ value: H, row k: Int) {
                            var v = value + shift
                            if relu { v = v.replacing(with: 0, where: v .< 0) }
                            store(v, positions + (k * 32 + 4 * t + l) * 8)
                        }
                        put(c.0, row: 0); put(c.1, row: 1); put(c.2, row: 2); put(c.3, row: 3)
                    }
                }
                let columns = min(32, g.outWidth - 4 * tx)
                for k in 0..<rows {
                    let oh = 4 * ty + k
                    if blocked {
                        let base = y + (sample * outChannels + o0) * plane + (oh * g.outWidth + 4 * tx) * 8
                        for q in 0..<columns { store(load(positions + (k * 32 + q) * 8), base + q * 8) }
                        continue
                    }
                    // Whole groups of 8 positions go straight into the output rows (channel-major); the
                    // rest, and every group that adds into the output, through `channelRows`.
                    let out = y + (o0 * batch + sample) * plane + oh * g.outWidth + 4 * tx, channelStride = batch * plane
                    for group in stride(from: 0, to: columns, by: 8) {
                        let from = positions + (k * 32 + group) * 8, count = min(8, columns - group)
                        if count == 8 && !accumulate {
                            DirectConvolution.transpose8(from, stride: 8, to: out + group, toStride: channelStride)
                            continue
                        }
                        DirectConvolution.transpose8(from, stride: 8, to: channelRows, toStride: 8)
                        for lane in 0..<8 {
                            let row = channelRows + lane * 8, to = out + lane * channelStride + group
                            if accumulate { RowVectors.accumulate(row, to: to, count, bias: nil) } else { RowVectors.copy(row, to: to, count) }
                        }
                    }
                }
                tx += 8
            }
        }
    }
}
