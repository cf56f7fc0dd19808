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
/// The standard step, 1e-4, was chosen against exact products: at a trained TinyTen (‖θ‖ = 25.2,
/// 1 000 Fashion-MNIST images) PyTorch's double backward in float64 gives a top eigenvalue of
/// 158.88; these products give 167.18 at a step of 1e-3 (5.2 % high: truncation), 158.90 at 1e-4
/// and 158.88 at 1e-5 (`Tests/Python/check_hessian.py`, docs/algorithms.md "Curvature").
/// For a network, both gradients are taken with every ReLU's mask frozen at θ, batch by batch
/// (`ActivationMasks`): the difference then measures the Hessian automatic differentiation gives
/// (rectifiers have zero second derivative almost everywhere) rather than the gradient's jumps
/// where a unit changes sign between θ − h v̂ and θ + h v̂. `CurvatureTests` bounds the error
/// against Hessians of known spectrum and checks that the products are symmetric (uᵀHv = vᵀHu)
/// and linear to it, on a ReLU network as well as on its smooth twin.
public final class HessianOperator {
    /// The step every product uses unless told otherwise (`CurvatureSettings.relativeStep`).
    public static let standardRelativeStep = 1e-4
    public let parameters: [Float]
    /// `h = relativeStep · max(‖θ‖, 1)` along a unit direction.
    public let relativeStep: Double
    /// ∇L(θ₊) − ∇L(θ₋) for (θ, θ₊, θ₋), accumulated in double precision.
    private let difference: ([Float], [Float], [Float]) -> [Double]
    /// Gradient evaluations made so far (two per product).
    public private(set) var gradientCount = 0

    /// The Hessian at `parameters` of the (smooth) loss whose gradient `gradient` computes.
    public convenience init(parameters: [Float], relativeStep: Double = HessianOperator.standardRelativeStep, gradient: @escaping ([Float]) -> [Double]) {
        self.init(parameters: parameters, relativeStep: relativeStep, difference: { _, plus, minus in
            zip(gradient(plus), gradient(minus)).map { $0 - $1 }
        })
    }

    /// The Hessian at `parameters` from `difference(θ, θ₊, θ₋) = ∇L(θ₊) − ∇L(θ₋)`.
    public init(parameters: [Float], relativeStep: Double = HessianOperator.standardRelativeStep, difference: @escaping ([Float], [Float], [Float]) -> [Double]) {
        self.parameters = parameters
        self.relativeStep = relativeStep
        self.difference = difference
    }

    /// The Hessian of `network`'s mean cross-entropy on `data` (BN in eval mode on `state`) at `parameters`.
    public convenience init(network: Network, parameters: [Float], state: [Float], data: Dataset, batchSize: Int = 250,
                            relativeStep: Double = HessianOperator.standardRelativeStep) {
        precondition(parameters.count == network.layout.parameterCount, "parameters do not fit \(network.model)")
        let loss = NetworkLoss(network: network, state: state, data: data, batchSize: batchSize)
        self.init(parameters: parameters, relativeStep: relativeStep, difference: loss.gradientDifference)
    }

    /// The same at a point whose BN statistics are first recomputed on `batchNorm` (as every curve,
    /// ray and average is measured: `Evaluator.recalibrateBatchNorm`).
    public convenience init(network: Network, parameters: [Float], recalibratingOn batchNorm: Dataset, data: Dataset,
                            batchSize: Int = 250, relativeStep: Double = HessianOperator.standardRelativeStep) {
        let evaluator = Evaluator(network: network)
        let state = evaluator.recalibrateBatchNorm(parameters: parameters, state: [Float](repeating: 0, count: network.layout.stateCount),
                                                   on: batchNorm)
        self.init(network: network, parameters: parameters, state: state, data: data, batchSize: batchSize, relativeStep: relativeStep)
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
        let d = difference(parameters, shifted(1), shifted(-1))
        gradientCount += 2
        let scale = norm / (2 * h)
        return d.map { scale * $0 }
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

    /// ∇L(plus) − ∇L(minus), batch by batch with every ReLU's mask frozen at `center` (recorded by a
    /// forward pass at `center` on the batch, then imposed on both gradients).
    public func gradientDifference(center: [Float], plus: [Float], minus: [Float]) -> [Double] {
        var total = [Double](repeating: 0, count: center.count)
        var gp = [Float](repeating: 0, count: center.count), gm = gp, rng = RandomGenerator(seed: 0)
        let size = data.sampleSize, masks = ActivationMasks(batchCapacity: batchSize)
        objective.activationMasks = masks
        defer { objective.activationMasks = nil }
        center.withUnsafeBufferPointer { c in plus.withUnsafeBufferPointer { p in minus.withUnsafeBufferPointer { m in
            data.images.withUnsafeBufferPointer { x in data.labels.withUnsafeBufferPointer { y in
                var start = 0
                while start < data.count {
                    let n = min(batchSize, data.count - start), weight = Double(n) / Double(data.count)
                    let images = x.baseAddress! + start * size, labels = y.baseAddress! + start
                    masks.mode = .record
                    objective.forward(parameters: c.baseAddress!, images: images, batch: n)
                    masks.mode = .impose
                    gp.withUnsafeMutableBufferPointer { g in
                        _ = objective.lossAndGradient(parameters: p.baseAddress!, gradient: g.baseAddress!, images: images, labels: labels,
                                                      batch: n, rng: &rng)
                    }
                    gm.withUnsafeMutableBufferPointer { g in
                        _ = objective.lossAndGradient(parameters: m.baseAddress!, gradient: g.baseAddress!, images: images, labels: labels,
                                                      batch: n, rng: &rng)
                    }
                    for i in total.indices { total[i] += weight * (Double(gp[i]) - Double(gm[i])) }
                    start += n
                }
            } }
        } } }
        return total
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
