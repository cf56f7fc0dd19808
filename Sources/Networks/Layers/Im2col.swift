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
    /// Per ki: the range of oh whose input row ih = oh·stride − pad + ki lies inside the image.
    private let validRows: [Range<Int>]

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
        let oh = outHeight
        validRows = (0..<kernel).map { ki in
            let inside = (0..<oh).filter { let ih = $0 * stride - padding + ki; return ih >= 0 && ih < height }
            return (inside.first ?? 0)..<((inside.last ?? -1) + 1)
        }
    }

    var outSpatial: Int { outHeight * outWidth }
    var rows: Int { channels * kernel * kernel }

    /// Fills the column matrix of samples `n0 ..< n0+count` of `x` (element (n,c,s) at
    /// `c·channelStride + n·sampleStride + s`).
    func im2col(_ x: UnsafePointer<Float>, channelStride: Int, sampleStride: Int, n0: Int, count: Int,
                columns: UnsafeMutablePointer<Float>) {
        if stride == 1 && outWidth == width && outHeight == height {
            samePaddingIm2col(x, channelStride: channelStride, sampleStride: sampleStride, n0: n0, count: count,
                              columns: columns)
            return
        }
        // Per (c, ki, kj) row and sample: the output rows whose input row is outside the image are
        // zeroed as one block each side; inside, each output row is a zeroed left edge, a copy (a
        // contiguous run for stride 1, a strided gather otherwise) and a zeroed right edge.
        // Wrapping arithmetic: every index is bounded by the buffer sizes checked at allocation.
        let cols = count &* outSpatial, ow = outWidth, oh = outHeight, s = stride
        var r = 0
        for c in 0..<channels {
            for ki in 0..<kernel {
                let rows = validRows[ki]
                for kj in 0..<kernel {
                    let row = columns + r &* cols
                    r &+= 1
                    let valid = validColumns[kj], lo = valid.lowerBound, hi = valid.upperBound
                    for j in 0..<count {
                        let d0 = row + j &* outSpatial
                        guard !rows.isEmpty && !valid.isEmpty else { Kernels.zero(d0, outSpatial); continue }
                        Kernels.zero(d0, rows.lowerBound &* ow)
                        Kernels.zero(d0 + rows.upperBound &* ow, (oh &- rows.upperBound) &* ow)
                        let plane = x + c &* channelStride + (n0 &+ j) &* sampleStride
                        var o = rows.lowerBound
                        while o < rows.upperBound {
                            let d = d0 + o &* ow
                            let src = plane + ((o &* s &- padding &+ ki) &* width &- padding &+ kj)
                            Kernels.zero(d, lo)
                            Kernels.zero(d + hi, ow &- hi)
                            if s == 1 {
                                Kernels.move(src + lo, d + lo, hi &- lo)
                            } else if s == 2 {
                                var q = lo
                                while q < hi { d[q] = src[q &* 2]; q &+= 1 }
                            } else {
                                var q = lo
                                while q < hi { d[q] = src[q &* s]; q &+= 1 }
                            }
                            o &+= 1
                        }
                    }
                }
            }
        }
    }

    /// im2col of a stride-1 "same" convolution (Ho = H, Wo = W): for each (c, ki, kj) a sample's
    /// row segment is the input plane shifted by `(ki − p)·W + (kj − p)`, so it is ONE block copy
    /// (vectorised memmove) followed by zeroing the rows and edge columns that fall outside the image.
    private func samePaddingIm2col(_ x: UnsafePointer<Float>, channelStride: Int, sampleStride: Int, n0: Int, count: Int,
                                   columns: UnsafeMutablePointer<Float>) {
        let plane = height * width, cols = count * plane
        var r = 0
        for c in 0..<channels {
            for ki in 0..<kernel {
                let dh = ki - padding
                let rowLo = max(0, -dh), rowHi = min(height, height - dh)
                for kj in 0..<kernel {
                    let dw = kj - padding, shift = dh * width + dw
                    let row = columns + r * cols
                    r += 1
                    for j in 0..<count {
                        let src = x + c * channelStride + (n0 + j) * sampleStride
                        let d = row + j * plane
                        guard rowLo < rowHi else { Kernels.zero(d, plane); continue }
                        // Valid output rows [rowLo, rowHi): copy q ∈ [lo, hi) from src[q + shift], keeping the source in the plane.
                        let lo = max(rowLo * width, -shift), hi = min(rowHi * width, plane - shift)
                        Kernels.zero(d, lo)
                        d.advanced(by: lo).update(from: src + (lo + shift), count: hi - lo)
                        Kernels.zero(d + hi, plane - hi)
                        // Columns whose input column ow + dw is outside the image wrapped to a neighbouring row.
                        if dw < 0 {
                            for oh in rowLo..<rowHi { for ow in 0..<(-dw) { d[oh * width + ow] = 0 } }
                        } else if dw > 0 {
                            for oh in rowLo..<rowHi { for ow in (width - dw)..<width { d[oh * width + ow] = 0 } }
                        }
                    }
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
                                var o = valid.lowerBound
                                while o < valid.upperBound { d[o] += s[o]; o &+= 1 }
                            } else {
                                var o = valid.lowerBound, dp = d + o &* stride
                                while o < valid.upperBound { dp.pointee += s[o]; dp += stride; o &+= 1 }
                            }
                        }
                    }
                }
            }
        }
    }
}
