import ChapterKit
import Experiments
import Foundation
import WeightSpace

/// The three ways of spending k budgets on an ensemble.
enum Method: String, CaseIterable, Codable {
    /// k networks trained independently, B epochs each.
    case ind = "Ind"
    /// One run of k·B epochs with cosine restarts, a snapshot at every cycle end (Huang et al.).
    case sse = "SSE"
    /// A conventional run to ≈ 80 % of B, then the triangular cyclic rate up to k·B epochs in
    /// total, a member at every cycle's lr minimum (Garipov et al.).
    case fge = "FGE"
}

/// One method of one replicate: its members evaluated as a growing ensemble.
struct MethodResult: Codable {
    let method: Method
    let evaluation: EnsembleEvaluation
    /// Members in the ensemble at 1, 2, 3 budgets (a prefix of the collection order).
    let membersAtBudget: [Int]
    /// Where each member was taken, in budgets of training spent (FGE counts its base run).
    let memberBudgets: [Double]
    /// Diversity of the group compared in the paper: Ind's independent networks, the members
    /// SSE and FGE collect within 1 budget.
    let diversity: DiversitySummary
    /// Training wall time (seconds) for all budgets, from the runs' epoch histories.
    let trainingSeconds: Double

    /// Ensemble test error (fraction) at 1, 2, 3 budgets.
    var errorAtBudget: [Double] { membersAtBudget.map { evaluation.running[$0 - 1].error } }
    var nllAtBudget: [Double] { membersAtBudget.map { evaluation.running[$0 - 1].nll } }
}

/// The FGE trajectory of one replicate over the 1-budget part of the run (the figure).
struct Trajectory {
    /// Every step in the window: rate used and distance from the start after it.
    let steps: [TrajectoryPoint]
    /// Test error of the current network after the probed steps (step −1 is the start).
    let probes: [(step: Int, error: Double)]
    /// Members taken in the window: step, own test error, distance from the start.
    let members: [(step: Int, error: Double, distance: Double)]
    /// The growing ensemble's test error after each member in the window.
    let ensembleErrors: [Double]
    let cycleIterations: Int
    let iterationsPerEpoch: Int
    /// Wall time of the probes' predictions when they were computed.
    let probeSeconds: Double
}

extension Trajectory: Codable {
    private struct Probe: Codable { let step: Int, error: Double }
    private struct Member: Codable { let step: Int, error: Double, distance: Double }
    private enum CodingKeys: String, CodingKey { case steps, probes, members, ensembleErrors, cycleIterations, iterationsPerEpoch, probeSeconds }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(steps: try c.decode([TrajectoryPoint].self, forKey: .steps),
                  probes: try c.decode([Probe].self, forKey: .probes).map { ($0.step, $0.error) },
                  members: try c.decode([Member].self, forKey: .members).map { ($0.step, $0.error, $0.distance) },
                  ensembleErrors: try c.decode([Double].self, forKey: .ensembleErrors), cycleIterations: try c.decode(Int.self, forKey: .cycleIterations),
                  iterationsPerEpoch: try c.decode(Int.self, forKey: .iterationsPerEpoch), probeSeconds: try c.decode(Double.self, forKey: .probeSeconds))
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(steps, forKey: .steps)
        try c.encode(probes.map { Probe(step: $0.step, error: $0.error) }, forKey: .probes)
        try c.encode(members.map { Member(step: $0.step, error: $0.error, distance: $0.distance) }, forKey: .members)
        try c.encode(ensembleErrors, forKey: .ensembleErrors)
        try c.encode(cycleIterations, forKey: .cycleIterations)
        try c.encode(iterationsPerEpoch, forKey: .iterationsPerEpoch)
        try c.encode(probeSeconds, forKey: .probeSeconds)
    }
}

/// Ind, SSE and FGE from one seed.
struct Replicate: Codable {
    let seed: UInt64
    let independentSeeds: [UInt64]
    let methods: [MethodResult]
    let trajectory: Trajectory
    /// Seconds spent evaluating members and probes (BN recalibration + test set), all methods, as
    /// measured when each prediction was computed (cached predictions keep their time).
    let evaluationSeconds: Double

    subscript(_ method: Method) -> MethodResult { methods.first { $0.method == method }! }
}

/// Summaries over replicates, for the tables and claims.
struct Aggregate {
    let replicates: [Replicate]

    func error(_ method: Method, budgets k: Int) -> MeanStd { MeanStd(replicates.map { $0[method].errorAtBudget[k - 1] }) }
    func members(_ method: Method, budgets k: Int) -> [Int] { replicates.map { $0[method].membersAtBudget[k - 1] } }
    func disagreement(_ method: Method) -> MeanStd? { optional(replicates.map { $0[method].diversity.disagreement }) }
    func distance(_ method: Method) -> MeanStd? { optional(replicates.map { $0[method].diversity.distance }) }
    func memberError(_ method: Method) -> MeanStd { MeanStd(replicates.map { $0[method].diversity.memberError }) }
    func trainingSeconds(_ method: Method) -> MeanStd { MeanStd(replicates.map { $0[method].trainingSeconds }) }

    private func optional(_ values: [Double?]) -> MeanStd? {
        let present = values.compactMap { $0 }
        return present.count == values.count && !present.isEmpty ? MeanStd(present) : nil
    }
}

/// "12.34 %" of a fraction, or "12.34 ± 0.56 %" over replicates.
func percent(_ m: MeanStd, _ digits: Int = 2) -> String { m.formatted(digits, scale: 100) + " %" }
