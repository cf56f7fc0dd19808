/// Identifies one activation buffer of a `LayerGraph` (its index in the graph's buffer table).
public struct Activation: Hashable, Sendable {
    public let id: Int
}

/// How a buffer of per-sample shape `[C, H, W]` is laid out in memory for a batch of `N`.
///
/// The network's input and all vectors (`H = W = 1`) are sample-major, as PyTorch's NCHW. Maps
/// produced by convolutions are channel-major (CNHW): then a convolution is ONE GEMM
/// `W [out, C·k·k] × columns [C·k·k, N·Ho·Wo]` whose result is already the next CNHW map, and
/// each BN channel is one contiguous block. `Workspace.read` always returns NCHW.
public enum StorageOrder: Sendable, Equatable {
    /// `[N, C, H, W]`
    case sampleMajor
    /// `[C, N, H, W]`
    case channelMajor
}

/// Shape and storage of one activation buffer.
public struct ActivationInfo: Sendable, Equatable {
    public let channels: Int
    public let height: Int
    public let width: Int
    public let order: StorageOrder
    /// Whether back-propagation writes a gradient for this buffer (false for the data and what
    /// depends on it without parameters, unless the graph asks for input gradients).
    public internal(set) var requiresGradient: Bool

    public var shape: [Int] { [channels, height, width] }
    public var spatial: Int { height * width }
    public var perSample: Int { channels * height * width }

    /// Element `(n, c, s)` (s = h·W + w) of a batch of `batch` lives at `c·channel + n·sample + s`.
    @inline(__always)
    func strides(batch: Int) -> (channel: Int, sample: Int) {
        switch order {
        case .sampleMajor: return (spatial, perSample)
        case .channelMajor: return (batch * spatial, spatial)
        }
    }
}
