import Foundation
import Networks
import Safetensors
import Training

/// A network's state dict alone — its PyTorch-named parameters and BN buffers, no optimizer state —
/// as safetensors bytes: what `module.load_state_dict(safetensors.torch.load_file(path))` takes
/// with `strict=True`. A curve's bends go under `bend{i}.` prefixes. The metadata names the
/// network and its width besides what the caller adds.
public enum StateDict {
    public static func encode(network: Network, parameters: [Float], state: [Float], prefixes: [String] = [""],
                              metadata: [String: String] = [:]) throws -> Data {
        let format = CheckpointFormat(layout: network.layout, prefixes: prefixes)
        let snapshot = TrainingSnapshot(parameters: parameters, state: state, momentum: [], epochsDone: 0)
        let all = metadata.merging(["format": "pt", "network": network.model.rawValue, "width": String(network.width)]) { mine, _ in mine }
        return try Safetensors.encode(format.tensors(of: snapshot), metadata: all)
    }
}

extension TrainedNetwork {
    /// This network's state dict (see `StateDict`), with its recipe in the metadata.
    public func stateDict() throws -> Data {
        try StateDict.encode(network: network, parameters: parameters, state: state, metadata: ["recipe": recipe.canonicalJSON])
    }
}
