/// Winograd's F(2 × 2, 3 × 3) (`WinogradConvolution`'s type comment): the kernel transform, and the
/// input and output transforms over 8 tiles per vector, with the padding copy they read and the
/// row and blocked writes they end in.
extension WinogradConvolution {
    /// G g Gᵀ with G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]: row i of G g, then that row times Gᵀ.
    static func transformKernel2(_ g: UnsafePointer<Float>, _ put: (Int, Float) -> Void) {
        for i in 0..<4 {
            func t(_ j: Int) -> Float {
                let g0 = g[j], g1 = g[3 + j], g2 = g[6 + j]
                switch i {
                case 0: return g0
                case 1: return 0.5 * (g0 + g1 + g2)
                case 2: return 0.5 * (g0 - g1 + g2)
                default: return g2
                }
            }
            let r0 = t(0), r1 = t(1), r2 = t(2)
            put(4 * i, r0)
            put(4 * i + 1, 0.5 * (r0 + r1 + r2))
            put(4 * i + 2, 0.5 * (r0 - r1 + r2))
            put(4 * i + 3, r2)
        }
    }

    /// Copies one input plane (of channel `channel`, mapped by `affine` if given) into the interior
    /// of the zero-padded plane (border and slack stay zero).
    @inline(__always) func pad(_ source: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>, affine: InputAffine?,
                                       channel: Int) {
        let g = geometry, p = g.padding
        for h in 0..<g.height {
            let from = source + h * g.width, to = padded + (p + h) * paddedWidth + p
            if let affine { affine.copy(from, to: to, g.width, channel: channel) } else { RowVectors.copy(from, to: to, g.width) }
        }
    }

    /// V[ξ][tile] = (Bᵀ d B)[ξ] (Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]) for every tile of one
    /// channel of one sample, 8 tiles at a time; the 8 tiles past a row's end write into the next
    /// row's places, which that row then overwrites.
    @inline(__always) func transformInput(_ padded: UnsafePointer<Float>, into v: UnsafeMutablePointer<Float>,
                                                  xiStride: Int) {
        for ty in 0..<tileRows {
            var tx = 0
            while tx < tileColumns {
                // Row i of the 8 tiles' patches: columns 2tx.. split into even (d_i0) and odd (d_i1), and
                // from 2tx + 2 (d_i2, d_i3); across the columns first (d B), then across the rows (Bᵀ ·).
                @inline(__always) func row(_ i: Int) -> (H, H, H, H) {
                    let at = padded + (2 * ty + i) * paddedWidth + 2 * tx
                    let here = load16(at), next = load16(at + 2)
                    let d0 = here.evenHalf, d1 = here.oddHalf, d2 = next.evenHalf, d3 = next.oddHalf
                    return (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
                }
                let a = row(0), b = row(1), cc = row(2), d = row(3)
                let out = v + ty * tileColumns + tx
                store(a.0 - cc.0, out); store(a.1 - cc.1, out + xiStride)
                store(a.2 - cc.2, out + 2 * xiStride); store(a.3 - cc.3, out + 3 * xiStride)
                store(b.0 + cc.0, out + 4 * xiStride); store(b.1 + cc.1, out + 5 * xiStride)
                store(b.2 + cc.2, out + 6 * xiStride); store(b.3 + cc.3, out + 7 * xiStride)
                store(cc.0 - b.0, out + 8 * xiStride); store(cc.1 - b.1, out + 9 * xiStride)
                store(cc.2 - b.2, out + 10 * xiStride); store(cc.3 - b.3, out + 11 * xiStride)
                store(b.0 - d.0, out + 12 * xiStride); store(b.1 - d.1, out + 13 * xiStride)
                store(b.2 - d.2, out + 14 * xiStride); store(b.3 - d.3, out + 15 * xiStride)
                tx += 8
            }
        }
    }

    /// Y = Aᵀ M A (Aᵀ = [1 1 1 0; 0 1 −1 −1]) for one row of tiles and the 16 channels of `block`:
    /// 8 tiles × 8 channels at a time, turned channel-major through `staging`, then the bias, the
    /// ReLU and two output rows per channel (interleaving the tiles' left and right columns).
    @inline(__always) func transformOutput(_ m: UnsafePointer<Float>, sample: Int, tileRow ty: Int, block: Int,
                                                   bias: UnsafePointer<Float>?, relu: Bool, accumulate: Bool, blocked: Bool,
                                                   y: UnsafeMutablePointer<Float>, batch: Int, staging: UnsafeMutablePointer<Float>) {
        let g = geometry, plane = g.outSpatial, oh = 2 * ty, below = oh + 1 < g.outHeight
        for half in 0..<2 {
            let o0 = block * 16 + half * 8
            var tx = 0
            while tx < tileColumns {
                // staging[k][tile][channel] for the 4 outputs k = (row, column) of each of the 8 tiles.
                for t in 0..<8 {
                    let at = m + (tx + t) * 16 * 16 + half * 8
                    @inline(__always) func e(_ xi: Int) -> H { load(at + xi * 16) }
                    @inline(__always) func row(_ i: Int) -> (H, H) {
                        let a = e(4 * i), p = e(4 * i + 1), q = e(4 * i + 2), r = e(4 * i + 3)
                        return (a + p + q, p - q - r)
                    }
                    let s0 = row(0), s1 = row(1), s2 = row(2), s3 = row(3)
                    store(s0.0 + s1.0 + s2.0, staging + t * 8)
                    store(s0.1 + s1.1 + s2.1, staging + 64 + t * 8)
                    store(s1.0 - s2.0 - s3.0, staging + 128 + t * 8)
                    store(s1.1 - s2.1 - s3.1, staging + 192 + t * 8)
                }
                if blocked {
                    // staging[k][tile] holds the output's 8 channels at one position: oneDNN's blocked layout as it is.
                    writeBlocked(staging, sample: sample, channels: o0, outputRow: oh, tile: tx, bias: bias, relu: relu, y: y)
                    tx += 8
                    continue
                }
                for k in 0..<4 { DirectConvolution.transpose8(staging + 64 * k, stride: 8, to: staging + 64 * k, toStride: 8) }
                // A row's 16 values may run past its end when one group of 8 tiles spans the row: what they
                // overwrite there (the next rows' starts) is written again later, by this row's lower
                // neighbour in the same lane's turn or by a later row of tiles, but nothing past the plane.
                // Not when accumulating: the values run over would be added twice.
                let columns = min(16, g.outWidth - 2 * tx), start = oh * g.outWidth + 2 * tx
                let single = tileColumns <= 8 && !accumulate, upperRuns = single && start + 16 <= plane
                let lowerRuns = single && start + g.outWidth + 16 <= plane
                for lane in 0..<8 {
                    let o = o0 + lane, shift = H(repeating: bias?[o] ?? 0)
                    let out = y + (o * batch + sample) * plane + start
                    writeRow(load(staging + lane * 8) + shift, load(staging + 64 + lane * 8) + shift, relu: relu,
                             accumulate: accumulate, to: out, columns, overrun: upperRuns)
                    if below {
                        writeRow(load(staging + 128 + lane * 8) + shift, load(staging + 192 + lane * 8) + shift, relu: relu,
                                 accumulate: accumulate, to: out + g.outWidth, columns, overrun: lowerRuns)
                    }
                }
                tx += 8
            }
        }
    }

    /// Writes the 4 outputs of each of 8 tiles (those inside the map) for the 8 channels from `o0`,
    /// `staging[k][tile][channel]`, into the blocked map `[batch, out / 8, Ho, Wo, 8]`: one vector each.
    @inline(__always) func writeBlocked(_ staging: UnsafePointer<Float>, sample: Int, channels o0: Int, outputRow oh: Int,
                                                tile tx: Int, bias: UnsafePointer<Float>?, relu: Bool, y: UnsafeMutablePointer<Float>) {
        let g = geometry, plane = g.outSpatial
        let shift = bias.map { load($0 + o0) } ?? H()
        let base = y + (sample * outChannels + o0) * plane
        for k in 0..<4 {
            let row = oh + k / 2
            guard row < g.outHeight else { continue }
            for t in 0..<min(8, tileColumns - tx) {
                let column = 2 * (tx + t) + k % 2
                guard column < g.outWidth else { continue }
                var v = load(staging + 64 * k + 8 * t) + shift
                if relu { v = v.replacing(with: 0, where: v .< 0) }
                store(v, base + (row * g.outWidth + column) * 8)
            }
        }
    }

    /// Writes `left[0], right[0], left[1], right[1], …` (rectified if asked, or added to what `out`
    /// holds with `accumulate`), the first `count` of them; with `overrun`, all 16 (the caller writes
    /// the values past `count` again later).
    @inline(__always) func writeRow(_ left: H, _ right: H, relu: Bool, accumulate: Bool, to out: UnsafeMutablePointer<Float>,
                                            _ count: Int, overrun: Bool) {
        // Three perfect unshuffles of [left | right] rotate the flat index (side, i) into (i, side).
        var v = V(lowHalf: left, highHalf: right)
        for _ in 0..<3 { v = V(lowHalf: v.evenHalf, highHalf: v.oddHalf) }
        if relu { v = v.replacing(with: 0, where: v .< 0) }
        if accumulate {
            withUnsafeBytes(of: v) { RowVectors.accumulate($0.baseAddress!.assumingMemoryBound(to: Float.self), to: out, count, bias: nil) }
        } else if count == 16 || overrun {
            UnsafeMutableRawPointer(out).storeBytes(of: v, as: V.self)
        } else {
            withUnsafeBytes(of: v) { RowVectors.copy($0.baseAddress!.assumingMemoryBound(to: Float.self), to: out, count) }
        }
    }

    @inline(__always) func load16(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
}
