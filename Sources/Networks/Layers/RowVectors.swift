/// Elementwise maps over one short row (a convolution's output or input row: 5–30 floats), in
/// whole vectors: 16 lanes while they fit, then one last vector that ends at the row's end and
/// overlaps the one before, rewriting values already written with the same ones. Rows of 4–15
/// floats take two overlapping vectors of 8 or 4 lanes. The scalar tails this replaces cost as much
/// as the arithmetic on 14 × 14 and 7 × 7 maps (tools/bench/HISTORY.md, "Whole-vector rows").
///
/// `from` and `to` must not overlap: an overlapped vector would map a value twice. Written out per
/// width rather than generic over the vector type: unspecialised, the generic version ran the
/// direct kernel 3× slower.
enum RowVectors {
    /// to[j] = from[j] for j < count.
    @inline(__always) static func copy(_ from: UnsafePointer<Float>, to: UnsafeMutablePointer<Float>, _ count: Int) {
        map(from, to: to, count, bias: nil, relu: false)
    }

    /// to[j] += from[j] + bias (without a bias, to[j] + from[j]) for j < count: a residual added as a
    /// convolution writes. The last vector's sums are taken from `to` as it was, before the vectors
    /// it overlaps are stored, so no value is added twice.
    @inline(__always) static func accumulate(_ from: UnsafePointer<Float>, to: UnsafeMutablePointer<Float>, _ count: Int,
                                             bias: Float?) {
        if count >= 16 {
            @inline(__always) func sum(_ j: Int) -> SIMD16<Float> {
                var v = UnsafeRawPointer(from + j).loadUnaligned(as: SIMD16<Float>.self)
                if let bias { v += bias }
                return UnsafeRawPointer(to + j).loadUnaligned(as: SIMD16<Float>.self) + v
            }
            let last = sum(count - 16)
            var j = 0
            while j + 16 < count { UnsafeMutableRawPointer(to + j).storeBytes(of: sum(j), as: SIMD16<Float>.self); j += 16 }
            UnsafeMutableRawPointer(to + count - 16).storeBytes(of: last, as: SIMD16<Float>.self)
        } else if count >= 8 {
            @inline(__always) func sum(_ j: Int) -> SIMD8<Float> {
                var v = UnsafeRawPointer(from + j).loadUnaligned(as: SIMD8<Float>.self)
                if let bias { v += bias }
                return UnsafeRawPointer(to + j).loadUnaligned(as: SIMD8<Float>.self) + v
            }
            let first = sum(0), last = sum(count - 8)
            UnsafeMutableRawPointer(to).storeBytes(of: first, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(to + count - 8).storeBytes(of: last, as: SIMD8<Float>.self)
        } else if count >= 4 {
            @inline(__always) func sum(_ j: Int) -> SIMD4<Float> {
                var v = UnsafeRawPointer(from + j).loadUnaligned(as: SIMD4<Float>.self)
                if let bias { v += bias }
                return UnsafeRawPointer(to + j).loadUnaligned(as: SIMD4<Float>.self) + v
            }
            let first = sum(0), last = sum(count - 4)
            UnsafeMutableRawPointer(to).storeBytes(of: first, as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(to + count - 4).storeBytes(of: last, as: SIMD4<Float>.self)
        } else {
            for j in 0..<count {
                var v = from[j]
                if let bias { v += bias }
                to[j] += v
            }
        }
    }

    /// to[j] = from[j] + bias (without a bias, from[j] itself), or with a `scale` scale·from[j] + bias
    /// (as `Kernels.affine`: a product, then a sum), rectified with `relu`, for j < count.
    @inline(__always) static func map(_ from: UnsafePointer<Float>, to: UnsafeMutablePointer<Float>, _ count: Int,
                                      scale: Float? = nil, bias: Float?, relu: Bool) {
        let b = bias ?? 0, shifts = bias != nil, a = scale ?? 1, scales = scale != nil
        if count >= 16 {
            @inline(__always) func step(_ j: Int) {
                var v = UnsafeRawPointer(from + j).loadUnaligned(as: SIMD16<Float>.self)
                if scales { v = a * v }
                if shifts { v += b }
                if relu { v.replace(with: 0, where: v .< 0) }
                UnsafeMutableRawPointer(to + j).storeBytes(of: v, as: SIMD16<Float>.self)
            }
            var j = 0
            while j + 16 <= count { step(j); j += 16 }
            if j < count { step(count - 16) }
        } else if count >= 8 {
            @inline(__always) func step(_ j: Int) {
                var v = UnsafeRawPointer(from + j).loadUnaligned(as: SIMD8<Float>.self)
                if scales { v = a * v }
                if shifts { v += b }
                if relu { v.replace(with: 0, where: v .< 0) }
                UnsafeMutableRawPointer(to + j).storeBytes(of: v, as: SIMD8<Float>.self)
            }
            step(0)
            step(count - 8)
        } else if count >= 4 {
            @inline(__always) func step(_ j: Int) {
                var v = UnsafeRawPointer(from + j).loadUnaligned(as: SIMD4<Float>.self)
                if scales { v = a * v }
                if shifts { v += b }
                if relu { v.replace(with: 0, where: v .< 0) }
                UnsafeMutableRawPointer(to + j).storeBytes(of: v, as: SIMD4<Float>.self)
            }
            step(0)
            step(count - 4)
        } else {
            for j in 0..<count {
                var v = from[j]
                if scales { v = a * v }
                if shifts { v += b }
                if relu && v < 0 { v = 0 }
                to[j] = v
            }
        }
    }
}
