import Networks
import Tensor

/// What the training loop minimises: a loss of a flat vector of trainable parameters on a
/// minibatch, with its gradient. A plain network, a curve between networks (its bends
/// concatenated) and PAM's reparametrisations are all objectives of the one loop.
public protocol TrainingObjective: AnyObject {
    var parameterCount: Int { get }
    /// Non-trainable state the objective carries (BN running statistics); saved in checkpoints.
    var state: [Float] { get set }
    /// Mean loss and number of correct predictions on the batch; OVERWRITES `gradient` with the
    /// gradient of the mean loss. May draw from `rng` (a curve's `t`).
    func lossAndGradient(parameters: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>,
                         images: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int,
                         rng: inout RandomGenerator) -> (loss: Float, correct: Int)
}

/// Ordinary training of one network: forward in train mode (BN batch statistics, running
/// statistics updated with PyTorch's momentum 0.1), softmax cross-entropy, backward.
/// Weight decay is the optimizer's (PyTorch semantics).
public final class NetworkObjective: TrainingObjective {
    public let network: Network
    public var state: [Float]
    public let bnMomentum: Float
    /// Forward in eval mode: BN is the fixed affine map of its running statistics, which stay
    /// unchanged (sharpness ascent differentiates the eval-mode loss it measures).
    public var frozenBatchNorm = false
    private let workspace: Workspace
    private var outputGradient: [Float]
    /// The network drops activations in training: every step draws its masks' seed from the loop's generator.
    public let drawsDropoutSeeds: Bool

    public init(network: Network, state: [Float], batchCapacity: Int, bnMomentum: Float = 0.1) {
        precondition(state.count == network.layout.stateCount, "state length \(state.count) ≠ layout \(network.layout.stateCount)")
        self.network = network
        self.state = state
        self.bnMomentum = bnMomentum
        self.workspace = network.makeWorkspace(batchCapacity: batchCapacity)
        self.outputGradient = [Float](repeating: 0, count: batchCapacity * network.classes)
        drawsDropoutSeeds = network.graph.hasDropout
    }

    public var parameterCount: Int { network.layout.parameterCount }

    /// When set, the rectifiers record or impose their masks (`ActivationMasks`; the Hessian's products).
    public var activationMasks: ActivationMasks? {
        get { workspace.activationMasks }
        set { workspace.activationMasks = newValue }
    }

    /// A forward pass only (for recording activation masks), in the objective's BN mode.
    public func forward(parameters: UnsafePointer<Float>, images: UnsafePointer<Float>, batch: Int) {
        let mode: ForwardMode = frozenBatchNorm ? .eval : .train(momentum: bnMomentum)
        state.withUnsafeMutableBufferPointer { s in
            _ = network.forward(parameters: parameters, state: s.baseAddress!, input: images, batch: batch, mode: mode, workspace: workspace)
        }
    }

    /// When set, every step adds each operation's wall time to it (`bench --layers`).
    public var layerTimes: LayerTimes? {
        get { workspace.layerTimes }
        set { workspace.layerTimes = newValue }
    }

    public func lossAndGradient(parameters: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>,
                                images: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int,
                                rng: inout RandomGenerator) -> (loss: Float, correct: Int) {
        let network = self.network, workspace = self.workspace
        let mode: ForwardMode = frozenBatchNorm ? .eval : .train(momentum: bnMomentum)
        if drawsDropoutSeeds { workspace.dropoutSeed = rng.next() }
        return state.withUnsafeMutableBufferPointer { s in
            outputGradient.withUnsafeMutableBufferPointer { dy in
                let logits = network.forward(parameters: parameters, state: s.baseAddress!, input: images, batch: batch,
                                             mode: mode, workspace: workspace)
                let result = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, batch: batch,
                                                          classes: network.classes, gradient: dy.baseAddress!)
                network.backward(parameters: parameters, outputGradient: dy.baseAddress!, gradient: gradient, workspace: workspace)
                return result
            }
        }
    }
}
