import Tensor

/// All buffers one forward/backward pass needs, allocated once for batches up to `batchCapacity`
/// and reused: activations, their gradients (allocated at the first backward, so an evaluation-only
/// workspace costs half), per-operation saved state, and one shared im2col buffer.
///
/// A workspace belongs to the graph that made it and is not thread-safe; use one per thread.
public final class Workspace {
    public let batchCapacity: Int
    let graph: LayerGraph
    /// Per activation: its storage for `batchCapacity` samples.
    var values: [UnsafeMutablePointer<Float>]
    /// Per activation: its gradient storage, nil until the first backward (or never, if no gradient flows).
    var gradients: [UnsafeMutablePointer<Float>?]
    var scratch: [UnsafeMutablePointer<Float>]
    /// One im2col buffer per worker.
    let columns: [UnsafeMutablePointer<Float>]
    let columnCapacity: Int
    /// Most workers a pass on this workspace uses (per-worker buffers were allocated for this many).
    let maxWorkers: Int
    /// When set, every forward and backward adds each operation's wall time to it.
    public var layerTimes: LayerTimes?
    /// When set, the rectifiers record their masks or impose the recorded ones (`ActivationMasks`).
    public var activationMasks: ActivationMasks?
    /// The seed of the next train-mode pass's dropout masks (`Dropout`); the training objectives
    /// draw one per step from the loop's generator.
    public var dropoutSeed: UInt64 = 0
    /// Train-mode passes drop activations (false: dropout is the identity in every mode, for
    /// comparing train-mode BN with another framework's without its generator).
    public var dropoutEnabled = true
    /// Batch size and mode of the last forward (backward replays them).
    public internal(set) var lastBatch = 0
    public internal(set) var lastMode: ForwardMode?
    private var ownedGradients: [UnsafeMutablePointer<Float>] = []
    private let ownedValues: [UnsafeMutablePointer<Float>]
    /// Activation buffers allocated (fewer than the activations when they share: `InferencePlan`).
    var bufferCount: Int { ownedValues.count }
    /// The code of this workspace's k × k convolutions.
    public let convolutions: ConvolutionBackend
    /// Its oneDNN convolutions (with `.onednn`).
    let oneDNN: OneDNNConvolutions?

    /// - Parameter slots: per activation, the buffer it lives in (activations whose lives do not
    ///   overlap share one: `InferencePlan`); nil gives every activation its own.
    init(graph: LayerGraph, batchCapacity: Int, convolutions: ConvolutionBackend, slots: [Int]? = nil) {
        self.convolutions = convolutions
        oneDNN = convolutions == .engine ? nil : OneDNNConvolutions()
        precondition(batchCapacity > 0, "batchCapacity must be positive, got \(batchCapacity)")
        self.batchCapacity = batchCapacity
        self.graph = graph
        if let slots {
            precondition(slots.count == graph.activations.count, "one slot per activation")
            var sizes = [Int](repeating: 0, count: (slots.max() ?? -1) + 1)
            for (a, slot) in slots.enumerated() { sizes[slot] = max(sizes[slot], graph.activations[a].perSample * batchCapacity) }
            let buffers = sizes.map(Self.allocate)
            ownedValues = buffers
            values = slots.map { buffers[$0] }
        } else {
            let buffers = graph.activations.map { Self.allocate($0.perSample * batchCapacity) }
            ownedValues = buffers
            values = buffers
        }
        gradients = Array(repeating: nil, count: graph.activations.count)
        let workers = max(2, BLAS.threads)
        maxWorkers = workers
        scratch = graph.nodes.map { Self.allocate(max(1, $0.scratchCount(batch: batchCapacity, workers: workers))) }
        let capacity = max(1, graph.nodes.map { $0.columnCount(batch: batchCapacity) }.max() ?? 1)
        columnCapacity = capacity
        columns = (0..<workers).map { _ in Self.allocate(capacity) }
    }

    deinit {
        for p in ownedValues { p.deallocate() }
        for p in ownedGradients { p.deallocate() }
        for p in scratch { p.deallocate() }
        for p in columns { p.deallocate() }
    }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        p.initialize(repeating: 0, count: max(count, 1))
        return p
    }

    /// Allocates gradient buffers of every activation that needs one (once); an aliased activation
    /// (`LayerGraph.gradientAlias`) gets its target's buffer instead.
    func prepareGradients() {
        guard ownedGradients.isEmpty else { return }
        for (i, info) in graph.activations.enumerated()
        where info.requiresGradient && i != graph.outputID && graph.gradientAlias[i] == nil {
            let p = Self.allocate(info.perSample * batchCapacity)
            ownedGradients.append(p)
            gradients[i] = p
        }
        // A target is a later activation (an add's output), possibly aliased itself: resolve from the end.
        for i in graph.activations.indices.reversed() {
            if let target = graph.gradientAlias[i] { gradients[i] = gradients[target] }
        }
    }

    /// The activation `a` of the last forward as a fresh `[lastBatch, C, H, W]` (NCHW) array.
    public func read(_ a: Activation) -> [Float] {
        let info = graph.activations[a.id]
        var out = [Float](repeating: 0, count: info.perSample * lastBatch)
        out.withUnsafeMutableBufferPointer { copy(a, into: $0.baseAddress!) }
        return out
    }

    /// Copies activation `a` of the last forward into `destination` as `[lastBatch, C, H, W]` (NCHW).
    public func copy(_ a: Activation, into destination: UnsafeMutablePointer<Float>) {
        let info = graph.activations[a.id]
        Reorder.toSampleMajor(values[a.id], info: info, batch: lastBatch, into: destination)
    }

    /// The gradient dL/d`a` of the last backward as NCHW (zeros if no gradient flows to `a`).
    public func readGradient(_ a: Activation) -> [Float] {
        let info = graph.activations[a.id]
        var out = [Float](repeating: 0, count: info.perSample * lastBatch)
        if let g = gradients[a.id] {
            out.withUnsafeMutableBufferPointer { Reorder.toSampleMajor(g, info: info, batch: lastBatch, into: $0.baseAddress!) }
        }
        return out
    }
}

/// Conversions between the two storage orders.
enum Reorder {
    static func toSampleMajor(_ source: UnsafePointer<Float>, info: ActivationInfo, batch: Int,
                              into destination: UnsafeMutablePointer<Float>) {
        let s = info.spatial, c = info.channels
        switch info.order {
        case .sampleMajor:
            destination.update(from: source, count: info.perSample * batch)
        case .channelMajor:
            for ch in 0..<c {
                for n in 0..<batch {
                    (destination + (n * c + ch) * s).update(from: source + (ch * batch + n) * s, count: s)
                }
            }
        }
    }
}
