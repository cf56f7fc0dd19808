/// A hidden layer whose post-activation (after ReLU) output can be read after a forward, with
/// the layout tensors its units index — what neuron alignment permutes.
///
/// Unit `u` of the layer is index `u` of axis 0 of every tensor in `producers` (the weight and
/// bias that compute it, and its BN's γ, β, running mean and variance) and index `u` of axis 1 of
/// every tensor in `consumers` (the next layer's weight). Permuting units consistently in both
/// leaves the network's function unchanged.
public struct HiddenLayer: Sendable, Equatable {
    /// E.g. `fc1`, `layers.3`, `layers.4.conv1`.
    public let name: String
    /// Number of units (channels).
    public let channels: Int
    /// Per-sample shape `[C, H, W]`.
    public let shape: [Int]
    /// Tensors (θ and state) whose axis 0 indexes the units.
    public let producers: [String]
    /// Tensors whose axis 1 indexes the units.
    public let consumers: [String]
    /// The buffer holding the post-ReLU activation.
    public let activation: Activation

    /// The activation of the last forward of `workspace` as `[batch, C, H, W]` (NCHW).
    public func read(from workspace: Workspace) -> [Float] { workspace.read(activation) }

    /// Copies the activation of the last forward into `destination` (`lastBatch·C·H·W` floats, NCHW).
    public func copy(from workspace: Workspace, into destination: UnsafeMutablePointer<Float>) {
        workspace.copy(activation, into: destination)
    }
}
