import Tensor
import Testing
import TestSupport

@Suite("BLAS wrappers")
struct BLASTests {
    /// Naive row-major `alpha·op(A)·op(B) + beta·C` in Double.
    func naive(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: [Float], b: [Float], beta: Float,
               c: [Float]) -> [Float] {
        var out = c
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for l in 0..<k {
                    let av = transA ? a[l * m + i] : a[i * k + l], bv = transB ? b[j * k + l] : b[l * n + j]
                    s += Double(av) * Double(bv)
                }
                out[i * n + j] = Float(Double(alpha) * s + Double(beta) * Double(c[i * n + j]))
            }
        }
        return out
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gemmMatchesNaive(transA: Bool, transB: Bool) {
        let m = 5, n = 7, k = 3
        var rng = RandomGenerator(seed: 1)
        let a = (0..<(m * k)).map { _ in rng.normal() }, b = (0..<(k * n)).map { _ in rng.normal() }
        let c0 = (0..<(m * n)).map { _ in rng.normal() }
        var c = c0
        BLAS.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a, lda: transA ? m : k, b: b,
                  ldb: transB ? k : n, beta: 2, c: &c, ldc: n)
        expectClose(c, naive(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a, b: b, beta: 2, c: c0),
                    rtol: 1e-5, atol: 1e-5)
    }

    @Test func gemmHandExample() {
        // [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50]
        var c = [Float](repeating: 0, count: 4)
        BLAS.gemm(m: 2, n: 2, k: 2, a: [1, 2, 3, 4], lda: 2, b: [5, 6, 7, 8], ldb: 2, c: &c, ldc: 2)
        #expect(c == [19, 22, 43, 50])
    }

    @Test func vectorOperations() {
        var y: [Float] = [1, 1, 1]
        BLAS.axpy(alpha: 2, [1, 2, 3], &y)
        #expect(y == [3, 5, 7])
        #expect(BLAS.dot([1, 2, 3], [4, 5, 6]) == 32)
        expectClose(BLAS.norm2([3, 4]), 5)
        y.withUnsafeMutableBufferPointer { BLAS.scale(3, alpha: 0.5, x: $0.baseAddress!) }
        #expect(y == [1.5, 2.5, 3.5])
        #expect(BLAS.threads >= 1)
        #expect(!BLAS.coreName.isEmpty)
    }
}

@Suite("ParameterLayout")
struct ParameterLayoutTests {
    @Test func offsetsArePackedInOrder() {
        var l = ParameterLayout()
        #expect(l.add("a.weight", shape: [2, 3], role: .weight) == 0)
        #expect(l.add("a.running_mean", shape: [2], role: .runningMean) == 0)
        #expect(l.add("a.bias", shape: [2], role: .bias) == 6)
        #expect(l.add("a.running_var", shape: [2], role: .runningVar) == 2)
        #expect(l.parameterCount == 8 && l.stateCount == 4)
        #expect(l.entry(named: "a.bias")?.range == 6..<8)
        #expect(l.allEntries.map(\.name) == ["a.weight", "a.bias", "a.running_mean", "a.running_var"])
    }
}
