/// The geometry of a 2-D convolution or pooling window and its im2col lowering.
///
/// The column matrix of samples `n0 ..< n0+count` is `[C·k·k, count·Ho·Wo]`, row `(c·k + ki)·k + kj`,
/// column `(n − n0)·Ho·Wo + oh·Wo + ow`, holding `x[n, c, oh·stride − pad + ki, ow·stride − pad + kj]`
/// (zero outside the image). A convolution is then `W [out, C·k·k] × columns`.
struct ConvGeometry {
    let channels, height, width, kernel, stride, padding: Int
    let outHeight, outWidth: Int
    /// Per kj: the range of ow whose input column iw = ow·stride − pad + kj lies inside the image.
    private let validColumns: [Range<Int>]

    init(channels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int) {
        precondition(kernel > 0 && stride > 0 && padding >= 0, "bad window k=\(kernel) s=\(stride) p=\(padding)")
        self.channels = channels; self.height = height; self.width = width
        self.kernel = kernel; self.stride = stride; self.padding = padding
        outHeight = (height + 2 * padding - kernel) / stride + 1
        outWidth = (width + 2 * padding - kernel) / stride + 1
        precondition(outHeight > 0 && outWidth > 0, "window \(kernel) does not fit \(height)×\(width) with padding \(padding)")
        let ow = outWidth
        validColumns = (0..<kernel).map { kj in
            let inside = (0..<ow).filter { let iw = $0 * stride - padding + kj; return iw >= 0 && iw < width }
            return (inside.first ?? 0)..<((inside.last ?? -1) + 1)
        }
    }

    var outSpatial: Int { outHeight * outWidth }
    var rows: Int { channels * kernel * kernel }

    /// Fills the column matrix of samples `n0 ..< n0+count` of `x` (element (n,c,s) at
    /// `c·channelStride + n·sampleStride + s`).
    func im2col(_ x: UnsafePointer<Float>, channelStride: Int, sampleStride: Int, n0: Int, count: Int,
                columns: UnsafeMutablePointer<Float>) {
        let cols = count * outSpatial, ow = outWidth
        var r = 0
        for c in 0..<channels {
            for ki in 0..<kernel {
                for kj in 0..<kernel {
                    let row = columns + r * cols
                    let valid = validColumns[kj]
                    for j in 0..<count {
                        let plane = x + c * channelStride + (n0 + j) * sampleStride
                        let dst0 = row + j * outSpatial
                        for oh in 0..<outHeight {
                            let d = dst0 + oh * ow
                            let ih = oh * stride - padding + ki
                            guard ih >= 0 && ih < height, !valid.isEmpty else {
                                d.update(repeating: 0, count: ow); continue
                            }
                            if valid.lowerBound > 0 { d.update(repeating: 0, count: valid.lowerBound) }
                            if valid.upperBound < ow { (d + valid.upperBound).update(repeating: 0, count: ow - valid.upperBound) }
                            let src = plane + ih * width - padding + kj
                            if stride == 1 {
                                (d + valid.lowerBound).update(from: src + valid.lowerBound, count: valid.count)
                            } else {
                                for o in valid { d[o] = src[o * stride] }
                            }
                        }
                    }
                    r += 1
                }
            }
        }
    }

    /// The adjoint of `im2col`: adds (or, with `accumulate == false`, first zeroes then adds) the
    /// column matrix back into the image gradient `dx` of samples `n0 ..< n0+count`.
    func col2im(_ columns: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, channelStride: Int, sampleStride: Int,
                n0: Int, count: Int, accumulate: Bool) {
        let cols = count * outSpatial, ow = outWidth, planeSize = height * width
        if !accumulate {
            for c in 0..<channels {
                for j in 0..<count { (dx + c * channelStride + (n0 + j) * sampleStride).update(repeating: 0, count: planeSize) }
            }
        }
        var r = 0
        for c in 0..<channels {
            for ki in 0..<kernel {
                for kj in 0..<kernel {
                    let row = columns + r * cols
                    let valid = validColumns[kj]
                    r += 1
                    if valid.isEmpty { continue }
                    for j in 0..<count {
                        let plane = dx + c * channelStride + (n0 + j) * sampleStride
                        let src0 = row + j * outSpatial
                        for oh in 0..<outHeight {
                            let ih = oh * stride - padding + ki
                            guard ih >= 0 && ih < height else { continue }
                            let s = src0 + oh * ow
                            let d = plane + ih * width - padding + kj
                            if stride == 1 {
                                for o in valid { d[o] += s[o] }
                            } else {
                                for o in valid { d[o * stride] += s[o] }
                            }
                        }
                    }
                }
            }
        }
    }
}
