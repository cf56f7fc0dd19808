/// The reference networks (docs/engine.md, "Reference networks"). Raw values are the names used on
/// the command line, in cache keys and in checkpoint metadata.
public enum ModelName: String, CaseIterable, Codable, Sendable {
    /// Git Re-Basin's MNIST MLP: `fc1` 784→512, ReLU, `fc2` 512→512, ReLU, `fc3` 512→10.
    case mlp
    /// The neuron-alignment paper's TinyTen: 8 conv→BN→ReLU blocks, global average pool, `dense`.
    case tinyten
    /// PreResNet-20 of the mode-connectivity and SWA papers (pre-activation basic blocks).
    case preresnet20
}

/// How a forward pass treats batch normalisation.
public enum ForwardMode: Sendable, Equatable {
    /// BN normalises with the running statistics in `state`; `state` is not modified.
    case eval
    /// BN normalises with the biased batch statistics and updates the running statistics:
    /// `r ← (1 − m)·r + m·s` with `s` the batch mean or the UNBIASED batch variance.
    /// PyTorch's default is `m = 0.1`; BN recalibration passes `m = b/(n + b)`.
    case train(momentum: Float)

    public static let pytorchDefault = ForwardMode.train(momentum: 0.1)
}

/// How `initialize` draws weights.
public enum InitializationScheme: Sendable, Equatable {
    /// PyTorch's defaults: conv/linear weights Kaiming-uniform with a = √5, i.e. U(−1/√fan_in, 1/√fan_in),
    /// and biases from the same U(−1/√fan_in, 1/√fan_in).
    case pytorchDefault
    /// Xavier-normal weights N(0, 2/(fan_in + fan_out)), zero biases (TinyTen's reference repository).
    case xavierNormal
}
