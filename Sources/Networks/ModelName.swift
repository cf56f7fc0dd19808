/// The reference networks (docs/engine.md, "Reference networks"). Raw values are the names used on
/// the command line, in cache keys and in checkpoint metadata.
public enum ModelName: String, CaseIterable, Codable, Sendable {
    /// Git Re-Basin's MNIST MLP: `fc1` 784→512, ReLU, `fc2` 512→512, ReLU, `fc3` 512→10.
    case mlp
    /// The neuron-alignment paper's TinyTen: 8 conv→BN→ReLU blocks, global average pool, `dense`.
    case tinyten
    /// PreResNet-20 of the mode-connectivity and SWA papers (pre-activation basic blocks).
    case preresnet20
    /// dnn-mode-connectivity's VGG16: 13 conv(bias)→ReLU in five blocks with 2×2 max pools, then
    /// dropout → 512 → ReLU → dropout → 512 → ReLU → classes.
    case vgg16
    /// The same with BN after every convolution (`VGG16BN`).
    case vgg16bn
    /// dnn-mode-connectivity's PreResNet-110: 3 × 12 pre-activation bottleneck blocks (depth 9n + 2).
    case preresnet110
    /// dnn-mode-connectivity's PreResNet-164: 3 × 18 pre-activation bottleneck blocks.
    case preresnet164
    /// dnn-mode-connectivity's WideResNet-28-10: 3 × 4 wide pre-activation blocks, widths 160/320/640.
    case wideresnet28x10
    /// NeuronAlignment's ResNet-32: post-activation basic blocks, 3 × 5, BN in the projection shortcut.
    case resnet32

    /// The papers' networks, whose names, shapes and order are their reference repositories'.
    public var isPaperNetwork: Bool { !Self.smallNetworks.contains(self) }

    /// The package's three small networks, which the chapters run on 2 cores.
    public static let smallNetworks: [ModelName] = [.mlp, .tinyten, .preresnet20]

    /// Why this network cannot take images of per-sample shape `[C, H, W]`, or nil when it can.
    public func inputProblem(_ shape: [Int]) -> String? {
        guard shape.count == 3, shape.allSatisfy({ $0 > 0 }) else { return "input shape must be [C, H, W], got \(shape)" }
        let size = "\(shape[0])×\(shape[1])×\(shape[2])"
        switch self {
        case .vgg16, .vgg16bn:
            if shape[1] == 32 && shape[2] == 32 { return nil }
            return "\(rawValue) takes 32×32 images (CIFAR: --dataset cifar10); its five 2×2 max pools must leave the 1×1 map of 512 channels its classifier reads, and \(size) images do not"
        case .preresnet110, .preresnet164, .wideresnet28x10:
            if shape[1] == 32 && shape[2] == 32 { return nil }
            return "\(rawValue) takes 32×32 images (CIFAR: --dataset cifar10); its reference pools the last 8×8 map with a fixed 8×8 average pool, which \(size) images do not reach"
        case .mlp, .tinyten, .preresnet20, .resnet32:
            return nil
        }
    }
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
    /// Convolutions N(0, 2/(k²·out)) with zero biases (dnn-mode-connectivity's VGG and PreResNet;
    /// `kaiming_normal_(mode='fan_out')` in NeuronAlignment's ResNet); linear layers as `.pytorchDefault`.
    case heNormalConvolutions
}
