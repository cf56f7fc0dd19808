import Datasets
import Networks
import Tensor
import Training

/// Keskar et al.'s sharpness (2017), first-order version as the Knee paper's code computes it
/// (nikhil-iyer-97/wide-minima-density-hypothesis): the largest rise of the training loss inside
/// the box `|w − w0| ≤ ε·(|w0| + 1)` (elementwise, parameters only), found by projected gradient
/// ascent, relative to `1 + L0`: `sharpness = 100·(L1 − L0)/(1 + L0)`.
public struct SharpnessOptions: Codable, Hashable, Sendable {
    public var epsilon: Double = 1e-4
    public var steps: Int = 1_000
    /// Rate of each plain gradient-ascent step before projection back into the box.
    public var ascentRate: Double = 0.01
    public var batchSize: Int = 128
    /// L1 is the maximum of the loss on the evaluation subset measured every this many steps and after the last.
    public var evaluateEvery: Int = 100

    public init(epsilon: Double = 1e-4, steps: Int = 1_000, ascentRate: Double = 0.01, batchSize: Int = 128, evaluateEvery: Int = 100) {
        precondition(epsilon > 0 && steps >= 1 && ascentRate > 0 && batchSize >= 1 && evaluateEvery >= 1,
                     "sharpness options out of range: ε \(epsilon), steps \(steps), rate \(ascentRate), batch \(batchSize), every \(evaluateEvery)")
        self.epsilon = epsilon
        self.steps = steps
        self.ascentRate = ascentRate
        self.batchSize = batchSize
        self.evaluateEvery = evaluateEvery
    }
}

public struct SharpnessResult: Codable, Equatable, Sendable {
    /// Loss at w0 and the largest loss found in the box (mean cross-entropy, eval mode).
    public var l0: Double, l1: Double
    /// The step after which L1 was measured (0: at w0 itself).
    public var step: Int
    /// Every measured loss and the step it was measured after, from step 0 (nil in results stored before it was kept).
    public var trajectory: [MeasuredLoss]?

    public struct MeasuredLoss: Codable, Equatable, Sendable {
        public var step: Int
        public var loss: Double
    }
    /// `100·(L1 − L0)/(1 + L0)`.
    public var sharpness: Double { 100 * (l1 - l0) / (1 + l0) }
}

public enum KeskarSharpness {
    /// The box's bounds around `w0`: `w0 ∓ ε·(|w0| + 1)`.
    public static func box(around w0: [Float], epsilon: Double) -> (lower: [Float], upper: [Float]) {
        let radius = w0.map { Float(epsilon) * (abs($0) + 1) }
        return (zip(w0, radius).map { $0 - $1 }, zip(w0, radius).map { $0 + $1 })
    }

    /// Projected gradient ascent from `w0`: `steps` times `w ← clamp(w + rate·∇f(w))`, with
    /// `gradient` returning ∇ of the objective (on a minibatch, say) at step k; `measure` is the
    /// loss L1 compares, taken at w0, every `evaluateEvery` steps and after the last; `observe`
    /// sees every iterate. Returns the largest measured loss, the step it was seen at, and every measured loss.
    public static func ascend(from w0: [Float], epsilon: Double, steps: Int, rate: Double, evaluateEvery: Int,
                              gradient: (_ w: [Float], _ step: Int) -> [Float], measure: ([Float]) -> Double,
                              observe: ([Float]) -> Void = { _ in }) -> (l0: Double, l1: Double, step: Int, trajectory: [SharpnessResult.MeasuredLoss]) {
        let (lower, upper) = box(around: w0, epsilon: epsilon)
        var w = w0
        let l0 = measure(w0)
        var best = (l0, 0)
        var trajectory = [SharpnessResult.MeasuredLoss(step: 0, loss: l0)]
        for step in 1...steps {
            let g = gradient(w, step)
            for i in w.indices { w[i] = min(upper[i], max(lower[i], w[i] + Float(rate) * g[i])) }
            observe(w)
            if step % evaluateEvery == 0 || step == steps {
                let loss = measure(w)
                trajectory.append(SharpnessResult.MeasuredLoss(step: step, loss: loss))
                if loss > best.0 { best = (loss, step) }
            }
        }
        return (l0, best.0, best.1, trajectory)
    }

    /// Sharpness of the network (`parameters`, `state`) with BN frozen at `state` (eval mode, for
    /// the ascent and for L0/L1 alike): ascent on minibatches of `ascent` (shuffled with `seed`,
    /// no augmentation), losses measured on `evaluation`.
    public static func measure(network: Network, parameters: [Float], state: [Float], ascent: Dataset, evaluation: Dataset,
                               options: SharpnessOptions = SharpnessOptions(), seed: UInt64, label: String = "sharpness") -> SharpnessResult {
        let progress = ProgressBar(label: label, total: options.steps)
        defer { progress.finish() }
        let objective = NetworkObjective(network: network, state: state, batchCapacity: options.batchSize)
        objective.frozenBatchNorm = true
        let evaluator = Evaluator(network: network)
        let loader = BatchLoader(dataset: ascent, batchSize: options.batchSize, shuffle: true, augmentation: .none, seed: seed)
        var rng = RandomGenerator(seed: seed)
        var gradient = [Float](repeating: 0, count: parameters.count)
        var images = [Float](repeating: 0, count: options.batchSize * ascent.sampleSize)
        var labels = [Int32](repeating: 0, count: options.batchSize)
        let perEpoch = loader.batchesPerEpoch
        let result = ascend(from: parameters, epsilon: options.epsilon, steps: options.steps, rate: options.ascentRate,
                            evaluateEvery: options.evaluateEvery, gradient: { w, step in
            // The gradient of the minibatch cross-entropy; ascent adds it.
            _ = w.withUnsafeBufferPointer { wp in
                gradient.withUnsafeMutableBufferPointer { gp in
                    images.withUnsafeMutableBufferPointer { x in
                        labels.withUnsafeMutableBufferPointer { y in
                            let n = loader.fill(epoch: (step - 1) / perEpoch, batch: (step - 1) % perEpoch, images: x.baseAddress!, labels: y.baseAddress!)
                            return objective.lossAndGradient(parameters: wp.baseAddress!, gradient: gp.baseAddress!, images: x.baseAddress!,
                                                             labels: y.baseAddress!, batch: n, rng: &rng)
                        }
                    }
                }
            }
            progress.advance(status: "step \(step)")
            return gradient
        }, measure: { w in evaluator.evaluate(parameters: w, state: state, on: evaluation).loss })
        return SharpnessResult(l0: result.l0, l1: result.l1, step: result.step, trajectory: result.trajectory)
    }
}
