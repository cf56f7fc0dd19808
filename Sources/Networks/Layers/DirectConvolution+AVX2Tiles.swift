/// The AVX2 register tiles of `DirectConvolution` (compiled on AVX-512 too: `WinogradConvolution` multiplies with `tile16`): vectors along the output channels (see the type's
/// comment), and the register transpose that turns their position-major output channel-major.
extension DirectConvolution {
    /// The channels of the block that starts at `o0`: 16, or 8 for the last block of an odd multiple of 8.
    @inline(__always) static func blockWidth(_ o0: Int, _ outChannels: Int) -> Int {
        outChannels - o0 >= 16 ? 16 : 8
    }

    /// Packs the weights `[out, C, k, k]` per block of output channels, tap-major: `[C][taps][block]`
    /// (`outChannels · rows` floats).
    func pack(_ weights: UnsafePointer<Float>, into packed: UnsafeMutablePointer<Float>) {
        let k = geometry.rows
        var o0 = 0
        while o0 < outChannels {
            let width = Self.blockWidth(o0, outChannels)
            for i in 0..<width {
                for r in 0..<k { packed[o0 * k + r * width + i] = weights[(o0 + i) * k + r] }
            }
            o0 += width
        }
    }

    /// One sample's outputs from its padded planes and the `pack`ed weights, by the register tiles,
    /// handed to `emit` row by row: `emit(o, oh, row)` with the `outWidth` values of output channel
    /// `o`'s row `oh`. `tile` holds `16 · (paddedOutputs + positionBlock)` floats: each row of 24
    /// positions goes through `tile + 16 · paddedOutputs` ([position][channel]) and is transposed
    /// into `tile` ([channel][position]).
    @inline(__always) func forEachOutputRow(_ padded: UnsafePointer<Float>, packed: UnsafePointer<Float>, tile: UnsafeMutablePointer<Float>,
                                            _ emit: (Int, Int, UnsafePointer<Float>) -> Void) {
        let k = geometry.rows, rowTile = tile + 16 * paddedOutputs
        offsets.withUnsafeBufferPointer { offsets in
            var o0 = 0
            while o0 < outChannels {
                let width = Self.blockWidth(o0, outChannels)
                var q = 0
                while q < paddedOutputs {
                    if width == 16 {
                        for j in stride(from: 0, to: 24, by: 6) {
                            Self.tile16(padded + q + j, offsets: offsets.baseAddress!, rows: k, weights: packed + o0 * k, out: rowTile + j * 16)
                        }
                    } else {
                        for j in stride(from: 0, to: 24, by: 12) {
                            Self.tile8(padded + q + j, offsets: offsets.baseAddress!, rows: k, weights: packed + o0 * k, out: rowTile + j * 8)
                        }
                    }
                    for j in stride(from: 0, to: 24, by: 8) {
                        for group in stride(from: 0, to: width, by: 8) {
                            Self.transpose8(rowTile + j * width + group, stride: width, to: tile + group * paddedOutputs + q + j,
                                            toStride: paddedOutputs)
                        }
                    }
                    q += Self.positionBlock
                }
                for i in 0..<width {
                    for oh in 0..<geometry.outHeight { emit(o0 + i, oh, tile + i * paddedOutputs + oh * paddedWidth) }
                }
                o0 += width
            }
        }
    }

    /// out[j·positionStride + i] = Σ_{c, t} w[(c·taps + t)·16 + i] · x[c·plane + shifts[t] + j] for i < 16, j < 6: each
    /// position's 16 channels in two vectors, 12 accumulators (enough to cover the FMA latency on
    /// two pipes), two weight vectors and one broadcast input; each weight load feeds 6 FMAs.
    static func tile16(_ x: UnsafePointer<Float>, offsets: UnsafePointer<Int>, rows: Int,
                       weights w: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, positionStride: Int = 16) {
        var a0 = H(), a1 = H(), a2 = H(), a3 = H(), a4 = H(), a5 = H()
        var b0 = H(), b1 = H(), b2 = H(), b3 = H(), b4 = H(), b5 = H()
        var wt = w
        for r in 0..<rows {
            let xp = x + offsets[r]
            let u = loadH(wt), v = loadH(wt + 8)
            var s = H(repeating: xp[0]); a0 = a0.addingProduct(u, s); b0 = b0.addingProduct(v, s)
            s = H(repeating: xp[1]); a1 = a1.addingProduct(u, s); b1 = b1.addingProduct(v, s)
            s = H(repeating: xp[2]); a2 = a2.addingProduct(u, s); b2 = b2.addingProduct(v, s)
            s = H(repeating: xp[3]); a3 = a3.addingProduct(u, s); b3 = b3.addingProduct(v, s)
            s = H(repeating: xp[4]); a4 = a4.addingProduct(u, s); b4 = b4.addingProduct(v, s)
            s = H(repeating: xp[5]); a5 = a5.addingProduct(u, s); b5 = b5.addingProduct(v, s)
            wt += 16
        }
        store12(a0, b0, a1, b1, a2, b2, a3, b3, a4, b4, a5, b5, to: out, positionStride: positionStride)
    }

    /// The register tile's 6 positions × 16 channels, position j at `out + j·positionStride`.
    @inline(__always) static func store12(_ a0: H, _ b0: H, _ a1: H, _ b1: H, _ a2: H, _ b2: H, _ a3: H, _ b3: H, _ a4: H, _ b4: H,
                                          _ a5: H, _ b5: H, to out: UnsafeMutablePointer<Float>, positionStride s: Int) {
        storeH(a0, out); storeH(b0, out + 8); storeH(a1, out + s); storeH(b1, out + s + 8)
        storeH(a2, out + 2 * s); storeH(b2, out + 2 * s + 8); storeH(a3, out + 3 * s); storeH(b3, out + 3 * s + 8)
        storeH(a4, out + 4 * s); storeH(b4, out + 4 * s + 8); storeH(a5, out + 5 * s); storeH(b5, out + 5 * s + 8)
    }

    /// out[j·8 + i] = Σ_{c, t} w[(c·taps + t)·8 + i] · x[c·plane + shifts[t] + j] for i < 8, j < 12.
    static func tile8(_ x: UnsafePointer<Float>, offsets: UnsafePointer<Int>, rows: Int,
                              weights w: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>) {
        var a0 = H(), a1 = H(), a2 = H(), a3 = H(), a4 = H(), a5 = H()
        var a6 = H(), a7 = H(), a8 = H(), a9 = H(), a10 = H(), a11 = H()
        var wt = w
        for r in 0..<rows {
            let xp = x + offsets[r], u = loadH(wt)
            a0 = a0.addingProduct(u, H(repeating: xp[0])); a1 = a1.addingProduct(u, H(repeating: xp[1]))
            a2 = a2.addingProduct(u, H(repeating: xp[2])); a3 = a3.addingProduct(u, H(repeating: xp[3]))
            a4 = a4.addingProduct(u, H(repeating: xp[4])); a5 = a5.addingProduct(u, H(repeating: xp[5]))
            a6 = a6.addingProduct(u, H(repeating: xp[6])); a7 = a7.addingProduct(u, H(repeating: xp[7]))
            a8 = a8.addingProduct(u, H(repeating: xp[8])); a9 = a9.addingProduct(u, H(repeating: xp[9]))
            a10 = a10.addingProduct(u, H(repeating: xp[10])); a11 = a11.addingProduct(u, H(repeating: xp[11]))
            wt += 8
        }
        storeH(a0, out); storeH(a1, out + 8); storeH(a2, out + 16); storeH(a3, out + 24)
        storeH(a4, out + 32); storeH(a5, out + 40); storeH(a6, out + 48); storeH(a7, out + 56)
        storeH(a8, out + 64); storeH(a9, out + 72); storeH(a10, out + 80); storeH(a11, out + 88)
    }

    /// to[i·toStride + j] = from[j·stride + i] for i, j < 8 (`transposed`).
    @inline(__always) static func transpose8(_ from: UnsafePointer<Float>, stride: Int,
                                                     to: UnsafeMutablePointer<Float>, toStride: Int) {
        let r = transposed((loadH(from), loadH(from + stride), loadH(from + 2 &* stride), loadH(from + 3 &* stride),
                            loadH(from + 4 &* stride), loadH(from + 5 &* stride), loadH(from + 6 &* stride), loadH(from + 7 &* stride)))
        storeH(r.0, to); storeH(r.1, to + toStride); storeH(r.2, to + 2 &* toStride); storeH(r.3, to + 3 &* toStride)
        storeH(r.4, to + 4 &* toStride); storeH(r.5, to + 5 &* toStride); storeH(r.6, to + 6 &* toStride)
        storeH(r.7, to + 7 &* toStride)
    }

    /// The 8 × 8 matrix whose rows are `r` transposed (row i of the result holds element i of every
    /// row): three perfect unshuffles of the 64 elements (each moves the flat index's low bit to the
    /// top), which rotate (j, i) into (i, j).
    @inline(__always) static func transposed(_ r: (H, H, H, H, H, H, H, H)) -> (H, H, H, H, H, H, H, H) {
        var (r0, r1, r2, r3, r4, r5, r6, r7) = r
        for _ in 0..<3 {
            (r0, r1, r2, r3, r4, r5, r6, r7) = (
                H(lowHalf: r0.evenHalf, highHalf: r1.evenHalf), H(lowHalf: r2.evenHalf, highHalf: r3.evenHalf),
                H(lowHalf: r4.evenHalf, highHalf: r5.evenHalf), H(lowHalf: r6.evenHalf, highHalf: r7.evenHalf),
                H(lowHalf: r0.oddHalf, highHalf: r1.oddHalf), H(lowHalf: r2.oddHalf, highHalf: r3.oddHalf),
                H(lowHalf: r4.oddHalf, highHalf: r5.oddHalf), H(lowHalf: r6.oddHalf, highHalf: r7.oddHalf))
        }
        return (r0, r1, r2, r3, r4, r5, r6, r7)
    }

    @inline(__always) static func loadH(_ p: UnsafePointer<Float>) -> H {
        UnsafeRawPointer(p).loadUnaligned(as: H.self)
    }
    @inline(__always) static func storeH(_ v: H, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: H.self)
    }
}
