/// Stochastic Weight Averaging's running mean of parameter vectors (SWA `moving_average`,
/// PyTorch `AveragedModel`): after the k-th `collect(w)`, `average = (w₁ + … + w_k)/k`, computed
/// as `w̄ ← w̄ + (w − w̄)/(n + 1)`. Parameters only: BN statistics of the average are meaningless
/// until recomputed for it (`Evaluator.recalibrateBatchNorm`).
public struct WeightAverage: Sendable {
    public private(set) var average: [Float]
    /// How many vectors have been collected.
    public private(set) var count = 0

    public init(dimension: Int) { average = [Float](repeating: 0, count: dimension) }

    public mutating func collect(_ w: [Float]) {
        precondition(w.count == average.count, "collecting a vector of length \(w.count) into an average of \(average.count)")
        let step = 1 / Float(count + 1)
        for i in average.indices { average[i] += (w[i] - average[i]) * step }
        count += 1
    }
}
