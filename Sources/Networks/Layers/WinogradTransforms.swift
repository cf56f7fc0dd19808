/// The matrices of Winograd's F(m, 3) for any m up to 6 (Lavin & Gray 2016; Cook–Toom), computed
/// in double precision from the interpolation points 0, 1, −1, 2, −2, ½, −½ (the first m + 1 of
/// them) and ∞.
///
/// A linear convolution s = g ∗ h (g of 3 taps, h of m) is evaluated at the α = m + 2 points
/// (at ∞: the leading coefficient), multiplied there and interpolated back:
/// `s = V⁻¹ [(V₃ g) ⊙ (V_m h)]`, with V_n the α × n Vandermonde matrix of the points (its ∞ row
/// picks the last coefficient) and V = V_α. The correlation y_i = Σ_k g_k d_{i+k} a convolution
/// layer computes is that algorithm transposed: `y = V_mᵀ [(V₃ g) ⊙ (V⁻ᵀ d)]`, so
/// `Aᵀ = V_mᵀ` (m × α), `G = V₃` (α × 3) and `Bᵀ = V⁻ᵀ` (α × α). In two dimensions,
/// `Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A`.
///
/// Bᵀ and Aᵀ are kept in single precision by columns, each padded to 8 rows with zeros
/// (`input[k·8 + i] = Bᵀ[i][k]`): a transform then sums α vectors into 8 independent accumulators
/// (`WinogradConvolution.combine`) rather than chaining each output's few products.
struct WinogradTransforms: Sendable {
    /// Outputs per side, m, and the tile's side α = m + 2.
    let outputs: Int, alpha: Int
    /// Bᵀ (α × α) and Aᵀ (m × α) by columns, 8 floats a column.
    let input: [Float], output: [Float]
    /// G (α × 3), dense and row-major, in double precision.
    let kernel: [Double]

    static let points: [Double] = [0, 1, -1, 2, -2, 0.5, -0.5]

    init(outputs m: Int) {
        precondition((1...Self.points.count - 1).contains(m), "F(\(m), 3) needs \(m + 1) interpolation points (at most \(Self.points.count))")
        outputs = m
        let alpha = m + 2
        self.alpha = alpha
        let points = Array(Self.points.prefix(alpha - 1))
        /// The α × n Vandermonde matrix of the points, its last row (∞) picking the last coefficient.
        func vandermonde(_ n: Int) -> [[Double]] {
            points.map { p in (0..<n).map { e in (0..<e).reduce(1.0) { power, _ in power * p } } } + [(0..<n).map { $0 == n - 1 ? 1 : 0 }]
        }
        // Bᵀ[i][k] = V⁻¹[k][i], so Bᵀ's column k is V⁻¹'s row k; Aᵀ[i][k] = V_m[k][i], so Aᵀ's column k is V_m's row k.
        func columns(_ rows: [[Double]]) -> [Float] { rows.flatMap { row in (0..<8).map { $0 < row.count ? Float(row[$0]) : 0 } } }
        input = columns(Self.inverted(vandermonde(alpha)))
        output = columns(vandermonde(m))
        kernel = vandermonde(3).flatMap { $0 }
    }

    /// U = G g Gᵀ (ξ = α·row + column) of one 3 × 3 kernel in double precision.
    func transformKernel(_ g: UnsafePointer<Float>, _ put: (Int, Float) -> Void) {
        let alpha = alpha
        kernel.withUnsafeBufferPointer { gm in
            for a in 0..<alpha {
                let ga = gm.baseAddress! + 3 * a
                func row(_ j: Int) -> Double { ga[0] * Double(g[j]) + ga[1] * Double(g[3 + j]) + ga[2] * Double(g[6 + j]) }
                let r0 = row(0), r1 = row(1), r2 = row(2)
                for b in 0..<alpha { put(a * alpha + b, Float(r0 * gm[3 * b] + r1 * gm[3 * b + 1] + r2 * gm[3 * b + 2])) }
            }
        }
    }

    /// The inverse of a nonsingular square matrix by Gauss–Jordan elimination with partial pivoting.
    static func inverted(_ matrix: [[Double]]) -> [[Double]] {
        let n = matrix.count
        var a = matrix.enumerated().map { i, row in row + (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for col in 0..<n {
            let pivot = (col..<n).max { abs(a[$0][col]) < abs(a[$1][col]) }!
            precondition(abs(a[pivot][col]) > 1e-12, "singular matrix")
            a.swapAt(col, pivot)
            let p = a[col][col]
            a[col] = a[col].map { $0 / p }
            for r in 0..<n where r != col && a[r][col] != 0 {
                let f = a[r][col]
                a[r] = zip(a[r], a[col]).map { $0 - f * $1 }
            }
        }
        return a.map { Array($0[n...]) }
    }
}
