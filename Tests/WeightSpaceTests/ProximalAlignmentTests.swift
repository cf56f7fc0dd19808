import Datasets
import Networks
import Tensor
import TestSupport
import Testing
import Training
@testable import WeightSpace

/// PAM's pieces: soft permutations agree with hard ones, their gradient with finite differences,
/// the projection and decomposition do what they claim, and the rounding keeps the best candidate.
@Suite struct ProximalAlignmentTests {
    func random(_ network: Network, seed: UInt64) -> (parameters: [Float], state: [Float]) {
        var p = [Float](repeating: 0, count: network.layout.parameterCount)
        var s = [Float](repeating: 0, count: network.layout.stateCount)
        var rng = RandomGenerator(seed: seed)
        network.initialize(parameters: &p, state: &s, rng: &rng)
        return (p, s)
    }

    @Test(arguments: [ModelName.mlp, .tinyten, .preresnet20])
    func aHardMatrixMixesAsTheUnitPermutation(_ model: ModelName) throws {
        let network = Network.make(model), groups = network.unitGroups
        let b = random(network, seed: 3)
        var rng = RandomGenerator(seed: 11)
        let pi = groups.map { rng.permutation($0.channels) }
        let soft = SoftPermutation(groups: groups, layout: network.layout)
        let want = UnitPermutation.apply(pi, groups: groups, layout: network.layout, parameters: b.parameters, state: b.state).parameters
        let got = soft.apply(SoftPermutation.flat(pi, groups: groups), to: b.parameters)
        #expect(got == want)
        #expect(soft.apply(soft.identity, to: b.parameters) == b.parameters)
        #expect(try soft.rounded(SoftPermutation.flat(pi, groups: groups)) == pi)
    }

    @Test func thePermutationGradientMatchesFiniteDifferences() throws {
        let network = Network.makeSmoothTwin(.tinyten), batch = 6
        let a = random(network, seed: 1), b = random(network, seed: 2)
        let objective = PermutationObjective(network: network, curve: Curve(.bezier, bends: 3), start: a.parameters, end: b.parameters,
                                             state: a.state, batchCapacity: batch)
        let soft = objective.soft
        var rng = RandomGenerator(seed: 5)
        var p = soft.identity
        for i in p.indices { p[i] += 0.05 * rng.uniformFloat() }
        soft.project(&p)
        let x = (0..<(batch * 784)).map { _ in rng.normal() }
        let y = (0..<batch).map { _ in Int32(rng.uniformInt(below: 10)) }
        func loss(_ w: [Float]) -> (Double, [Float]) {
            var g = [Float](repeating: 0, count: soft.count)
            let l = w.withUnsafeBufferPointer { wp in
                g.withUnsafeMutableBufferPointer { gp in
                    objective.lossAndGradient(at: 0.6, parameters: wp.baseAddress!, gradient: gp.baseAddress!, images: x, labels: y, batch: batch).loss
                }
            }
            return (Double(l), g)
        }
        let (_, gradient) = loss(p)
        #expect(BLAS.norm2(gradient) > 0)
        let (numeric, analytic) = GradientChecker.directionalDerivative(at: p, gradient: gradient, rng: &rng) { loss($0).0 }
        #expect(abs(numeric - analytic) <= 0.02 * max(abs(analytic), 1e-3), "numeric \(numeric) vs analytic \(analytic)")
        // And coordinate by coordinate on a sample of entries.
        let checker = GradientChecker(epsilon: 1e-2, relativeTolerance: 3e-2, absoluteTolerance: 2e-4)
        let indices = GradientChecker.sample(count: 40, limit: soft.count, rng: &rng)
        var point = p
        let report = checker.check(point: &point, analytic: gradient, indices: indices) { loss($0).0 }
        expectGradientsMatch(report, "soft permutation entries")
    }

    @Test func theProjectionMakesRowAndColumnSumsOneAndKeepsPermutations() throws {
        let network = Network.make(.tinyten), groups = network.unitGroups
        let soft = SoftPermutation(groups: groups, layout: network.layout)
        var rng = RandomGenerator(seed: 8)
        var p = soft.identity
        for i in p.indices { p[i] += 0.2 * rng.normal() }
        soft.project(&p)
        for g in groups.indices {
            let m = soft.matrix(p, group: g)
            for row in m { #expect(abs(row.reduce(0, +) - 1) < 1e-4) }
            for j in m.indices { #expect(abs(m.map { $0[j] }.reduce(0, +) - 1) < 1e-4) }
            #expect(m.joined().min()! > -0.05, "group \(groups[g].name) stays nearly non-negative")
        }
        let pi = groups.map { rng.permutation($0.channels) }
        var hard = SoftPermutation.flat(pi, groups: groups)
        soft.project(&hard)
        #expect(try soft.rounded(hard) == pi)
        #expect(zip(hard, SoftPermutation.flat(pi, groups: groups)).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func theProximalPullMovesTowardsTheAnchorByLrOverNu() {
        var x: [Float] = [1, 0, 2]
        ProximalAlignment.pull(&x, towards: [0, 1, 2], learningRate: 0.5, nu: 1)
        expectClose(x, [2 / 3, 1 / 3, 2], rtol: 1e-6)
    }

    @Test func theBirkhoffDecompositionRebuildsAConvexCombination() throws {
        let n = 6
        let perms = [[1, 0, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [2, 3, 4, 5, 0, 1]], weights = [0.5, 0.3, 0.2]
        var m = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for (pi, w) in zip(perms, weights) { for u in 0..<n { m[u][pi[u]] += w } }
        let terms = try BirkhoffDecomposition.terms(m)
        expectClose(terms.reduce(0) { $0 + $1.weight }, 1, rtol: 1e-9)
        var rebuilt = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for t in terms { for u in 0..<n { rebuilt[u][t.permutation[u]] += t.weight } }
        for u in 0..<n { for j in 0..<n { #expect(abs(rebuilt[u][j] - m[u][j]) < 1e-9) } }
        #expect(try BirkhoffDecomposition.terms([[1, 0], [0, 1]]).map(\.permutation) == [[0, 1]])
    }

    @Test func roundingKeepsTheLowestNLLCandidateAndAValidPermutation() throws {
        let data = SyntheticData.gaussianBlobs(count: 256, classes: 3, dimensions: 16, shape: [1, 4, 4], seed: 4)
        let network = Network.make(.mlp, inputShape: [1, 4, 4], classes: 3)
        let a = random(network, seed: 1), b = random(network, seed: 2)
        var settings = ProximalAlignment.Settings(epochs: 2, learningRate: 0.05, samples: 4)
        settings.batchSize = 64
        let outcome = try ProximalAlignment.learn(network: network, curve: Curve(.bezier, bends: 3), start: a.parameters, end: b.parameters,
                                                  state: a.state, batches: BatchLoader(dataset: data, batchSize: 64, seed: 3),
                                                  scoring: data.prefix(128), settings: settings, seed: 9)
        #expect(outcome.epochLoss.count == 2)
        #expect(outcome.candidateNLL.count == 2 + settings.samples)
        #expect(outcome.candidateNLL[outcome.chosen] == outcome.candidateNLL.min()!)
        for (g, pi) in zip(network.unitGroups, outcome.permutations) { #expect(Set(pi) == Set(0..<g.channels)) }
        #expect(outcome.diagonalMass.allSatisfy { $0 > 0 && $0 <= 1 + 1e-4 })
    }
}
