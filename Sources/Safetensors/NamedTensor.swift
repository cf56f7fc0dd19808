/// One Float32 tensor with its name and shape, row-major (C order), as stored in a safetensors
/// file. The format layer knows nothing about networks: names are whatever the caller chooses
/// (PyTorch state-dict names for checkpoints).
public struct NamedTensor: Sendable, Equatable {
    public var name: String
    /// Sizes outermost first; `[]` is a scalar (one value).
    public var shape: [Int]
    /// `prod(shape)` values in row-major order (checked by `Safetensors.encode`).
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }

    /// `prod(shape)`, the number of values the shape calls for (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }
}
