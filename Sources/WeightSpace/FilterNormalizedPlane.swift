import Tensor

/// Li et al. 2018 (tomgoldstein/loss-landscape): a random direction made comparable across
/// networks and layers by **filter normalisation** — a Gaussian direction drawn per tensor, each
/// output filter (conv) or row (linear) rescaled to the norm of the matching filter of the weights;
/// biases and BN γ, β get direction 0 (LL's `ignore='biasbn'`). BN running statistics are not in θ.
public enum FilterNormalization {
    /// A filter-normalised direction for `parameters` laid out by `layout`.
    /// Contract: for every `.weight` tensor and every output index f,
    /// `‖d[f]‖ = ‖parameters[f]‖` (to float precision); every other entry of d is 0.
    public static func direction(for parameters: [Float], layout: ParameterLayout, rng: inout RandomGenerator) -> [Float] {
        precondition(parameters.count == layout.parameterCount, "parameters of length \(parameters.count) do not fit a layout of \(layout.parameterCount)")
        var d = [Float](repeating: 0, count: parameters.count)
        for entry in layout.parameters where entry.role == .weight {
            let filters = entry.shape[0], size = entry.count / filters
            for f in 0..<filters {
                let range = (entry.offset + f * size)..<(entry.offset + (f + 1) * size)
                var dn = 0.0, wn = 0.0
                for i in range {
                    d[i] = rng.normal()
                    dn += Double(d[i]) * Double(d[i])
                    wn += Double(parameters[i]) * Double(parameters[i])
                }
                let factor = wn.squareRoot() / (dn.squareRoot() + 1e-10)
                for i in range { d[i] = Float(Double(d[i]) * factor) }
            }
        }
        return d
    }
}

/// LL's surface around one network: `θ* + x·δ + y·η` with two independent filter-normalised
/// directions δ, η (not orthogonalised, as LL does; in high dimension they are nearly orthogonal).
public struct FilterNormalizedPlane: Sendable {
    public let center: [Float]
    public let delta: [Float], eta: [Float]

    /// Draws δ then η from one generator seeded with `seed`.
    public init(center: [Float], layout: ParameterLayout, seed: UInt64) {
        var rng = RandomGenerator(seed: seed)
        self.center = center
        delta = FilterNormalization.direction(for: center, layout: layout, rng: &rng)
        eta = FilterNormalization.direction(for: center, layout: layout, rng: &rng)
    }

    /// `θ* + x·δ + y·η`; `(0, 0)` is the centre exactly.
    public func point(x: Double, y: Double) -> [Float] {
        var p = center
        for i in p.indices { p[i] += Float(x) * delta[i] + Float(y) * eta[i] }
        return p
    }
}
