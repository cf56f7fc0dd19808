import Tensor

/// Everything one forward or backward pass needs: the flat vectors, the batch and the workspace.
struct Pass {
    let parameters: UnsafePointer<Float>
    /// BN running statistics (forward only; backward reads what forward saved in its scratch).
    let state: UnsafeMutablePointer<Float>?
    /// dL/dθ, same layout as `parameters` (backward only).
    let gradient: UnsafeMutablePointer<Float>
    let batch: Int
    let mode: ForwardMode
    let workspace: Workspace
    /// Workers this pass may use (see `Parallel`).
    let workers: Int

    /// Worker `w`'s im2col buffer (`Workspace.columnCapacity` floats).
    @inline(__always) func columns(_ w: Int) -> UnsafeMutablePointer<Float> { workspace.columns[w] }
    @inline(__always) func value(_ id: Int) -> UnsafeMutablePointer<Float> { workspace.values[id] }
    /// Gradient buffer of activation `id` (the caller's `outputGradient` for the graph output).
    @inline(__always) func gradientOf(_ id: Int) -> UnsafeMutablePointer<Float> { workspace.gradients[id]! }
}

/// One operation of a `LayerGraph`: reads its input buffers, writes its output buffer.
///
/// Backward reads the output gradient and writes the input gradients. Several operations may read
/// the same buffer (a residual fan-out); their input gradients must then be SUMMED. The graph
/// works out, for every (operation, input), whether this operation is the first to write that
/// gradient in the backward order: if so it overwrites (`firstWrite[i] == true`), otherwise it
/// accumulates. This is the same as zeroing every gradient buffer and accumulating, without the
/// memory pass. Parameter gradients are always overwritten (each tensor belongs to one operation).
class LayerNode {
    let inputs: [Int]
    let output: Int
    /// Per input: whether backward must compute that input's gradient at all.
    var needsInputGradient: [Bool] = []
    /// Per input: overwrite (true) or accumulate (false) into the input-gradient buffer.
    var firstWrite: [Bool] = []

    init(inputs: [Int], output: Int) {
        self.inputs = inputs
        self.output = output
    }

    /// Multiply-adds per sample of one forward pass (conv/linear only).
    var multiplyAddsPerSample: Int { 0 }
    /// Multiply-adds per sample of one backward pass: dθ, plus dX when the input needs it.
    var backwardMultiplyAddsPerSample: Int { multiplyAddsPerSample * (needsInputGradient.first == true ? 2 : 1) }
    /// Kind and shape for profiles (`LayerSummary`).
    var summary: (kind: String, detail: String) { (String(describing: type(of: self)).lowercased(), "") }
    /// The summary on a workspace whose convolutions run on `convolutions`.
    func summary(convolutions: ConvolutionBackend) -> (kind: String, detail: String) { summary }
    /// Floats of private saved state (BN statistics, pooling indices, per-worker partial
    /// gradients) for a batch of `batch` and up to `workers` workers.
    func scratchCount(batch: Int, workers: Int) -> Int { 0 }
    /// Floats of the shared im2col buffer this operation needs for a batch of `batch`.
    func columnCount(batch: Int) -> Int { 0 }
    func initialize(parameters: UnsafeMutablePointer<Float>, state: UnsafeMutablePointer<Float>,
                    scheme: InitializationScheme, rng: inout RandomGenerator) {}
    func forward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) { fatalError("forward not implemented") }
    func backward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) { fatalError("backward not implemented") }
}
