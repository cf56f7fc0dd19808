/// Vectorised loops shared by the layers. Swift does not reassociate floating-point sums, so
/// reductions are written with explicit SIMD partial sums (16 lanes, summed at the end in Double).
enum Kernels {
    typealias V = SIMD16<Float>
    static let lanes = 16

    @inline(__always) static func load(_ p: UnsafePointer<Float>, _ i: Int) -> V {
        UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
    }
    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: V.self)
    }
    @inline(__always) static func total(_ v: V) -> Double {
        var s = 0.0
        for i in 0..<lanes { s += Double(v[i]) }
        return s
    }

    /// Σ x[i]
    static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Double {
        var acc = V(), i = 0
        while i + lanes <= n { acc += load(x, i); i += lanes }
        var s = total(acc)
        while i < n { s += Double(x[i]); i += 1 }
        return s
    }

    /// Σ (x[i] − mean)²
    static func sumSquaredDeviations(_ x: UnsafePointer<Float>, _ n: Int, mean: Float) -> Double {
        var acc = V(), i = 0
        let m = V(repeating: mean)
        while i + lanes <= n { let d = load(x, i) - m; acc += d * d; i += lanes }
        var s = total(acc)
        while i < n { let d = Double(x[i] - mean); s += d * d; i += 1 }
        return s
    }

    /// The ReLU mask of `affine(x, a: a, b: b, relu: true)` recomputed from `x` where `relu` is
    /// `(a, b)`: g = dy where that output was positive, else 0 (g = dy when `relu` is nil). It is
    /// the same arithmetic as `affine`'s, lane for lane and in its scalar tail, so the mask is the one
    /// the forward pass's output would give, without reading that output.
    @inline(__always) static func masked(_ dy: V, _ x: V, relu: (a: V, b: V)?) -> V {
        guard let relu else { return dy }
        var g = dy
        g.replace(with: V(), where: relu.a * x + relu.b .<= V())
        return g
    }
    @inline(__always) static func masked(_ dy: Float, _ x: Float, relu: (a: Float, b: Float)?) -> Float {
        guard let relu else { return dy }
        return relu.a * x + relu.b > 0 ? dy : 0
    }

    /// With g = dy masked as by `masked` (`relu` = the forward affine's (a, b), or nil for no ReLU):
    /// returns (Σ g, Σ g·(x − mean)).
    static func maskedSums(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, _ n: Int,
                           mean: Float, relu: (a: Float, b: Float)?) -> (Double, Double) {
        var a = V(), b = V(), i = 0
        let m = V(repeating: mean), r = relu.map { (V(repeating: $0.a), V(repeating: $0.b)) }
        while i + lanes <= n {
            let xi = load(x, i), g = masked(load(dy, i), xi, relu: r)
            a += g
            b += g * (xi - m)
            i += lanes
        }
        var sa = total(a), sb = total(b)
        while i < n {
            let g = masked(dy[i], x[i], relu: relu)
            sa += Double(g); sb += Double(g * (x[i] - mean)); i += 1
        }
        return (sa, sb)
    }

    /// y[i] = a·x[i] + b, then max(·, 0) when `relu`.
    static func affine(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, a: Float, b: Float, relu: Bool) {
        let va = V(repeating: a), vb = V(repeating: b), zero = V()
        var i = 0
        if relu {
            while i + lanes <= n { var v = va * load(x, i) + vb; v.replace(with: zero, where: v .< zero); store(v, y, i); i += lanes }
            while i < n { let v = a * x[i] + b; y[i] = v > 0 ? v : 0; i += 1 }
        } else {
            while i + lanes <= n { store(va * load(x, i) + vb, y, i); i += lanes }
            while i < n { y[i] = a * x[i] + b; i += 1 }
        }
    }

    /// dx[i] (=|+=) k1·g[i] + k2·x[i] + k3, with g = dy masked as by `masked`.
    static func affineBackward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>,
                               dx: UnsafeMutablePointer<Float>, _ n: Int, k1: Float, k2: Float, k3: Float,
                               relu: (a: Float, b: Float)?, accumulate: Bool) {
        let v1 = V(repeating: k1), v2 = V(repeating: k2), v3 = V(repeating: k3)
        let r = relu.map { (V(repeating: $0.a), V(repeating: $0.b)) }
        var i = 0
        while i + lanes <= n {
            let xi = load(x, i), g = masked(load(dy, i), xi, relu: r)
            var v = v1 * g + v2 * xi + v3
            if accumulate { v += load(dx, i) }
            store(v, dx, i)
            i += lanes
        }
        while i < n {
            let g = masked(dy[i], x[i], relu: relu)
            let v = k1 * g + k2 * x[i] + k3
            dx[i] = accumulate ? dx[i] + v : v
            i += 1
        }
    }

    /// x[0..<n] = 0, as an inline loop (short rows: a libc call costs more than the work).
    @inline(__always) static func zero(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i < n { x[i] = 0; i &+= 1 }
    }

    /// y[0..<n] = x[0..<n], as an inline loop.
    @inline(__always) static func move(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i < n { y[i] = x[i]; i &+= 1 }
    }

    /// y[i] = a[i] + b[i]
    static func sum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        while i + lanes <= n { store(load(a, i) + load(b, i), y, i); i += lanes }
        while i < n { y[i] = a[i] + b[i]; i += 1 }
    }

    /// y[i] (=|+=) x[i]
    static func copy(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, accumulate: Bool) {
        if accumulate {
            var i = 0
            while i + lanes <= n { store(load(y, i) + load(x, i), y, i); i += lanes }
            while i < n { y[i] += x[i]; i += 1 }
        } else {
            y.update(from: x, count: n)
        }
    }
}
