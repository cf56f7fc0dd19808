/// Units that one permutation reorders together — what neuron alignment and weight matching
/// permute: a hidden layer's units, or a residual network's stream, whose channels every block of
/// a stage adds into and reads from.
///
/// Unit `u` is index `u` of axis 0 of every tensor in `producers` and index `u` of axis 1 of every
/// tensor in `consumers`; `activations` are post-activation maps whose channel `u` is a function of
/// unit `u` alone (their correlations are summed to match a stream, as Tatro et al. do).
public struct UnitGroup: Sendable, Equatable {
    public let name: String
    public let channels: Int
    public let producers: [String]
    public let consumers: [String]
    public let activations: [Activation]
    /// Per-sample `[C, H, W]` of each activation.
    public let shapes: [[Int]]

    public init(name: String, channels: Int, producers: [String], consumers: [String], activations: [Activation], shapes: [[Int]]) {
        precondition(activations.count == shapes.count && !activations.isEmpty, "unit group \(name) needs one shape per activation")
        self.name = name
        self.channels = channels
        self.producers = producers
        self.consumers = consumers
        self.activations = activations
        self.shapes = shapes
    }

    public init(_ layer: HiddenLayer) {
        self.init(name: layer.name, channels: layer.channels, producers: layer.producers, consumers: layer.consumers,
                  activations: [layer.activation], shapes: [layer.shape])
    }
}
