import Foundation
import Networks
import Tensor
import Testing
@testable import WeightSpace

/// The papers' networks against PyTorch without shipping weights: parameters, BN statistics and a
/// batch of 4 CIFAR-shaped images filled from a formula of each tensor's name and index, the
/// logits compared with those `Tests/Python/write_paper_network_logits.py` computed from the same
/// formula in `python/paper_networks.py`'s PyTorch modules (Tests/Python/paper-network-logits.json).
@Suite struct PaperNetworkParityTests {
    static let papers = ModelName.allCases.filter(\.isPaperNetwork)

    struct Expected: Decodable {
        let parameters: Int
        let eval: [Float]
        let train: [Float]
    }

    struct Fixture: Decodable {
        let input: [Int]
        let networks: [String: Expected]
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Python/paper-network-logits.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// The script's pseudo-random number in [−1, 1): 2·frac(sin(12.9898 i + 78.233 h)·43758.5453) − 1
    /// (glibc's `sin` on both sides, the rest exact IEEE operations).
    static func u(_ i: Int, _ h: Int) -> Double {
        let v = sin(12.9898 * Double(i) + 78.233 * Double(h)) * 43758.5453
        return 2 * (v - v.rounded(.down)) - 1
    }

    /// The formula of the Python script, every element of tensor `entry` in row-major order.
    static func values(_ entry: TensorEntry) -> [Float] {
        let h = entry.name.utf8.enumerated().reduce(0) { $0 + ($1.offset + 1) * Int($1.element) } % 997
        let scale = (3 / Double(entry.shape.dropFirst().reduce(1, *))).squareRoot(), weight = entry.shape.count >= 2
        let variance = entry.name.hasSuffix("running_var"), gamma = entry.name.hasSuffix(".weight")
        var out = [Float](repeating: 0, count: entry.count)
        for i in 0..<entry.count {
            let s = u(i, h)
            out[i] = Float(weight ? scale * s : variance ? 1 + 0.5 * abs(s) : gamma ? 1 + 0.2 * s : 0.1 * s)
        }
        return out
    }

    static func filled(_ network: Network) -> (parameters: [Float], state: [Float]) {
        var p = [Float](repeating: 0, count: network.layout.parameterCount), s = [Float](repeating: 0, count: network.layout.stateCount)
        for e in network.layout.parameters { p.replaceSubrange(e.range, with: values(e)) }
        for e in network.layout.state { s.replaceSubrange(e.range, with: values(e)) }
        return (p, s)
    }

    static let input: [Float] = (0..<(4 * 3 * 32 * 32)).map { Float(u($0, 1)) }

    static func logits(_ network: Network, _ p: [Float], _ s: [Float], mode: ForwardMode, inference: Bool = false) -> [Float] {
        var state = s
        let count = 4 * network.classes
        return p.withUnsafeBufferPointer { pp in
            state.withUnsafeMutableBufferPointer { sp in
                input.withUnsafeBufferPointer { x in
                    if inference {
                        let plan = network.makeInferencePlan(batchCapacity: 4)
                        let y = network.infer(parameters: pp.baseAddress!, state: sp.baseAddress!, input: x.baseAddress!, batch: 4, plan: plan)
                        return Array(UnsafeBufferPointer(start: y, count: count))
                    }
                    let workspace = network.makeWorkspace(batchCapacity: 4)
                    workspace.dropoutEnabled = false
                    let y = network.forward(parameters: pp.baseAddress!, state: sp.baseAddress!, input: x.baseAddress!, batch: 4,
                                            mode: mode, workspace: workspace)
                    return Array(UnsafeBufferPointer(start: y, count: count))
                }
            }
        }
    }

    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "\(a.count) vs \(b.count) logits")
        return zip(a, b).map { abs($0 - $1) }.max()!
    }

    @Test(arguments: papers)
    func logitsMatchPyTorch(model: ModelName) throws {
        let expected = try #require(Self.fixture.networks[model.rawValue], "no PyTorch logits for \(model.rawValue)")
        let network = Network.make(model, inputShape: [3, 32, 32])
        #expect(network.layout.parameterCount == expected.parameters)
        let (p, s) = Self.filled(network)
        let eval = Self.maxDifference(Self.logits(network, p, s, mode: .eval), expected.eval)
        let train = Self.maxDifference(Self.logits(network, p, s, mode: .train(momentum: 0.1)), expected.train)
        let folded = Self.maxDifference(Self.logits(network, p, s, mode: .eval, inference: true), expected.eval)
        print("\(model.rawValue): max |Δ logit| against PyTorch: eval \(eval), train \(train), inference path \(folded)")
        #expect(eval < 1e-4 && train < 1e-4 && folded < 1e-4, "\(model.rawValue): eval \(eval), train \(train), inference \(folded)")
    }

    @Test(arguments: papers)
    func aPermutedNetworkComputesTheSameLogits(model: ModelName) {
        let network = Network.make(model, inputShape: [3, 32, 32])
        let (p, s) = Self.filled(network)
        var rng = RandomGenerator(seed: 3)
        let pi = network.unitGroups.map { rng.permutation($0.channels) }
        let (q, t) = UnitPermutation.apply(pi, groups: network.unitGroups, layout: network.layout, parameters: p, state: s)
        #expect(q != p)
        let delta = Self.maxDifference(Self.logits(network, p, s, mode: .eval), Self.logits(network, q, t, mode: .eval))
        #expect(delta < 1e-4, "\(model.rawValue): max |Δ| \(delta) over \(network.unitGroups.count) groups")
        // Every convolution or linear layer whose output is not the logits is in a group.
        let grouped = Set(network.unitGroups.flatMap(\.producers))
        let layers = network.layout.parameters.filter { $0.role == .weight }.map(\.name).dropLast()
        #expect(layers.allSatisfy(grouped.contains), "\(model.rawValue): ungrouped \(layers.filter { !grouped.contains($0) })")
    }

    @Test(arguments: papers)
    func filterNormalisedDirectionsHaveTheWeightsFilterNorms(model: ModelName) {
        let network = Network.make(model, inputShape: [3, 32, 32])
        let (p, _) = Self.filled(network)
        var rng = RandomGenerator(seed: 5)
        let d = FilterNormalization.direction(for: p, layout: network.layout, rng: &rng)
        var worst = 0.0
        for e in network.layout.parameters {
            let filters = e.shape[0], size = e.count / filters
            for f in 0..<filters {
                let range = (e.offset + f * size)..<(e.offset + (f + 1) * size)
                let dn = range.reduce(0.0) { $0 + Double(d[$1]) * Double(d[$1]) }.squareRoot()
                if e.role == .weight {
                    let wn = range.reduce(0.0) { $0 + Double(p[$1]) * Double(p[$1]) }.squareRoot()
                    worst = max(worst, abs(dn - wn) / wn)
                } else {
                    #expect(dn == 0, "\(e.name) gets no direction")
                }
            }
        }
        #expect(worst < 1e-5, "\(model.rawValue): worst relative filter-norm error \(worst)")
    }

    @Test func onlyResNet32TakesFashionMNISTsShape() {
        for model in Self.papers {
            #expect((model.inputProblem([1, 28, 28]) == nil) == (model == .resnet32), "\(model.rawValue)")
            #expect(model.inputProblem([3, 32, 32]) == nil)
        }
        #expect(Network.make(.resnet32, inputShape: [1, 28, 28]).layout.parameters[0].shape == [16, 1, 3, 3])
    }
}
