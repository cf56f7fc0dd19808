/// What a tensor of a network is, so checkpoints, filter normalisation and alignment read one table.
public enum TensorRole: String, Sendable, Codable {
    case weight          // Linear [out, in] or Conv2d [out, in, kh, kw]
    case bias            // [out]
    case bnWeight        // BatchNorm gamma [C]
    case bnBias          // BatchNorm beta [C]
    case runningMean     // BatchNorm running mean [C] (state)
    case runningVar      // BatchNorm running variance [C] (state)

    /// Whether the tensor lives in the state vector `s` rather than the parameter vector `θ`.
    public var isState: Bool { self == .runningMean || self == .runningVar }
}

/// One named tensor inside a flat vector: PyTorch state-dict name, shape, offset.
public struct TensorEntry: Sendable, Equatable {
    public let name: String
    public let shape: [Int]
    public let offset: Int
    public let role: TensorRole

    public var count: Int { shape.reduce(1, *) }
    public var range: Range<Int> { offset..<(offset + count) }
}

/// The table that names every tensor of a network's parameter vector `θ` and state vector `s`.
///
/// Tensors are packed contiguously in the order they are added, with no padding, so the layout of
/// `θ` is also the order of a safetensors checkpoint.
public struct ParameterLayout: Sendable, Equatable {
    public private(set) var parameters: [TensorEntry] = []
    public private(set) var state: [TensorEntry] = []
    public private(set) var parameterCount = 0
    public private(set) var stateCount = 0

    public init() {}

    /// Appends a tensor to `θ` (or to `s` for running statistics) and returns its offset.
    @discardableResult
    public mutating func add(_ name: String, shape: [Int], role: TensorRole) -> Int {
        precondition(!shape.isEmpty && shape.allSatisfy { $0 > 0 }, "bad shape \(shape) for \(name)")
        precondition(entry(named: name) == nil, "duplicate tensor name \(name)")
        if role.isState {
            let e = TensorEntry(name: name, shape: shape, offset: stateCount, role: role)
            state.append(e)
            stateCount += e.count
            return e.offset
        } else {
            let e = TensorEntry(name: name, shape: shape, offset: parameterCount, role: role)
            parameters.append(e)
            parameterCount += e.count
            return e.offset
        }
    }

    public func entry(named name: String) -> TensorEntry? {
        parameters.first { $0.name == name } ?? state.first { $0.name == name }
    }

    /// All entries, parameters first then state.
    public var allEntries: [TensorEntry] { parameters + state }
}
