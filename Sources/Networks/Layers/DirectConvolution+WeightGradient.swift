/// The weight gradient of `DirectConvolution`'s stride-1 3 × 3 layers: dot-product register tiles
/// over a chunk of samples laid out at the padded width.
extension DirectConvolution {
    /// Whether `weightGradient` applies and pays: 3 × 3, stride 1, and output planes of at least
    /// 20 × 20. Measured against im2col + OpenBLAS on one thread, the dot-product tiles were
    /// 1.3–1.5× faster at 28 × 28, even at 14 × 14 and 0.5–0.7× at 7 × 7, where a sample's plane is
    /// too short to amortise the tile's horizontal sums.
    var computesWeightGradient: Bool { geometry.kernel == 3 && geometry.stride == 1 && geometry.outSpatial >= 400 }

    /// Scratch floats `weightGradient` lays out per sample; it needs `max(this, budget)`.
    var weightGradientFloatsPerSample: Int { geometry.channels * paddedPlane + outChannels * paddedOutputs }

    /// dW (`[out, C, 3, 3]`) = Σ_n dY[n] ⋆ x[n] over `samples`, OVERWRITING `dw`. `x` as in `run`,
    /// `dy` channel-major `[out, batch, Ho, Wo]`. A chunk of samples is laid out at the padded width
    /// (x with its zero border, dY with zeros in the dropped columns); then for each pair of output
    /// channels and each input channel one register tile (two with AVX2's 16 registers) holds the
    /// 2 × 9 dot products `dW[o, c, t] = Σ_{n, q} dYp[o][n][q] · xp[c][n][q + shift_t]`.
    func weightGradient(_ x: UnsafePointer<Float>, channelStride: Int, sampleStride: Int, dy: UnsafePointer<Float>,
                        batch: Int, samples: Range<Int>, dw: UnsafeMutablePointer<Float>,
                        scratch: UnsafeMutablePointer<Float>, budget: Int) {
        precondition(computesWeightGradient, "direct dW needs 3×3, stride 1")
        let g = geometry, c = g.channels, wp = paddedWidth, rows = g.rows
        let perSample = weightGradientFloatsPerSample
        let chunk = max(1, min(samples.count, budget / perSample))
        dw.update(repeating: 0, count: outChannels * rows)
        let sh = (shifts[0], shifts[1], shifts[2], shifts[3], shifts[4], shifts[5], shifts[6], shifts[7], shifts[8])
        var n0 = samples.lowerBound, zeroedFor = 0
        while n0 < samples.upperBound {
            let count = min(chunk, samples.upperBound - n0)
            let xs = scratch, ys = scratch + c * count * paddedPlane  // xs [C][count][plane], ys [out][count][positions]
            // Borders and dropped columns stay zero while the layout (the chunk's count) stays the same.
            if count != zeroedFor { scratch.update(repeating: 0, count: count * perSample); zeroedFor = count }
            for j in 0..<count {
                for ch in 0..<c { pad(x + ch * channelStride + (n0 + j) * sampleStride, into: xs + (ch * count + j) * paddedPlane) }
                for o in 0..<outChannels {
                    let source = dy + (o * batch + n0 + j) * g.outSpatial, target = ys + (o * count + j) * paddedOutputs
                    for h in 0..<g.outHeight { RowVectors.copy(source + h * g.outWidth, to: target + h * wp, g.outWidth) }
                }
            }
            var o0 = 0
            while o0 < outChannels {
                for ch in 0..<c {
                    Self.tapTile(ys + o0 * count * paddedOutputs, yStride: count * paddedOutputs, xs + ch * count * paddedPlane,
                                 shifts: sh, samples: count, plane: paddedPlane, positions: paddedOutputs,
                                 dw: dw + o0 * rows + ch * 9, dwStride: rows)
                }
                o0 += 2
            }
            n0 += count
        }
    }

    #if ENGINE_AVX512
    /// dw[i·dwStride + t] += Σ_{n, q} y[i·yStride + n·positions + q] · x[n·plane + q + shift_t] for i < 2, t < 9.
    private static func tapTile(_ y: UnsafePointer<Float>, yStride: Int, _ x: UnsafePointer<Float>,
                                shifts sh: (Int, Int, Int, Int, Int, Int, Int, Int, Int), samples: Int, plane: Int,
                                positions: Int, dw: UnsafeMutablePointer<Float>, dwStride: Int) {
        var a0 = V(), a1 = V(), a2 = V(), a3 = V(), a4 = V(), a5 = V(), a6 = V(), a7 = V(), a8 = V()
        var b0 = V(), b1 = V(), b2 = V(), b3 = V(), b4 = V(), b5 = V(), b6 = V(), b7 = V(), b8 = V()
        for n in 0..<samples {
            let yn = y + n &* positions, xn = x + n &* plane
            var q = 0
            while q < positions {
                let e = load(yn + q), f = load(yn + (yStride &+ q)), xq = xn + q
                var v = load(xq + sh.0); a0 = a0.addingProduct(e, v); b0 = b0.addingProduct(f, v)
                v = load(xq + sh.1); a1 = a1.addingProduct(e, v); b1 = b1.addingProduct(f, v)
                v = load(xq + sh.2); a2 = a2.addingProduct(e, v); b2 = b2.addingProduct(f, v)
                v = load(xq + sh.3); a3 = a3.addingProduct(e, v); b3 = b3.addingProduct(f, v)
                v = load(xq + sh.4); a4 = a4.addingProduct(e, v); b4 = b4.addingProduct(f, v)
                v = load(xq + sh.5); a5 = a5.addingProduct(e, v); b5 = b5.addingProduct(f, v)
                v = load(xq + sh.6); a6 = a6.addingProduct(e, v); b6 = b6.addingProduct(f, v)
                v = load(xq + sh.7); a7 = a7.addingProduct(e, v); b7 = b7.addingProduct(f, v)
                v = load(xq + sh.8); a8 = a8.addingProduct(e, v); b8 = b8.addingProduct(f, v)
                q &+= 16
            }
        }
        dw[0] += a0.sum(); dw[1] += a1.sum(); dw[2] += a2.sum(); dw[3] += a3.sum(); dw[4] += a4.sum()
        dw[5] += a5.sum(); dw[6] += a6.sum(); dw[7] += a7.sum(); dw[8] += a8.sum()
        let d = dw + dwStride
        d[0] += b0.sum(); d[1] += b1.sum(); d[2] += b2.sum(); d[3] += b3.sum(); d[4] += b4.sum()
        d[5] += b5.sum(); d[6] += b6.sum(); d[7] += b7.sum(); d[8] += b8.sum()
    }

    #else
    /// dw[i·dwStride + t] += Σ_{n, q} y[i·yStride + n·positions + q] · x[n·plane + q + shift_t] for i < 2, t < 9,
    /// in two passes over the taps (0–4, then 5–8): 2 × 5 accumulators of 8 lanes, 2 dY vectors and an
    /// input vector fit AVX2's 16 registers, where 2 × 9 would spill; `positions` is a multiple of 8.
    private static func tapTile(_ y: UnsafePointer<Float>, yStride: Int, _ x: UnsafePointer<Float>,
                                shifts sh: (Int, Int, Int, Int, Int, Int, Int, Int, Int), samples: Int, plane: Int,
                                positions: Int, dw: UnsafeMutablePointer<Float>, dwStride: Int) {
        var a0 = H(), a1 = H(), a2 = H(), a3 = H(), a4 = H(), b0 = H(), b1 = H(), b2 = H(), b3 = H(), b4 = H()
        for n in 0..<samples {
            let yn = y + n &* positions, xn = x + n &* plane
            var q = 0
            while q < positions {
                let e = loadH(yn + q), f = loadH(yn + (yStride &+ q)), xq = xn + q
                var v = loadH(xq + sh.0); a0 = a0.addingProduct(e, v); b0 = b0.addingProduct(f, v)
                v = loadH(xq + sh.1); a1 = a1.addingProduct(e, v); b1 = b1.addingProduct(f, v)
                v = loadH(xq + sh.2); a2 = a2.addingProduct(e, v); b2 = b2.addingProduct(f, v)
                v = loadH(xq + sh.3); a3 = a3.addingProduct(e, v); b3 = b3.addingProduct(f, v)
                v = loadH(xq + sh.4); a4 = a4.addingProduct(e, v); b4 = b4.addingProduct(f, v)
                q &+= 8
            }
        }
        let d = dw + dwStride
        dw[0] += a0.sum(); dw[1] += a1.sum(); dw[2] += a2.sum(); dw[3] += a3.sum(); dw[4] += a4.sum()
        d[0] += b0.sum(); d[1] += b1.sum(); d[2] += b2.sum(); d[3] += b3.sum(); d[4] += b4.sum()
        a0 = H(); a1 = H(); a2 = H(); a3 = H(); b0 = H(); b1 = H(); b2 = H(); b3 = H()
        for n in 0..<samples {
            let yn = y + n &* positions, xn = x + n &* plane
            var q = 0
            while q < positions {
                let e = loadH(yn + q), f = loadH(yn + (yStride &+ q)), xq = xn + q
                var v = loadH(xq + sh.5); a0 = a0.addingProduct(e, v); b0 = b0.addingProduct(f, v)
                v = loadH(xq + sh.6); a1 = a1.addingProduct(e, v); b1 = b1.addingProduct(f, v)
                v = loadH(xq + sh.7); a2 = a2.addingProduct(e, v); b2 = b2.addingProduct(f, v)
                v = loadH(xq + sh.8); a3 = a3.addingProduct(e, v); b3 = b3.addingProduct(f, v)
                q &+= 8
            }
        }
        dw[5] += a0.sum(); dw[6] += a1.sum(); dw[7] += a2.sum(); dw[8] += a3.sum()
        d[5] += b0.sum(); d[6] += b1.sum(); d[7] += b2.sum(); d[8] += b3.sum()
    }
    #endif
}
