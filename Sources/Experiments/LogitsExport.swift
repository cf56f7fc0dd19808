import Datasets
import Networks
import Safetensors

/// Writes a batch of inputs and a trained network's eval-mode logits on them to safetensors, so
/// another framework (Tests/Python/check_checkpoint.py, a PyTorch twin) can check it computes the
/// same function from the checkpoint.
public enum LogitsExport {
    public static func write(_ trained: TrainedNetwork, images: Dataset, to path: String) throws {
        let network = trained.network, n = images.count
        let workspace = network.makeWorkspace(batchCapacity: n)
        var state = trained.state
        let logits: [Float] = trained.parameters.withUnsafeBufferPointer { w in
            state.withUnsafeMutableBufferPointer { s in
                images.images.withUnsafeBufferPointer { x in
                    let out = network.forward(parameters: w.baseAddress!, state: s.baseAddress!, input: x.baseAddress!, batch: n,
                                              mode: .eval, workspace: workspace)
                    return Array(UnsafeBufferPointer(start: out, count: n * network.classes))
                }
            }
        }
        try Safetensors.write([NamedTensor(name: "inputs", shape: [n] + images.shape, values: images.images),
                               NamedTensor(name: "logits", shape: [n, network.classes], values: logits)],
                              metadata: ["network": network.model.rawValue], to: path)
    }
}
