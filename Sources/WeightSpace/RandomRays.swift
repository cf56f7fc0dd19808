import Tensor

/// The SWA paper's width probe (Izmailov et al. 2018, §4.2): directions drawn uniformly on the unit
/// sphere of parameter space (a Gaussian vector normalised over the whole parameter vector; BN
/// buffers are not parameters), the **same** directions for every solution compared.
public struct RandomRays: Sendable {
    public let directions: [[Float]]

    /// `count` unit directions in `dimension` dimensions, all drawn from one generator seeded with `seed`.
    public init(count: Int, dimension: Int, seed: UInt64) {
        precondition(count >= 1 && dimension >= 1, "need at least one ray in at least one dimension, got \(count), \(dimension)")
        var rng = RandomGenerator(seed: seed)
        directions = (0..<count).map { _ in
            var d = (0..<dimension).map { _ in rng.normal() }
            let norm = d.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            for i in d.indices { d[i] = Float(Double(d[i]) / norm) }
            return d
        }
    }

    /// `w + s·d_ray`; distance 0 is `w` itself.
    public func point(from w: [Float], ray: Int, distance s: Double) -> [Float] {
        var p = w
        if s != 0 { BLAS.axpy(alpha: Float(s), directions[ray], &p) }
        return p
    }

    /// The distance at which `values` (measured at increasing `distances`) first rises `rise`
    /// above `values[0]`, interpolated linearly between the two distances around the crossing;
    /// nil when it never does within the range.
    public static func width(distances: [Double], values: [Double], rise: Double) -> Double? {
        precondition(distances.count == values.count && !values.isEmpty, "need one value per distance")
        let threshold = values[0] + rise
        for k in 1..<values.count where values[k] >= threshold {
            let (d0, d1, v0, v1) = (distances[k - 1], distances[k], values[k - 1], values[k])
            return v1 == v0 ? d1 : d0 + (threshold - v0) / (v1 - v0) * (d1 - d0)
        }
        return nil
    }
}
