import Datasets
import Dispatch
import Training

/// One member's own test metrics (after its BN statistics were recomputed). Errors are fractions.
public struct MemberResult: Codable, Equatable, Sendable {
    public var label: String
    public var error: Double
    public var nll: Double
    /// Wall time the member's prediction took when it was computed (BN recalibration + test set).
    public var seconds: Double
}

/// The ensemble after its first `members` members (the running ensemble of GAR `fge.py`).
public struct RunningEnsemblePoint: Codable, Equatable, Sendable {
    public var members: Int
    public var error: Double
    public var nll: Double
}

/// What an ensemble needs of one member: its own test error and NLL and its softmax
/// probabilities on the test set (row-major `[count, classes]`), after BN recalibration.
public struct MemberPrediction: Sendable {
    public var error: Double
    public var nll: Double
    public var probabilities: [Float]
    /// Wall time the prediction took when it was computed.
    public var seconds: Double

    public init(error: Double, nll: Double, probabilities: [Float], seconds: Double) {
        self.error = error
        self.nll = nll
        self.probabilities = probabilities
        self.seconds = seconds
    }
}

/// An ensemble evaluated member by member in the order the members were collected: each
/// member's own metrics, the running ensemble after each added member, and each member's test
/// predictions (for disagreement). The ensemble of the first k members is `running[k − 1]`.
public struct EnsembleEvaluation: Sendable {
    public var members: [MemberResult]
    public var running: [RunningEnsemblePoint]
    /// `predictions[i]` is member i's class for every test example (left out of the encoding, which
    /// keeps what tables and figures show; decoded as none).
    public var predictions: [[Int32]]

    /// Diversity of the members `range` (e.g. those of the 1-budget ensemble).
    public func diversity(of range: Range<Int>, parameters: [[Float]]) -> DiversitySummary {
        precondition(range.lowerBound >= 0 && range.upperBound <= members.count && !range.isEmpty,
                     "member range \(range) outside 0..<\(members.count)")
        return DiversitySummary(predictions: Array(predictions[range]), parameters: Array(parameters[range]),
                                errors: members[range].map(\.error))
    }
}

extension Evaluator {
    /// One member's test predictions after recomputing its BN statistics on the fixed training
    /// subset `batchNorm` (`recalibrateBatchNorm`, independent of the member's old statistics).
    public func predict(_ member: EnsembleMember, batchNorm: Dataset, test: Dataset) -> MemberPrediction {
        let start = DispatchTime.now().uptimeNanoseconds
        let state = recalibrateBatchNorm(parameters: member.parameters, state: member.state, on: batchNorm)
        let own = evaluate(parameters: member.parameters, state: state, on: test, keepProbabilities: true)
        return MemberPrediction(error: own.error, nll: own.loss, probabilities: own.probabilities!,
                                seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// Evaluates `members` as an ensemble on `test`: each member's predictions (`predict`, or
    /// `prediction` when given, e.g. read from a cache) and the running average of the
    /// probabilities (`EnsembleAverage`) after each member.
    ///
    /// Contract: `running[0]` equals `members[0]` (error exactly, NLL to float rounding);
    /// `running[k − 1]` is the ensemble of members `0..<k`, whatever is evaluated later.
    public func evaluateEnsemble(_ members: [EnsembleMember], batchNorm: Dataset, test: Dataset, progressLabel: String = "ensemble",
                                 prediction: ((EnsembleMember) throws -> MemberPrediction)? = nil) rethrows -> EnsembleEvaluation {
        var average = EnsembleAverage(count: test.count, classes: network.classes)
        var result = EnsembleEvaluation(members: [], running: [], predictions: [])
        let progress = ProgressBar(label: progressLabel, total: members.count)
        for member in members {
            let own = try prediction?(member) ?? predict(member, batchNorm: batchNorm, test: test)
            average.add(probabilities: own.probabilities)
            result.members.append(MemberResult(label: member.label, error: own.error, nll: own.nll, seconds: own.seconds))
            result.running.append(RunningEnsemblePoint(members: average.members, error: average.error(labels: test.labels),
                                                       nll: average.nll(labels: test.labels)))
            result.predictions.append((0..<test.count).map { EnsembleAverage.argmax(own.probabilities, row: $0, classes: network.classes) })
            progress.advance(status: member.label)
        }
        progress.finish()
        return result
    }
}

extension EnsembleEvaluation: Codable {
    private enum CodingKeys: String, CodingKey { case members, running }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(members: try c.decode([MemberResult].self, forKey: .members), running: try c.decode([RunningEnsemblePoint].self, forKey: .running),
                  predictions: [])
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(members, forKey: .members)
        try c.encode(running, forKey: .running)
    }
}
