import Tensor

/// One of the reference networks: a `LayerGraph` plus its name, input shape and hidden layers.
///
/// A network is a function `f(θ, s, x)` of a flat parameter vector θ (`layout.parameterCount`
/// floats), a state vector s (BN running statistics, `layout.stateCount` floats) and a batch;
/// it owns no weights. Buffers live in a `Workspace` made once per batch capacity.
public final class Network {
    public let model: ModelName
    /// PyTorch state-dict names, shapes and offsets; BN running statistics in `layout.state`.
    public let layout: ParameterLayout
    /// `[C, H, W]`
    public let inputShape: [Int]
    public let classes: Int
    public let width: Int
    /// The operations; exposed for tests and for reading arbitrary activations.
    public let graph: LayerGraph
    /// Hidden layers (post-ReLU) in forward order; see `HiddenLayer`. Derived from the graph.
    public let hiddenLayers: [HiddenLayer]
    /// Every permutation the network's function is invariant to: the hidden layers, plus a
    /// residual network's streams (one per stage). See `UnitGroup`; derived from the graph
    /// (`UnitGroupDerivation`).
    public let unitGroups: [UnitGroup]

    /// The groups come from the graph (`UnitGroupDerivation`): no network lists them by hand.
    init(model: ModelName, inputShape: [Int], classes: Int, width: Int, graph: LayerGraph) {
        self.model = model
        self.inputShape = inputShape
        self.classes = classes
        self.width = width
        self.graph = graph
        self.layout = graph.layout
        let (layers, streams) = UnitGroupDerivation.groups(of: graph)
        self.hiddenLayers = layers
        self.unitGroups = layers.map(UnitGroup.init) + streams
    }

    /// Floats in the column matrix of one convolution GEMM chunk (whole samples, at least one).
    /// Larger chunks give OpenBLAS longer GEMMs but leave the L2 cache; set it before making a
    /// workspace (`bench --column-budget` measures the trade-off).
    public static var convolutionColumnBudget: Int {
        get { Conv2d.columnBudget }
        set { precondition(newValue > 0, "column budget must be positive"); Conv2d.columnBudget = newValue }
    }

    /// Builds a reference network (docs/engine.md); `width` multiplies channel counts and hidden
    /// sizes. The input must fit the network (`ModelName.inputProblem`; callers check it first).
    public static func make(_ model: ModelName, inputShape: [Int] = [1, 28, 28], classes: Int = 10, width: Int = 1) -> Network {
        build(model, inputShape: inputShape, classes: classes, width: width, rectified: true)
    }

    /// The same network with every ReLU replaced by the identity: a smooth function of θ whose
    /// finite differences converge cleanly, for checking the whole graph's backward (the ReLU
    /// networks' kinks make whole-network finite differences unreliable). Not for training.
    public static func makeSmoothTwin(_ model: ModelName, inputShape: [Int] = [1, 28, 28], classes: Int = 10,
                                      width: Int = 1) -> Network {
        build(model, inputShape: inputShape, classes: classes, width: width, rectified: false)
    }

    private static func build(_ model: ModelName, inputShape: [Int], classes: Int, width: Int, rectified: Bool) -> Network {
        precondition(width >= 1, "width must be at least 1, got \(width)")
        precondition(classes >= 1, "classes must be positive, got \(classes)")
        if let problem = model.inputProblem(inputShape) { preconditionFailure(problem) }
        let (s, c, w, r) = (inputShape, classes, width, rectified)
        switch model {
        case .mlp: return ReferenceNetworks.mlp(inputShape: s, classes: c, width: w, rectified: r)
        case .tinyten: return ReferenceNetworks.tinyTen(inputShape: s, classes: c, width: w, rectified: r)
        case .preresnet20: return ReferenceNetworks.preResNet20(inputShape: s, classes: c, width: w, rectified: r)
        case .vgg16: return VGG.make(batchNorm: false, inputShape: s, classes: c, width: w, rectified: r)
        case .vgg16bn: return VGG.make(batchNorm: true, inputShape: s, classes: c, width: w, rectified: r)
        case .preresnet110: return PreResNetBottleneck.make(depth: 110, model: model, inputShape: s, classes: c, width: w, rectified: r)
        case .preresnet164: return PreResNetBottleneck.make(depth: 164, model: model, inputShape: s, classes: c, width: w, rectified: r)
        case .wideresnet28x10: return WideResNet.make(inputShape: s, classes: c, width: w, rectified: r)
        case .resnet32: return ResNet32.make(inputShape: s, classes: c, width: w, rectified: r)
        }
    }

    /// The reference repository's initialisation scheme for this model.
    public var initializationScheme: InitializationScheme {
        switch model {
        case .tinyten: return .xavierNormal
        case .mlp, .preresnet20, .wideresnet28x10: return .pytorchDefault
        case .vgg16, .vgg16bn, .preresnet110, .preresnet164, .resnet32: return .heNormalConvolutions
        }
    }

    /// Reference initialisation (`initializationScheme`): TinyTen Xavier-normal conv/linear weights,
    /// zero biases; the papers' VGG, PreResNets and ResNet-32 He-normal convolutions (fan out) with
    /// zero biases and PyTorch's default linear layers; the others PyTorch defaults (Kaiming-uniform
    /// a=√5, matching uniform bias); BN γ=1 β=0, running mean 0 var 1. Draws tensor by tensor in
    /// layout order (weight, then bias).
    public func initialize(parameters: inout [Float], state: inout [Float], rng: inout RandomGenerator) {
        graph.initialize(parameters: &parameters, state: &state, scheme: initializationScheme, rng: &rng)
    }

    /// Fresh parameter and state vectors initialised from `seed`.
    public func initialParameters(seed: UInt64) -> (parameters: [Float], state: [Float]) {
        var p = [Float](repeating: 0, count: layout.parameterCount), s = [Float](repeating: 0, count: layout.stateCount)
        var rng = RandomGenerator(seed: seed)
        initialize(parameters: &p, state: &s, rng: &rng)
        return (p, s)
    }

    /// All activation / gradient / im2col buffers for batches up to `batchCapacity`, allocated once
    /// (gradient buffers at the first backward).
    public func makeWorkspace(batchCapacity: Int, convolutions: ConvolutionBackend = .standard) -> Workspace {
        graph.makeWorkspace(batchCapacity: batchCapacity, convolutions: convolutions)
    }

    /// Returns logits `[batch, classes]` (owned by the workspace, valid until its next forward).
    /// Train mode updates `state`; eval mode only reads it. `input` is `[batch, C, H, W]`.
    public func forward(parameters: UnsafePointer<Float>, state: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                        batch: Int, mode: ForwardMode, workspace: Workspace) -> UnsafeMutablePointer<Float> {
        graph.forward(parameters: parameters, state: state, input: input, batch: batch, mode: mode, workspace: workspace)
    }

    /// Back-propagates dL/dlogits `[batch, classes]` through the last forward of this workspace;
    /// OVERWRITES `gradient` (length `layout.parameterCount`) with dL/dθ.
    public func backward(parameters: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                         gradient: UnsafeMutablePointer<Float>, workspace: Workspace) {
        graph.backward(parameters: parameters, outputGradient: outputGradient, gradient: gradient, workspace: workspace)
    }

    /// FLOPs (multiply-adds × 2) of one forward pass of one sample, convolutions and linear layers only.
    public var forwardFLOPsPerSample: Int { graph.forwardFLOPsPerSample }
}
