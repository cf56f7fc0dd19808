import Foundation
import Networks
import Tensor
import Testing
@testable import Training

@Suite struct CheckpointTests {
    func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "/checkpoint-tests-\(UUID().uuidString)-\(name)"
    }

    @Test func aNetworkSnapshotRoundTripsWithPyTorchNames() throws {
        let network = Network.make(.tinyten)
        let format = CheckpointFormat(layout: network.layout)
        var rng = RandomGenerator(seed: 2)
        let p = (0..<network.layout.parameterCount).map { _ in rng.normal() }
        let s = (0..<network.layout.stateCount).map { _ in rng.uniformFloat() }
        let m = (0..<network.layout.parameterCount).map { _ in rng.normal() }
        let snapshot = TrainingSnapshot(parameters: p, state: s, momentum: m, epochsDone: 7, metadata: ["network": "tinyten"])
        let names = format.tensors(of: snapshot).map(\.name)
        #expect(names.contains("layers.0.conv.weight") && names.contains("layers.7.bn.running_var") && names.contains("dense.bias"))
        #expect(names.contains("momentum.layers.0.conv.weight"))
        let path = temporaryPath("net.safetensors")
        try format.save(snapshot, to: path)
        let back = try format.load(from: path)
        #expect(back.parameters == p && back.state == s && back.momentum == m && back.epochsDone == 7)
        #expect(back.metadata["network"] == "tinyten" && back.metadata["format"] == "pt")
    }

    @Test func curveBendsAreStoredUnderPrefixedNames() throws {
        let network = Network.make(.mlp)
        let format = CheckpointFormat(layout: network.layout, prefixes: ["bend0.", "bend1.", "bend2."])
        let count = 3 * network.layout.parameterCount
        let bends = (0..<count).map { Float($0 % 97) }
        let snapshot = TrainingSnapshot(parameters: bends, state: [], momentum: [], epochsDone: 1)
        #expect(format.tensors(of: snapshot).map(\.name).prefix(2) == ["bend0.fc1.weight", "bend0.fc1.bias"])
        let path = temporaryPath("curve.safetensors")
        try format.save(snapshot, to: path)
        let back = try format.load(from: path)
        #expect(back.parameters == bends && back.momentum.isEmpty)
    }

    @Test func aCheckpointOfAnotherNetworkIsRejectedNamingTheTensor() throws {
        let path = temporaryPath("mlp.safetensors")
        let mlp = Network.make(.mlp)
        try CheckpointFormat(layout: mlp.layout).save(
            TrainingSnapshot(parameters: [Float](repeating: 0, count: mlp.layout.parameterCount), state: [], momentum: [], epochsDone: 1), to: path)
        #expect {
            _ = try CheckpointFormat(layout: Network.make(.tinyten).layout).load(from: path)
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("layers.0.conv.weight")
        }
    }
}
