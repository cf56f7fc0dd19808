import Datasets
import Foundation
import Networks
import Tensor
import TestSupport
import Testing
import Training
@testable import WeightSpace

/// Ensembles average softmax probabilities; the ensemble of one member is that member.
@Suite struct EnsembleTests {
    // MARK: The running average, on numbers

    @Test func theAverageOfOneMemberIsThatMember() {
        let p: [Float] = [0.7, 0.2, 0.1, 0.1, 0.3, 0.6]
        var average = EnsembleAverage(count: 2, classes: 3)
        average.add(probabilities: p)
        #expect(average.probabilities == p)
        #expect(average.predictions == [0, 2])
        #expect(average.error(labels: [0, 1]) == 0.5)
        // NLL = −(log 0.7 + log 0.3)/2.
        expectClose(average.nll(labels: [0, 1]), -(log(0.7) + log(0.3)) / 2, rtol: 1e-6)
    }

    @Test func membersAreAveragedAsProbabilitiesNotLogits() {
        // One example, two classes. Member A is very sure of class 1 (logits 0, 10); B and C lean
        // to class 0 (logits 3, 0). Probabilities: A ≈ (0.0000454, 0.99995), B = C ≈ (0.9526, 0.0474).
        // Mean probabilities ≈ (0.635, 0.365) → class 0. Mean logits (2, 3.33) → class 1.
        let logits: [[Float]] = [[0, 10], [3, 0], [3, 0]]
        var average = EnsembleAverage(count: 1, classes: 2)
        for z in logits { average.add(probabilities: softmax(z)) }
        #expect(average.predictions == [0])
        let meanLogits = (0..<2).map { j in logits.map { $0[j] }.reduce(0, +) / 3 }
        #expect(EnsembleAverage.argmax(meanLogits, row: 0, classes: 2) == 1)
        expectClose(Double(average.probabilities[0]), Double(softmax(logits[0])[0] + 2 * softmax(logits[1])[0]) / 3, rtol: 1e-6)
    }

    @Test func argmaxTakesTheFirstClassOnTies() {
        // Rows (0.4, 0.4, 0.2) and (0.2, 0.4, 0.4): the first maximum of each, 0 and 1.
        #expect(EnsembleAverage.argmax([0.4, 0.4, 0.2, 0.2, 0.4, 0.4] as [Float], row: 0, classes: 3) == 0)
        #expect(EnsembleAverage.argmax([0.4, 0.4, 0.2, 0.2, 0.4, 0.4] as [Float], row: 1, classes: 3) == 1)
    }

    func softmax(_ z: [Float]) -> [Float] {
        let m = z.max()!, e = z.map { expf($0 - m) }, s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    // MARK: Diversity

    @Test func disagreementDistanceAndPairMeansHaveTheirClosedForms() {
        // 2 of 5 predictions differ → 0.4; identical → 0; symmetric.
        #expect(EnsembleDiversity.disagreement([0, 1, 2, 3, 4], [0, 1, 9, 3, 8]) == 0.4)
        #expect(EnsembleDiversity.disagreement([0, 1, 9, 3, 8], [0, 1, 2, 3, 4]) == 0.4)
        #expect(EnsembleDiversity.disagreement([1, 2], [1, 2]) == 0)
        // (0, 0) to (3, 4): 5.
        expectClose(WeightVector.accurateDistance([0, 0], [3, 4]), 5)
        // Pairs of 3 members: (0,1), (0,2), (1,2) → measure i + j = 1, 2, 3 → mean 2.
        #expect(EnsembleDiversity.meanOverPairs(3) { Double($0 + $1) } == 2)
        #expect(EnsembleDiversity.meanOverPairs(1) { _, _ in 1 } == nil)
    }

    @Test func aDiversitySummaryAveragesOverAllPairs() {
        let summary = DiversitySummary(predictions: [[0, 0], [0, 1], [1, 1]], parameters: [[0], [1], [3]], errors: [0.1, 0.2, 0.3])
        // Disagreements: (0,1) ½, (0,2) 1, (1,2) ½ → ⅔. Distances 1, 3, 2 → 2.
        expectClose(summary.disagreement!, 2.0 / 3)
        expectClose(summary.distance!, 2)
        expectClose(summary.memberError, 0.2)
        #expect(summary.bestMemberError == 0.1 && summary.worstMemberError == 0.3)
        let single = DiversitySummary(predictions: [[0]], parameters: [[1]], errors: [0.5])
        #expect(single.disagreement == nil && single.distance == nil)
    }

    // MARK: On a real network

    static let data = SyntheticData.gaussianBlobs(count: 96, classes: 10, dimensions: 784, separation: 0.5, shape: [1, 28, 28], seed: 21)
    let network = Network.make(.mlp)

    func member(seed: UInt64) -> EnsembleMember {
        let (p, s) = network.initialParameters(seed: seed)
        return EnsembleMember(parameters: p, state: s, label: "seed \(seed)")
    }

    @Test func theEnsembleOfOneMemberEqualsThatMember() {
        let evaluator = Evaluator(network: network, batchSize: 32)
        let a = member(seed: 3)
        let ensemble = evaluator.evaluateEnsemble([a], batchNorm: Self.data, test: Self.data)
        let own = evaluator.evaluate(parameters: a.parameters, state: a.state, on: Self.data)
        #expect(ensemble.running.count == 1)
        #expect(ensemble.running[0].error == own.error)
        #expect(ensemble.members[0].error == own.error)
        expectClose(ensemble.running[0].nll, own.loss, rtol: 1e-4)
    }

    @Test func theEnsembleAveragesMembersProbabilitiesNotWeights() {
        let evaluator = Evaluator(network: network, batchSize: 32)
        let members = [member(seed: 3), member(seed: 4)]
        let ensemble = evaluator.evaluateEnsemble(members, batchNorm: Self.data, test: Self.data)
        let probabilities = members.map { evaluator.evaluate(parameters: $0.parameters, state: $0.state, on: Self.data, keepProbabilities: true).probabilities! }
        var average = EnsembleAverage(count: Self.data.count, classes: 10)
        for p in probabilities { average.add(probabilities: p) }
        #expect(ensemble.running[1].error == average.error(labels: Self.data.labels))
        expectClose(ensemble.running[1].nll, average.nll(labels: Self.data.labels), rtol: 1e-9)
        // The network at the mean of the weights is a different function.
        var mean = members[0].parameters
        for i in mean.indices { mean[i] = 0.5 * (mean[i] + members[1].parameters[i]) }
        let weightAverage = evaluator.evaluate(parameters: mean, state: members[0].state, on: Self.data, keepProbabilities: true)
        let gap = zip(weightAverage.probabilities!, average.probabilities).map { abs($0 - $1) }.max()!
        #expect(gap > 1e-3, "the weight average predicts like the probability average (max gap \(gap))")
        // Diversity of the two: their predictions and parameters as stored.
        let d = ensemble.diversity(of: 0..<2, parameters: members.map(\.parameters))
        expectClose(d.distance!, WeightVector.accurateDistance(members[0].parameters, members[1].parameters))
        #expect(d.disagreement! > 0)
    }
}
