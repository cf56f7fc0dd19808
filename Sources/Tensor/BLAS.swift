import CBLAS

/// The engine's only door to OpenBLAS. Row-major single precision throughout.
public enum BLAS {
    /// `C = alpha * op(A) * op(B) + beta * C`, row-major; `A` is `m×k` after `op`, `B` is `k×n`.
    @inline(__always)
    public static func gemm(
        transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `y += alpha * x` over `n` elements.
    @inline(__always)
    public static func axpy(_ n: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(Int32(n), alpha, x, 1, y, 1)
    }

    @inline(__always)
    public static func dot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        cblas_sdot(Int32(n), x, 1, y, 1)
    }

    @inline(__always)
    public static func scale(_ n: Int, alpha: Float, x: UnsafeMutablePointer<Float>) {
        cblas_sscal(Int32(n), alpha, x, 1)
    }

    @inline(__always)
    public static func norm2(_ n: Int, _ x: UnsafePointer<Float>) -> Float { cblas_snrm2(Int32(n), x, 1) }

    /// Number of threads OpenBLAS uses for one call.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// The kernel family OpenBLAS picked when it loaded (e.g. "Haswell", "SkylakeX").
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's build configuration string.
    public static var config: String { String(cString: openblas_get_config()) }
}

// Array conveniences used outside the hot path (weight-space arithmetic on whole vectors).
extension BLAS {
    /// `y += alpha * x` for whole arrays of equal length.
    public static func axpy(alpha: Float, _ x: [Float], _ y: inout [Float]) {
        precondition(x.count == y.count, "axpy lengths differ: \(x.count) vs \(y.count)")
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in axpy(x.count, alpha: alpha, x: xp.baseAddress!, y: yp.baseAddress!) }
        }
    }

    public static func dot(_ x: [Float], _ y: [Float]) -> Float {
        precondition(x.count == y.count, "dot lengths differ: \(x.count) vs \(y.count)")
        return x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in dot(x.count, xp.baseAddress!, yp.baseAddress!) } }
    }

    public static func norm2(_ x: [Float]) -> Float {
        x.withUnsafeBufferPointer { norm2(x.count, $0.baseAddress!) }
    }
}
