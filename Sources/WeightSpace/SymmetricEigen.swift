/// Eigenvalues and eigenvectors of a small dense symmetric matrix by cyclic Jacobi rotations
/// (Golub & Van Loan §8.5): each sweep zeroes every off-diagonal entry once; sweeps repeat until
/// the off-diagonal mass is below `tolerance` times the matrix's Frobenius norm. Used for Lanczos's
/// tridiagonal matrices (tens of rows) and, in the tests, for Hessians assembled column by column.
public enum SymmetricEigen {
    /// Eigenvalues in decreasing order and their unit eigenvectors (`vectors[i]` belongs to `values[i]`).
    /// `matrix` is row-major `n × n` and must be symmetric.
    public static func decompose(_ matrix: [Double], n: Int, tolerance: Double = 1e-14, maxSweeps: Int = 100)
        -> (values: [Double], vectors: [[Double]]) {
        precondition(matrix.count == n * n, "a \(n) × \(n) matrix needs \(n * n) entries, got \(matrix.count)")
        var a = matrix
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let norm = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for _ in 0..<maxSweeps {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<max(p + 1, n) { off += 2 * a[p * n + q] * a[p * n + q] } }
            if off.squareRoot() <= tolerance * max(norm, 1e-300) { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) where a[p * n + q] != 0 {
                    // The rotation (c, s) that zeroes a[p][q] (the smaller of the two angles).
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] > a[$1 * n + $1] }
        return (order.map { a[$0 * n + $0] }, order.map { j in (0..<n).map { v[$0 * n + j] } })
    }

    /// The same for the symmetric tridiagonal matrix with diagonal `alpha` and off-diagonal `beta`
    /// (`beta.count == alpha.count − 1`).
    public static func tridiagonal(alpha: [Double], beta: [Double]) -> (values: [Double], vectors: [[Double]]) {
        let n = alpha.count
        precondition(beta.count == max(n - 1, 0), "a tridiagonal matrix of \(n) rows has \(max(n - 1, 0)) off-diagonal entries")
        var m = [Double](repeating: 0, count: n * n)
        for i in 0..<n { m[i * n + i] = alpha[i] }
        for i in 0..<max(n - 1, 0) { m[i * n + i + 1] = beta[i]; m[(i + 1) * n + i] = beta[i] }
        return decompose(m, n: n)
    }
}
