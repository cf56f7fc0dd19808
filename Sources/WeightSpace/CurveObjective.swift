import Networks
import Tensor
import Training

/// Curve training (GAR `train.py --curve`) as an objective of the one training loop: the trainable
/// vector is the bends one after another; each minibatch draws one `t ~ U(0, 1)`, assembles
/// `θ(t) = Σ c_i(t)·w_i`, runs the network in train mode (BN uses batch statistics; the shared
/// running statistics are meaningless here and recomputed at evaluation), and minimises
/// `CE + ½·wd·‖θ(t)‖²` — weight decay on the curve's point, so the optimizer's own must be 0.
/// The gradient for bend i is `c_i(t)·∇θ`; fixed bends get zero gradient (and, with the optimizer's
/// weight decay 0, no update).
public final class CurveObjective: TrainingObjective {
    public let curve: Curve
    public let network: Network
    public let weightDecay: Float
    /// Bends that never move (by default the two endpoints).
    public let fixed: Set<Int>
    public var state: [Float]
    /// The `t` of the last minibatch (for tests and logs).
    public private(set) var lastT: Double = 0

    private let inner: NetworkObjective
    private var theta: [Float]
    private var thetaGradient: [Float]

    public init(curve: Curve, network: Network, state: [Float], weightDecay: Float, fixStart: Bool = true, fixEnd: Bool = true,
                batchCapacity: Int) {
        self.curve = curve
        self.network = network
        self.weightDecay = weightDecay
        var fixed = Set<Int>()
        if fixStart { fixed.insert(0) }
        if fixEnd { fixed.insert(curve.bends - 1) }
        self.fixed = fixed
        self.state = state
        inner = NetworkObjective(network: network, state: state, batchCapacity: batchCapacity)
        theta = [Float](repeating: 0, count: network.layout.parameterCount)
        thetaGradient = theta
    }

    public var parameterCount: Int { curve.bends * network.layout.parameterCount }

    public func lossAndGradient(parameters: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>,
                                images: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int,
                                rng: inout RandomGenerator) -> (loss: Float, correct: Int) {
        let t = rng.uniformDouble()
        lastT = t
        let dropoutSeed = inner.drawsDropoutSeeds ? rng.next() : 0
        return lossAndGradient(at: t, parameters: parameters, gradient: gradient, images: images, labels: labels, batch: batch,
                               dropoutSeed: dropoutSeed)
    }

    /// The same at a given `t` (the finite-difference test of the bend gradient uses it).
    public func lossAndGradient(at t: Double, parameters: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>,
                                images: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int,
                                dropoutSeed: UInt64 = 0) -> (loss: Float, correct: Int) {
        let p = network.layout.parameterCount, c = curve.coefficients(at: t), wd = weightDecay
        inner.state = state
        var rng = RandomGenerator(seed: dropoutSeed)  // the network objective draws only its dropout masks' seed
        let result: (loss: Float, correct: Int) = theta.withUnsafeMutableBufferPointer { th in
            thetaGradient.withUnsafeMutableBufferPointer { g in
                th.initialize(repeating: 0)
                for i in 0..<curve.bends where c[i] != 0 { BLAS.axpy(p, alpha: c[i], x: parameters + i * p, y: th.baseAddress!) }
                let r = inner.lossAndGradient(parameters: th.baseAddress!, gradient: g.baseAddress!, images: images, labels: labels,
                                              batch: batch, rng: &rng)
                if wd != 0 { BLAS.axpy(p, alpha: wd, x: th.baseAddress!, y: g.baseAddress!) }
                for i in 0..<curve.bends {
                    let out = gradient + i * p
                    out.initialize(repeating: 0, count: p)
                    if !fixed.contains(i) && c[i] != 0 { BLAS.axpy(p, alpha: c[i], x: g.baseAddress!, y: out) }
                }
                return r
            }
        }
        state = inner.state
        return result
    }
}
