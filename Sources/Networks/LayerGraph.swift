import Tensor

/// A small directed acyclic graph of operations over activation buffers, with hand-written
/// forward and backward passes and one flat parameter vector (`layout`).
///
/// Build it by calling the layer methods (`conv2d`, `batchNorm`, `linear`, …) in forward order;
/// each returns the `Activation` it produces. The LAST operation added is the output. Parameters
/// are added to `layout` in call order, so building in PyTorch's module order gives PyTorch's
/// state-dict order. The reference networks are built by `Network.make`; tests build single layers.
public final class LayerGraph {
    public private(set) var layout = ParameterLayout()
    public private(set) var activations: [ActivationInfo] = []
    var nodes: [LayerNode] = []
    /// The network input `[N, C, H, W]` (sample-major, copied into the workspace by `forward`).
    public let input: Activation
    private var finalized = false
    /// Activations whose gradient buffer is another activation's (set when the graph is frozen): an
    /// input that only an `Add` reads has that add's output gradient as its own, unchanged.
    private(set) var gradientAlias: [Int: Int] = [:]

    /// - Parameter inputRequiresGradient: compute dL/dinput in `backward` (for tests; networks skip it).
    public init(inputShape: [Int], inputRequiresGradient: Bool = false) {
        precondition(inputShape.count == 3 && inputShape.allSatisfy { $0 > 0 }, "input shape must be [C, H, W], got \(inputShape)")
        activations.append(ActivationInfo(channels: inputShape[0], height: inputShape[1], width: inputShape[2],
                                          order: .sampleMajor, requiresGradient: inputRequiresGradient))
        input = Activation(id: 0)
    }

    public func info(_ a: Activation) -> ActivationInfo { activations[a.id] }
    /// The last operation's output.
    public var output: Activation { Activation(id: outputID) }
    var outputID: Int { nodes.last?.output ?? 0 }

    /// Adds a parameter/state tensor (used by the layer builders).
    func addTensor(_ name: String, shape: [Int], role: TensorRole) -> Int {
        precondition(!finalized, "graph is frozen once a workspace exists; cannot add \(name)")
        return layout.add(name, shape: shape, role: role)
    }

    /// Registers a new output buffer and the operation that writes it.
    func append(_ makeNode: (Int) -> LayerNode, output info: ActivationInfo, hasParameters: Bool) -> Activation {
        precondition(!finalized, "graph is frozen once a workspace exists")
        var info = info
        let id = activations.count
        let node = makeNode(id)
        info.requiresGradient = hasParameters || node.inputs.contains { activations[$0].requiresGradient }
        activations.append(info)
        nodes.append(node)
        return Activation(id: id)
    }

    /// Fixes the backward plan: which input gradients each op computes and whether it overwrites.
    func finalize() {
        guard !finalized else { return }
        finalized = true
        var written = Set<Int>()
        for node in nodes.reversed() {
            node.needsInputGradient = node.inputs.map { activations[$0].requiresGradient }
            node.firstWrite = node.inputs.map { id in
                if written.contains(id) { return false }
                written.insert(id)
                return true
            }
            // The same buffer twice as input of one op (x + x): first slot overwrites, second accumulates.
        }
        var readers = [Int](repeating: 0, count: activations.count)
        for node in nodes { for id in node.inputs { readers[id] += 1 } }
        for node in nodes {
            guard let add = node as? Add, add.output != outputID else { continue }
            for (slot, id) in add.inputs.enumerated() where readers[id] == 1 && activations[id].requiresGradient {
                add.sharesOutputGradient[slot] = true
                gradientAlias[id] = add.output
            }
        }
    }

    /// All buffers for batches up to `batchCapacity`; freezes the graph. `convolutions` chooses the
    /// code of its k × k convolutions.
    public func makeWorkspace(batchCapacity: Int, convolutions: ConvolutionBackend = .standard) -> Workspace {
        finalize()
        return Workspace(graph: self, batchCapacity: batchCapacity, convolutions: convolutions)
    }

    /// Multiply-adds × 2 of one forward pass of one sample (convolutions and linear layers).
    public var forwardFLOPsPerSample: Int { 2 * nodes.reduce(0) { $0 + $1.multiplyAddsPerSample } }

    /// Draws all parameters (in layout order, weight then bias per layer) and resets BN state
    /// (γ = 1, β = 0, running mean 0, running variance 1).
    public func initialize(parameters: inout [Float], state: inout [Float], scheme: InitializationScheme,
                           rng: inout RandomGenerator) {
        precondition(parameters.count == layout.parameterCount && state.count == layout.stateCount,
                     "initialize: lengths \(parameters.count)/\(state.count), layout needs \(layout.parameterCount)/\(layout.stateCount)")
        parameters.withUnsafeMutableBufferPointer { p in
            state.withUnsafeMutableBufferPointer { s in
                let sp = s.baseAddress ?? UnsafeMutablePointer<Float>.allocate(capacity: 1)
                defer { if s.baseAddress == nil { sp.deallocate() } }
                for node in nodes { node.initialize(parameters: p.baseAddress!, state: sp, scheme: scheme, rng: &rng) }
            }
        }
    }

    /// Forward pass of `batch` samples of `input` (`[batch, C, H, W]`); returns the output buffer
    /// (owned by `workspace`, valid until its next forward). Train mode updates BN running stats in `state`.
    public func forward(parameters: UnsafePointer<Float>, state: UnsafeMutablePointer<Float>,
                        input: UnsafePointer<Float>, batch: Int, mode: ForwardMode,
                        workspace: Workspace) -> UnsafeMutablePointer<Float> {
        precondition(workspace.graph === self, "workspace belongs to another network")
        precondition(batch > 0 && batch <= workspace.batchCapacity,
                     "batch \(batch) outside 1...\(workspace.batchCapacity) (workspace capacity)")
        workspace.values[0].update(from: input, count: activations[0].perSample * batch)
        Parallel.withEngineThreads(limit: workspace.maxWorkers) { workers in
            let pass = Pass(parameters: parameters, state: state, gradient: UnsafeMutablePointer(mutating: parameters),
                            batch: batch, mode: mode, workspace: workspace, workers: workers)
            for (i, node) in nodes.enumerated() {
                workspace.timed(i, backward: false) { node.forward(pass, scratch: workspace.scratch[i]) }
            }
        }
        workspace.lastBatch = batch
        workspace.lastMode = mode
        return workspace.values[outputID]
    }

    /// Back-propagates `outputGradient` (dL/doutput, same storage as the output buffer) through the
    /// last forward of `workspace`; OVERWRITES `gradient` (length `layout.parameterCount`) with dL/dθ.
    /// `parameters` must be those of that forward.
    public func backward(parameters: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                         gradient: UnsafeMutablePointer<Float>, workspace: Workspace) {
        precondition(workspace.graph === self, "workspace belongs to another network")
        guard let mode = workspace.lastMode else { preconditionFailure("backward called before any forward") }
        workspace.prepareGradients()
        workspace.gradients[outputID] = UnsafeMutablePointer(mutating: outputGradient)
        defer { workspace.gradients[outputID] = nil }
        // A parameter-free graph (or a test graph) writes nothing: keep "overwrite" true for all of θ.
        if nodes.isEmpty { return }
        Parallel.withEngineThreads(limit: workspace.maxWorkers) { workers in
            let pass = Pass(parameters: parameters, state: nil, gradient: gradient,
                            batch: workspace.lastBatch, mode: mode, workspace: workspace, workers: workers)
            for i in nodes.indices.reversed() {
                guard activations[nodes[i].output].requiresGradient else { continue }
                workspace.timed(i, backward: true) { nodes[i].backward(pass, scratch: workspace.scratch[i]) }
            }
        }
    }
}
