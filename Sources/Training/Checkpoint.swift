import Safetensors
import Tensor

/// Everything needed to resume training: the trainable vector, the objective's state, the
/// optimizer's momentum buffer, how many epochs are done, and free-form metadata.
public struct TrainingSnapshot: Equatable {
    public var parameters: [Float]
    public var state: [Float]
    /// Empty before the first step, else laid out like `parameters`.
    public var momentum: [Float]
    public var epochsDone: Int
    public var metadata: [String: String]

    public init(parameters: [Float], state: [Float], momentum: [Float], epochsDone: Int, metadata: [String: String] = [:]) {
        self.parameters = parameters
        self.state = state
        self.momentum = momentum
        self.epochsDone = epochsDone
        self.metadata = metadata
    }
}

/// Checkpoints in safetensors with PyTorch names (docs/engine.md): a network's tensors under their
/// state-dict names, or a curve's bends under `bend{i}.` prefixes; the momentum buffer under
/// `momentum.`; BN running statistics once; `__metadata__` with `"format": "pt"`, the epoch and
/// whatever the caller adds (network name, config). Loads into PyTorch with `strict=False`.
public struct CheckpointFormat {
    public let layout: ParameterLayout
    /// One prefix per copy of the layout's parameters in the trainable vector: `[""]` for a
    /// network, `["bend0.", "bend1.", "bend2."]` for a three-bend curve.
    public let prefixes: [String]

    public init(layout: ParameterLayout, prefixes: [String] = [""]) {
        precondition(!prefixes.isEmpty, "a checkpoint needs at least one parameter group")
        self.layout = layout
        self.prefixes = prefixes
    }

    public var trainableCount: Int { layout.parameterCount * prefixes.count }

    public func tensors(of snapshot: TrainingSnapshot) -> [NamedTensor] {
        precondition(snapshot.parameters.count == trainableCount && snapshot.state.count == layout.stateCount,
                     "snapshot lengths \(snapshot.parameters.count)/\(snapshot.state.count) do not fit the layout")
        var out: [NamedTensor] = []
        func add(_ entries: [TensorEntry], _ vector: [Float], base: Int, prefix: String) {
            for e in entries {
                out.append(NamedTensor(name: prefix + e.name, shape: e.shape, values: Array(vector[(base + e.offset)..<(base + e.offset + e.count)])))
            }
        }
        for (g, prefix) in prefixes.enumerated() {
            add(layout.parameters, snapshot.parameters, base: g * layout.parameterCount, prefix: prefix)
        }
        add(layout.state, snapshot.state, base: 0, prefix: "")
        if !snapshot.momentum.isEmpty {
            for (g, prefix) in prefixes.enumerated() {
                add(layout.parameters, snapshot.momentum, base: g * layout.parameterCount, prefix: "momentum." + prefix)
            }
        }
        return out
    }

    public func save(_ snapshot: TrainingSnapshot, to path: String) throws {
        var metadata = snapshot.metadata
        metadata["epochs_done"] = String(snapshot.epochsDone)
        try Safetensors.write(tensors(of: snapshot), metadata: metadata, to: path)
    }

    /// Reads a checkpoint written by `save` (or by PyTorch with the same names); every tensor the
    /// layout names must be present with the right shape. Errors name the file.
    public func load(from path: String) throws -> TrainingSnapshot {
        let (tensors, metadata) = try Safetensors.read(path: path)
        var byName: [String: NamedTensor] = [:]
        for t in tensors { byName[t.name] = t }
        func read(_ entries: [TensorEntry], prefix: String, into vector: inout [Float], base: Int, required: Bool) throws -> Bool {
            for e in entries {
                guard let t = byName[prefix + e.name] else {
                    if required { throw CheckpointError(path: path, reason: "tensor \(prefix + e.name) is missing") }
                    return false
                }
                guard t.shape == e.shape else {
                    throw CheckpointError(path: path, reason: "tensor \(t.name) has shape \(t.shape), expected \(e.shape)")
                }
                for i in 0..<e.count { vector[base + e.offset + i] = t.values[i] }
            }
            return true
        }
        var parameters = [Float](repeating: 0, count: trainableCount)
        var state = [Float](repeating: 0, count: layout.stateCount)
        var momentum = [Float](repeating: 0, count: trainableCount)
        var hasMomentum = true
        for (g, prefix) in prefixes.enumerated() {
            _ = try read(layout.parameters, prefix: prefix, into: &parameters, base: g * layout.parameterCount, required: true)
            if hasMomentum {
                hasMomentum = try read(layout.parameters, prefix: "momentum." + prefix, into: &momentum, base: g * layout.parameterCount, required: false)
            }
        }
        _ = try read(layout.state, prefix: "", into: &state, base: 0, required: true)
        let epochs = Int(metadata["epochs_done"] ?? "0") ?? 0
        return TrainingSnapshot(parameters: parameters, state: state, momentum: hasMomentum ? momentum : [],
                                epochsDone: epochs, metadata: metadata)
    }
}

/// A checkpoint that is valid safetensors but does not fit the network asked for.
public struct CheckpointError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "checkpoint \(path) does not fit: \(reason)" }
}
