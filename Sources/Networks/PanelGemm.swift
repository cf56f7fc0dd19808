/// The convolutions' GEMM where OpenBLAS is weakest: `C [M×N] (=|+=) A [M×K] × B [K×N]` with few
/// rows (M = 8…64 output channels) and a long, freshly written B (the im2col columns).
///
/// OpenBLAS packs B for every call and reuses each packed element only M times; at tinyten's
/// shapes it reaches 35–50 GFLOP/s on one thread against ~100 at 512³ (measured side by side).
/// Here B is copied once into panels of 32 columns (`K × 32` contiguous floats, the last panel
/// zero-padded), and a micro-kernel holds an 8 × 32 block of C in sixteen 16-lane registers,
/// streaming the panel contiguously and broadcasting A: 16 FMAs per 2 loads. Measured 1.1–1.7×
/// OpenBLAS's rate at M = 16–64, N = 384–3136, K = 144–576 (AVX-512, one thread).
///
/// Requires M to be a multiple of 8 (`supports`). Each output element is one k-ordered sum, so
/// results differ from OpenBLAS's only by float summation order.
enum PanelGemm {
    typealias V = Kernels.V
    static let panelWidth = 32
    static let rowBlock = 8

    /// Whether the panel kernel handles `m` rows; compiled in only where the vector ISA has 32
    /// 512-bit registers (the kernel keeps 16 accumulators plus operands in registers).
    static func supports(m: Int) -> Bool {
        #if AVX512
        return m > 0 && m % rowBlock == 0
        #else
        return false
        #endif
    }

    /// Floats of the panel copy of a `k × n` matrix.
    static func panelFloats(k: Int, n: Int) -> Int { k * ((n + panelWidth - 1) / panelWidth) * panelWidth }

    /// Copies `B [k × n]` (row stride `ldb`) into panels of 32 columns.
    static func pack(_ b: UnsafePointer<Float>, ldb: Int, k: Int, n: Int, into panels: UnsafeMutablePointer<Float>) {
        var q = 0, column = 0
        while column < n {
            let w = min(panelWidth, n - column), panel = panels + q * k * panelWidth
            for p in 0..<k {
                let src = b + p * ldb + column, dst = panel + p * panelWidth
                if w == panelWidth {
                    store(load(src, 0), dst, 0)
                    store(load(src, 16), dst, 16)
                } else {
                    Kernels.move(src, dst, w)
                    Kernels.zero(dst + w, panelWidth - w)
                }
            }
            q += 1
            column += panelWidth
        }
    }

    /// `C (=|+=) A × B` with B in panels (`pack`); `m` a multiple of 8.
    static func multiply(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, panels: UnsafePointer<Float>,
                         c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        precondition(m % rowBlock == 0, "PanelGemm needs a multiple of \(rowBlock) rows, got \(m)")
        withUnsafeTemporaryAllocation(of: Float.self, capacity: rowBlock * panelWidth) { edge in
            var q = 0, column = 0
            while column < n {
                let w = min(panelWidth, n - column), panel = panels + q * k * panelWidth
                var i = 0
                while i < m {
                    if w == panelWidth {
                        block(k: k, a: a + i * lda, lda: lda, panel: panel, c: c + i * ldc + column, ldc: ldc, accumulate: accumulate)
                    } else {
                        // A partial last panel: compute the full block into `edge`, keep its first w columns.
                        let e = edge.baseAddress!
                        block(k: k, a: a + i * lda, lda: lda, panel: panel, c: e, ldc: panelWidth, accumulate: false)
                        for r in 0..<rowBlock {
                            let dst = c + (i + r) * ldc + column, src = e + r * panelWidth
                            if accumulate { for j in 0..<w { dst[j] += src[j] } } else { Kernels.move(src, dst, w) }
                        }
                    }
                    i += rowBlock
                }
                q += 1
                column += panelWidth
            }
        }
    }

    /// One 8 × 32 block: `C[0..<8, 0..<32] (=|+=) A[0..<8, 0..<k] × panel`.
    @inline(__always)
    private static func block(k: Int, a: UnsafePointer<Float>, lda: Int, panel: UnsafePointer<Float>,
                              c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let a0 = a, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
        var c40 = V(), c41 = V(), c50 = V(), c51 = V(), c60 = V(), c61 = V(), c70 = V(), c71 = V()
        var bp = panel
        for p in 0..<k {
            let b0 = load(bp, 0), b1 = load(bp, 16)
            bp += panelWidth
            var s = a0[p]; c00.addProduct(s, b0); c01.addProduct(s, b1)
            s = a1[p]; c10.addProduct(s, b0); c11.addProduct(s, b1)
            s = a2[p]; c20.addProduct(s, b0); c21.addProduct(s, b1)
            s = a3[p]; c30.addProduct(s, b0); c31.addProduct(s, b1)
            s = a4[p]; c40.addProduct(s, b0); c41.addProduct(s, b1)
            s = a5[p]; c50.addProduct(s, b0); c51.addProduct(s, b1)
            s = a6[p]; c60.addProduct(s, b0); c61.addProduct(s, b1)
            s = a7[p]; c70.addProduct(s, b0); c71.addProduct(s, b1)
        }
        put(c00, c01, c, accumulate)
        put(c10, c11, c + ldc, accumulate)
        put(c20, c21, c + 2 * ldc, accumulate)
        put(c30, c31, c + 3 * ldc, accumulate)
        put(c40, c41, c + 4 * ldc, accumulate)
        put(c50, c51, c + 5 * ldc, accumulate)
        put(c60, c61, c + 6 * ldc, accumulate)
        put(c70, c71, c + 7 * ldc, accumulate)
    }

    @inline(__always)
    private static func put(_ x: V, _ y: V, _ d: UnsafeMutablePointer<Float>, _ accumulate: Bool) {
        if accumulate {
            store(load(d, 0) + x, d, 0)
            store(load(d, 16) + y, d, 16)
        } else {
            store(x, d, 0)
            store(y, d, 16)
        }
    }
}

// File-local vector access: debug builds compile each file separately (no whole-module
// optimisation), so `Kernels.load` from another file would be a call inside the micro-kernel.
@inline(__always) private func load(_ p: UnsafePointer<Float>, _ i: Int) -> PanelGemm.V {
    UnsafeRawPointer(p + i).loadUnaligned(as: PanelGemm.V.self)
}
@inline(__always) private func store(_ v: PanelGemm.V, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
    UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: PanelGemm.V.self)
}
