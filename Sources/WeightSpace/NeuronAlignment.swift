import Datasets
import Networks
import Tensor

/// Tatro et al. 2020 (IBM/NeuronAlignment): match the units of network B to those of network A by
/// the correlation of their post-activations, every pixel of a map a sample.
///
/// Per unit group, `corr[i][j] = E[(a_i − μ_i)(b_j − μ_j)] / ((σ_i + 1e-5)(σ_j + 1e-5))` over all
/// samples and pixels of `data` (eval mode, each network's own BN statistics); a residual stream's
/// matrix is the mean of its reads' matrices. The matching is the assignment minimising
/// `Σ_i (1.01 − corr[i][π(i)])`, i.e. maximising the matched correlation.
public enum NeuronAlignment {
    /// One matrix per unit group of `network`, A's units as rows, B's as columns.
    public static func correlations(network: Network, a: (parameters: [Float], state: [Float]), b: (parameters: [Float], state: [Float]),
                                    data: Dataset, batchSize: Int = 100) -> [[[Double]]] {
        let groups = network.unitGroups
        var moments = groups.map { g in g.activations.map { _ in CrossMoments(channels: g.channels) } }
        let wa = network.makeWorkspace(batchCapacity: batchSize), wb = network.makeWorkspace(batchCapacity: batchSize)
        var sa = a.state, sb = b.state
        let sampleSize = data.sampleSize
        data.images.withUnsafeBufferPointer { x in
            var start = 0
            while start < data.count {
                let n = min(batchSize, data.count - start)
                a.parameters.withUnsafeBufferPointer { p in sa.withUnsafeMutableBufferPointer { s in
                    _ = network.forward(parameters: p.baseAddress!, state: s.baseAddress!, input: x.baseAddress! + start * sampleSize,
                                        batch: n, mode: .eval, workspace: wa)
                } }
                b.parameters.withUnsafeBufferPointer { p in sb.withUnsafeMutableBufferPointer { s in
                    _ = network.forward(parameters: p.baseAddress!, state: s.baseAddress!, input: x.baseAddress! + start * sampleSize,
                                        batch: n, mode: .eval, workspace: wb)
                } }
                for (g, group) in groups.enumerated() {
                    for (k, activation) in group.activations.enumerated() {
                        moments[g][k].add(wa.read(activation), wb.read(activation), batch: n, spatial: group.shapes[k][1] * group.shapes[k][2])
                    }
                }
                start += n
            }
        }
        return moments.map { reads in
            let matrices = reads.map { $0.correlation() }
            let c = matrices[0].count
            return (0..<c).map { i in (0..<c).map { j in matrices.reduce(0) { $0 + $1[i][j] } / Double(matrices.count) } }
        }
    }

    /// The permutation of B's units that maximises the matched correlation (cost `1.01 − corr`).
    public static func match(_ correlation: [[Double]]) throws -> [Int] {
        try LinearAssignment.minimise(correlation.map { $0.map { 1.01 - $0 } })
    }

    /// Mean correlation of the units matched by `permutation` (the identity: before alignment).
    public static func meanMatched(_ correlation: [[Double]], _ permutation: [Int]) -> Double {
        permutation.enumerated().reduce(0) { $0 + correlation[$1.offset][$1.element] } / Double(permutation.count)
    }
}

/// Running sums for the correlation of two C-channel maps, in Double.
struct CrossMoments {
    let channels: Int
    var count = 0.0
    var sumA: [Double], sumB: [Double], sumA2: [Double], sumB2: [Double]
    /// `Σ a_i b_j`, row-major C × C.
    var sumAB: [Double]
    private var product: [Float]

    init(channels: Int) {
        self.channels = channels
        sumA = [Double](repeating: 0, count: channels)
        (sumB, sumA2, sumB2) = (sumA, sumA, sumA)
        sumAB = [Double](repeating: 0, count: channels * channels)
        product = [Float](repeating: 0, count: channels * channels)
    }

    /// Adds `batch` samples of NCHW maps `a`, `b` with `spatial` pixels per channel.
    mutating func add(_ a: [Float], _ b: [Float], batch: Int, spatial: Int) {
        let c = channels, plane = c * spatial
        for n in 0..<batch {
            for ch in 0..<c {
                var sa = 0.0, sb = 0.0, qa = 0.0, qb = 0.0
                for p in 0..<spatial {
                    let x = Double(a[n * plane + ch * spatial + p]), y = Double(b[n * plane + ch * spatial + p])
                    sa += x; sb += y; qa += x * x; qb += y * y
                }
                sumA[ch] += sa; sumB[ch] += sb; sumA2[ch] += qa; sumB2[ch] += qb
            }
            // One sample's C × C cross products in float (spatial ≤ 784 terms), accumulated in Double.
            a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in product.withUnsafeMutableBufferPointer { out in
                BLAS.gemm(transB: true, m: c, n: c, k: spatial, a: ap.baseAddress! + n * plane, lda: spatial,
                          b: bp.baseAddress! + n * plane, ldb: spatial, c: out.baseAddress!, ldc: c)
            } } }
            for k in 0..<(c * c) { sumAB[k] += Double(product[k]) }
        }
        count += Double(batch * spatial)
    }

    func correlation() -> [[Double]] {
        let meanA = sumA.map { $0 / count }, meanB = sumB.map { $0 / count }
        let stdA = (0..<channels).map { max(0, sumA2[$0] / count - meanA[$0] * meanA[$0]).squareRoot() }
        let stdB = (0..<channels).map { max(0, sumB2[$0] / count - meanB[$0] * meanB[$0]).squareRoot() }
        return (0..<channels).map { i in
            (0..<channels).map { j in (sumAB[i * channels + j] / count - meanA[i] * meanB[j]) / ((stdA[i] + 1e-5) * (stdB[j] + 1e-5)) }
        }
    }
}
