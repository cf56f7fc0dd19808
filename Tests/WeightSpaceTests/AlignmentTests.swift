import Datasets
import Networks
import Tensor
import Testing
import TestSupport
import Training
@testable import WeightSpace

/// Permuting unit groups preserves the function; correlation alignment and weight matching find
/// the permutation that relates a network to a permuted copy of itself.
@Suite struct AlignmentTests {
    static let data = SyntheticData.gaussianBlobs(count: 60, classes: 10, dimensions: 784, separation: 0.5, shape: [1, 28, 28], seed: 4)

    static func network(_ model: ModelName, seed: UInt64) -> (Network, [Float], [Float]) {
        let network = Network.make(model)
        var (p, s) = network.initialParameters(seed: seed)
        // Non-trivial BN statistics, so running means and variances must be permuted too.
        var rng = RandomGenerator(seed: seed &+ 99)
        for e in network.layout.state { for i in e.range { s[i] = e.role == .runningVar ? 0.5 + rng.uniformFloat() : 0.2 * rng.normal() } }
        for e in network.layout.parameters where e.role == .bnWeight || e.role == .bnBias { for i in e.range { p[i] += 0.1 * rng.normal() } }
        return (network, p, s)
    }

    static func randomPermutations(_ network: Network, seed: UInt64) -> [[Int]] {
        var rng = RandomGenerator(seed: seed)
        return network.unitGroups.map { rng.permutation($0.channels) }
    }

    static func logits(_ network: Network, _ p: [Float], _ s: [Float]) -> [Float] {
        Evaluator(network: network, batchSize: 60).evaluate(parameters: p, state: s, on: data, keepProbabilities: true).probabilities!
    }

    @Test(arguments: [ModelName.mlp, .tinyten, .preresnet20])
    func aPermutedNetworkComputesTheSameFunction(model: ModelName) {
        let (network, p, s) = Self.network(model, seed: 1)
        if model == .preresnet20 { #expect(network.unitGroups.filter { $0.name.hasPrefix("stream") }.map(\.channels) == [16, 32, 64]) }
        let pi = Self.randomPermutations(network, seed: 2)
        let (q, t) = UnitPermutation.apply(pi, groups: network.unitGroups, layout: network.layout, parameters: p, state: s)
        #expect(q != p)
        let before = Self.logits(network, p, s), after = Self.logits(network, q, t)
        let delta = zip(before, after).map { abs($0 - $1) }.max()!
        #expect(delta < 1e-4, "\(model): max |Δ| \(delta)")
    }

    @Test(arguments: [ModelName.mlp, .tinyten, .preresnet20])
    func aNetworksCorrelationWithItselfAlignsToTheIdentity(model: ModelName) throws {
        let (network, p, s) = Self.network(model, seed: 3)
        let correlations = NeuronAlignment.correlations(network: network, a: (p, s), b: (p, s), data: Self.data, batchSize: 30)
        for (group, c) in zip(network.unitGroups, correlations) {
            let pi = try NeuronAlignment.match(c)
            // Dead units (constant 0 after ReLU) correlate with nothing, so only live ones must map to themselves.
            let live = (0..<group.channels).filter { c[$0][$0] > 0.5 }
            #expect(live.allSatisfy { pi[$0] == $0 }, "\(model) \(group.name)")
            #expect(live.count > group.channels / 2, "\(model) \(group.name): only \(live.count) live units")
        }
    }

    @Test(arguments: [ModelName.tinyten, .preresnet20])
    func correlationAlignmentUndoesAPermutation(model: ModelName) throws {
        let (network, p, s) = Self.network(model, seed: 5)
        let pi = Self.randomPermutations(network, seed: 6)
        let (q, t) = UnitPermutation.apply(pi, groups: network.unitGroups, layout: network.layout, parameters: p, state: s)
        let correlations = NeuronAlignment.correlations(network: network, a: (p, s), b: (q, t), data: Self.data, batchSize: 30)
        let own = NeuronAlignment.correlations(network: network, a: (p, s), b: (p, s), data: Self.data, batchSize: 30)
        for (k, group) in network.unitGroups.enumerated() {
            // Before: the identity matches units that are not counterparts. After: the matching is
            // as good as A's own units matched to themselves (the copy's units are A's, reordered).
            let matched = try NeuronAlignment.match(correlations[k])
            let after = NeuronAlignment.meanMatched(correlations[k], matched), best = NeuronAlignment.meanMatched(own[k], Array(0..<group.channels))
            #expect(after >= best - 1e-6, "\(model) \(group.name): \(after) vs \(best)")
            #expect(NeuronAlignment.meanMatched(correlations[k], Array(0..<group.channels)) < after - 0.1, "\(model) \(group.name)")
            // Units that correlate with their counterpart alone (≥ 0.99, nothing else close) are matched exactly.
            for i in 0..<group.channels where own[k][i][i] > 0.99 && (0..<group.channels).allSatisfy({ $0 == i || own[k][i][$0] < 0.9 }) {
                #expect(pi[k][matched[i]] == i, "\(model) \(group.name) unit \(i)")
            }
        }
    }

    @Test(arguments: [ModelName.mlp, .tinyten, .preresnet20])
    func weightMatchingNeverDecreasesItsObjectiveAndUndoesAPermutation(model: ModelName) throws {
        let (network, p, s) = Self.network(model, seed: 7)
        let pi = Self.randomPermutations(network, seed: 8)
        let (q, _) = UnitPermutation.apply(pi, groups: network.unitGroups, layout: network.layout, parameters: p, state: s)
        let result = try WeightMatching.match(network: network, a: p, b: q, seed: 9)
        #expect(zip(result.objective, result.objective.dropFirst()).allSatisfy { $1 >= $0 - 1e-9 * abs($0) }, "\(result.objective)")
        let (r, _) = UnitPermutation.apply(result.permutations, groups: network.unitGroups, layout: network.layout, parameters: q, state: s)
        #expect(r == p, "\(model): weight matching did not recover the permutation")
        // Between two different networks it still only climbs.
        let (_, other, _) = Self.network(model, seed: 10)
        let between = try WeightMatching.match(network: network, a: p, b: other, seed: 11)
        #expect(zip(between.objective, between.objective.dropFirst()).allSatisfy { $1 >= $0 - 1e-9 * abs($0) })
        #expect(between.objective.last! > between.objective.first!)
    }
}
