import Datasets
import Networks
import Tensor
import Training

/// The Hessian of a network's training loss at θ as an operator: `product(v) = H v`.
///
/// The loss is the mean softmax cross-entropy over a fixed dataset (no augmentation, no weight
/// decay), with BN in evaluation mode on the state's running statistics (PyHessian's convention:
/// the curvature of the function the network computes, not of a batch's normalisation). The
/// gradient is accumulated over the dataset's batches in double precision.
///
/// `H v` is the central difference of gradients `(∇L(θ + h v̂) − ∇L(θ − h v̂)) / 2h · ‖v‖` along the
/// unit direction `v̂`, with the step `h = relativeStep · max(‖θ‖, 1)` the same for every direction:
/// its truncation error is O(h²) (exact for a quadratic loss) and its rounding error O(ε·‖∇L‖/h).
/// `CurvatureTests` bounds the whole error against a Hessian of known spectrum and checks that
/// the products are symmetric (uᵀHv = vᵀHu) to that error; the spectra the chapters report are
/// orders of magnitude above it.
public final class HessianOperator {
    public let parameters: [Float]
    /// `h = relativeStep · max(‖θ‖, 1)` along a unit direction.
    public let relativeStep: Double
    /// The loss's gradient at a point, accumulated in double precision.
    private let gradient: ([Float]) -> [Double]
    /// Gradient evaluations made so far (two per product).
    public private(set) var gradientCount = 0

    /// The Hessian at `parameters` of the loss whose gradient `gradient` computes.
    public init(parameters: [Float], relativeStep: Double = 1e-3, gradient: @escaping ([Float]) -> [Double]) {
        self.parameters = parameters
        self.relativeStep = relativeStep
        self.gradient = gradient
    }

    /// The Hessian of `network`'s mean cross-entropy on `data` (BN in eval mode on `state`) at `parameters`.
    public convenience init(network: Network, parameters: [Float], state: [Float], data: Dataset, batchSize: Int = 250,
                            relativeStep: Double = 1e-3) {
        precondition(parameters.count == network.layout.parameterCount, "parameters do not fit \(network.model)")
        let loss = NetworkLoss(network: network, state: state, data: data, batchSize: batchSize)
        self.init(parameters: parameters, relativeStep: relativeStep) { loss.lossAndGradient(at: $0).gradient }
    }

    public var dimension: Int { parameters.count }

    /// H v by the central difference of gradients along `v`'s direction.
    public func product(_ v: [Double]) -> [Double] {
        precondition(v.count == dimension, "a direction of \(v.count) for \(dimension) parameters")
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return v }
        let thetaNorm = parameters.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let h = relativeStep * max(thetaNorm, 1)
        func shifted(_ sign: Double) -> [Float] { (0..<dimension).map { Float(Double(parameters[$0]) + sign * h * v[$0] / norm) } }
        let plus = gradient(shifted(1)), minus = gradient(shifted(-1))
        gradientCount += 2
        let scale = norm / (2 * h)
        return (0..<dimension).map { scale * (plus[$0] - minus[$0]) }
    }
}

/// A network's mean softmax cross-entropy over a fixed dataset, BN in eval mode, and its gradient
/// accumulated over the dataset's batches in double precision.
public final class NetworkLoss {
    public let network: Network
    public let data: Dataset
    public let batchSize: Int
    private let objective: NetworkObjective

    public init(network: Network, state: [Float], data: Dataset, batchSize: Int = 250) {
        precondition(data.count > 0, "the loss needs at least one image")
        self.network = network
        self.data = data
        self.batchSize = batchSize
        objective = NetworkObjective(network: network, state: state, batchCapacity: batchSize)
        objective.frozenBatchNorm = true
    }

    public func lossAndGradient(at theta: [Float]) -> (loss: Double, gradient: [Double]) {
        var total = [Double](repeating: 0, count: theta.count), loss = 0.0
        var g = [Float](repeating: 0, count: theta.count), rng = RandomGenerator(seed: 0)
        let size = data.sampleSize
        theta.withUnsafeBufferPointer { w in
            data.images.withUnsafeBufferPointer { x in
                data.labels.withUnsafeBufferPointer { y in
                    var start = 0
                    while start < data.count {
                        let n = min(batchSize, data.count - start), weight = Double(n) / Double(data.count)
                        let r = g.withUnsafeMutableBufferPointer { gp in
                            objective.lossAndGradient(parameters: w.baseAddress!, gradient: gp.baseAddress!, images: x.baseAddress! + start * size,
                                                      labels: y.baseAddress! + start, batch: n, rng: &rng)
                        }
                        loss += weight * Double(r.loss)
                        for i in total.indices { total[i] += weight * Double(g[i]) }
                        start += n
                    }
                }
            }
        }
        return (loss, total)
    }
}
