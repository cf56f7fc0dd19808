import Tensor

/// The weight and bias draws of conv and linear layers (docs/engine.md, "Initialisation").
enum Initialization {
    /// Fills a weight `[out, in, (kh, kw)]` and its optional bias `[out]` by `scheme`, weight first.
    ///
    /// - `.pytorchDefault`: `kaiming_uniform_(a = √5)` gives bound `gain·√(3/fan_in)` with
    ///   `gain = √(2/(1 + 5))`, i.e. `1/√fan_in`; the bias is `U(−1/√fan_in, 1/√fan_in)`.
    /// - `.xavierNormal`: `N(0, 2/(fan_in + fan_out))`, zero bias.
    /// - `.heNormalConvolutions`: `N(0, 2/fan_out)` with `fan_out = k²·out`, zero bias (convolutions
    ///   only: linear layers pass `.pytorchDefault`).
    static func fill(weight: UnsafeMutablePointer<Float>, count: Int, bias: UnsafeMutablePointer<Float>?, outputs: Int,
                     fanIn: Int, fanOut: Int, scheme: InitializationScheme, rng: inout RandomGenerator) {
        switch scheme {
        case .pytorchDefault:
            let bound = 1 / Float(fanIn).squareRoot()
            for i in 0..<count { weight[i] = (2 * rng.uniformFloat() - 1) * bound }
            if let bias { for i in 0..<outputs { bias[i] = (2 * rng.uniformFloat() - 1) * bound } }
        case .xavierNormal:
            let std = (2 / Float(fanIn + fanOut)).squareRoot()
            for i in 0..<count { weight[i] = rng.normal() * std }
            if let bias { bias.update(repeating: 0, count: outputs) }
        case .heNormalConvolutions:
            let std = (2 / Float(fanOut)).squareRoot()
            for i in 0..<count { weight[i] = rng.normal() * std }
            if let bias { bias.update(repeating: 0, count: outputs) }
        }
    }
}
