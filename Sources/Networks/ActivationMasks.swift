/// The ReLU masks of one forward pass, recorded and then imposed on later passes of the same
/// batch (`Workspace.activationMasks`): with the masks fixed, every rectifier is the linear map
/// `y = m ⊙ x` (and its backward `dx = m ⊙ dy`), so the network is a smooth function of θ near the
/// recorded point. A difference of gradients across θ then measures the Hessian that automatic
/// differentiation gives a ReLU network (whose rectifiers have zero second derivative almost
/// everywhere), not the jumps of the gradient where a unit changes sign (`HessianOperator`).
///
/// Covers the ReLU operation and BN's fused ReLU; max pooling's choices are not frozen (none of
/// the reference networks pools by maximum).
public final class ActivationMasks {
    public enum Mode: Sendable { case record, impose }
    public var mode: Mode = .record
    let batchCapacity: Int
    /// Per operation (keyed by its output activation), one 0/1 float per output element.
    private var buffers: [Int: UnsafeMutablePointer<Float>] = [:]
    private var counts: [Int: Int] = [:]

    public init(batchCapacity: Int) { self.batchCapacity = batchCapacity }

    deinit { for p in buffers.values { p.deallocate() } }

    /// The mask buffer of the operation writing `output` (`perSample` floats per sample), made on first use.
    func buffer(_ output: Int, perSample: Int) -> UnsafeMutablePointer<Float> {
        if let p = buffers[output] { return p }
        precondition(mode == .record, "no mask was recorded for activation \(output): record a pass first")
        let count = perSample * batchCapacity
        let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
        p.initialize(repeating: 0, count: count)
        buffers[output] = p
        counts[output] = count
        return p
    }

    /// m = [y > 0] over `n` values.
    static func record(_ y: UnsafePointer<Float>, into m: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { m[i] = y[i] > 0 ? 1 : 0 }
    }

    /// y = m ⊙ x (in place when x is y), or y (+)= m ⊙ x with `accumulate`.
    static func impose(_ x: UnsafePointer<Float>, _ m: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ n: Int,
                       accumulate: Bool = false) {
        if accumulate { for i in 0..<n { y[i] += m[i] * x[i] } } else { for i in 0..<n { y[i] = m[i] * x[i] } }
    }
}
