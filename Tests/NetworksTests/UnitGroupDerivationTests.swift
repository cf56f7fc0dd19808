import Networks
import Testing

/// The unit groups read off the layer graph are the groups the three original networks listed by
/// hand (those lists, kept here as the expectation): the same tensors on axis 0 and axis 1, the
/// same activations, in the same order of groups.
@Suite struct UnitGroupDerivationTests {
    struct Expected {
        let name: String
        let channels: Int
        let producers: [String]
        let consumers: [String]
        let activations: Int
    }

    func check(_ network: Network, _ expected: [Expected]) {
        #expect(network.unitGroups.map(\.name) == expected.map(\.name))
        for (g, e) in zip(network.unitGroups, expected) {
            #expect(g.channels == e.channels, "\(e.name)")
            #expect(Set(g.producers) == Set(e.producers) && g.producers.count == e.producers.count, "\(e.name) producers: \(g.producers)")
            #expect(Set(g.consumers) == Set(e.consumers) && g.consumers.count == e.consumers.count, "\(e.name) consumers: \(g.consumers)")
            #expect(g.activations.count == e.activations, "\(e.name) activations")
            #expect(g.shapes == g.activations.map { network.graph.info($0).shape })
        }
    }

    @Test func mlpHasItsTwoHiddenLayers() {
        check(Network.make(.mlp), [
            Expected(name: "fc1", channels: 512, producers: ["fc1.weight", "fc1.bias"], consumers: ["fc2.weight"], activations: 1),
            Expected(name: "fc2", channels: 512, producers: ["fc2.weight", "fc2.bias"], consumers: ["fc3.weight"], activations: 1),
        ])
    }

    @Test func tinyTenHasOneGroupPerBlock() {
        let channels = [16, 16, 32, 32, 32, 64, 64, 64]
        let expected = (0..<8).map { i -> Expected in
            let p = "layers.\(i)"
            return Expected(name: "\(p).conv", channels: channels[i] * 2,
                            producers: ["\(p).conv.weight", "\(p).conv.bias", "\(p).bn.weight", "\(p).bn.bias", "\(p).bn.running_mean", "\(p).bn.running_var"],
                            consumers: [i < 7 ? "layers.\(i + 1).conv.weight" : "dense.weight"], activations: 1)
        }
        check(Network.make(.tinyten, width: 2), expected)
    }

    @Test func preResNet20HasItsBlocksAndThreeStreams() {
        var layers: [Expected] = []
        var producers: [[String]] = [["conv.weight"], [], []], consumers: [[String]] = [[], [], []], reads = [0, 0, 0]
        for stage in 0..<3 {
            for b in 0..<3 {
                let p = "layers.\(stage * 3 + b)", entering = b == 0 && stage > 0 ? stage - 1 : stage
                producers[entering] += ["\(p).bn1.weight", "\(p).bn1.bias", "\(p).bn1.running_mean", "\(p).bn1.running_var"]
                consumers[entering].append("\(p).conv1.weight")
                reads[entering] += 1
                if b == 0 && stage > 0 {
                    consumers[entering].append("\(p).down.weight")
                    producers[stage].append("\(p).down.weight")
                }
                producers[stage].append("\(p).conv2.weight")
                layers.append(Expected(name: "\(p).conv1", channels: 16 << stage,
                                       producers: ["\(p).conv1.weight", "\(p).bn2.weight", "\(p).bn2.bias", "\(p).bn2.running_mean", "\(p).bn2.running_var"],
                                       consumers: ["\(p).conv2.weight"], activations: 1))
            }
        }
        producers[2] += ["bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"]
        consumers[2].append("fc.weight")
        reads[2] += 1
        let streams = (0..<3).map { s in
            Expected(name: "stream.\(s)", channels: 16 << s, producers: producers[s], consumers: consumers[s], activations: reads[s])
        }
        check(Network.make(.preresnet20), layers + streams)
    }

    /// Without ReLUs the groups are the same tensors, read after their BN (or their layer).
    @Test(arguments: ModelName.smallNetworks)
    func theSmoothTwinHasTheSameGroups(model: ModelName) {
        let twin = Network.makeSmoothTwin(model).unitGroups, network = Network.make(model).unitGroups
        #expect(twin.map(\.name) == network.map(\.name))
        #expect(zip(twin, network).allSatisfy { $0.producers == $1.producers && $0.consumers == $1.consumers && $0.activations.count == $1.activations.count })
    }
}
