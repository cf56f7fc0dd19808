import Tensor

/// What a step-end hook sees: the step just taken.
public struct StepEnd {
    public let position: TrainingPosition
    /// Steps taken since the start of training, this one included.
    public let step: Int
    public let learningRate: Float
    public let loss: Float
    public let batchSize: Int
}

/// What an epoch-end hook sees: the epoch just finished and its running training statistics.
public struct EpochEnd {
    /// The epoch just finished, from 0.
    public let epoch: Int
    public let trainLoss: Double
    public let trainError: Double
    public let learningRate: Float
}

/// Hooks through which FGE, SSE, SWA, Knee, curve training and checkpointing configure the one
/// training loop instead of copying it. Hooks read the loop's parameters through `loop`.
public struct TrainingHooks {
    public var stepEnd: [(TrainingLoop, StepEnd) throws -> Void] = []
    public var epochEnd: [(TrainingLoop, EpochEnd) throws -> Void] = []
    public init() {}
}

/// The one training loop: minibatches from a `BatchSource`, an objective's loss and gradient, an
/// SGD step at the schedule's rate, hooks at every step and epoch end.
///
/// Determinism: batch order and augmentation come from the source (pure in epoch and batch), the
/// objective's randomness from a generator derived from (seed, epoch), so a run resumed at an
/// epoch boundary retraces the uninterrupted run bit for bit on the same machine and threads.
public final class TrainingLoop {
    public let objective: TrainingObjective
    public var optimizer: SGD
    public let schedule: LearningRateSchedule
    public let data: BatchSource
    public let epochs: Int
    public let seed: UInt64
    public var parameters: [Float]
    /// The next epoch to run (from 0); a resumed run starts past 0.
    public var epoch: Int
    public var hooks = TrainingHooks()
    public var progressLabel = "train"

    private var images: [Float]
    private var labels: [Int32]
    private var gradient: [Float]

    public init(objective: TrainingObjective, parameters: [Float], optimizer: SGD, schedule: LearningRateSchedule,
                data: BatchSource, epochs: Int, seed: UInt64, startEpoch: Int = 0) {
        precondition(parameters.count == objective.parameterCount,
                     "parameters length \(parameters.count) ≠ objective's \(objective.parameterCount)")
        precondition(epochs >= 0 && startEpoch >= 0, "epochs \(epochs) and start \(startEpoch) must be ≥ 0")
        self.objective = objective
        self.parameters = parameters
        self.optimizer = optimizer
        self.schedule = schedule
        self.data = data
        self.epochs = epochs
        self.seed = seed
        self.epoch = startEpoch
        images = [Float](repeating: 0, count: data.batchCapacity * data.sampleSize)
        labels = [Int32](repeating: 0, count: data.batchCapacity)
        gradient = [Float](repeating: 0, count: parameters.count)
    }

    /// Runs the remaining epochs. Throws `TrainingError.nonFiniteLoss` before any hook sees a
    /// diverged step, so checkpoints written by hooks stay at the last good epoch.
    public func run() throws {
        let perEpoch = data.batchesPerEpoch
        let progress = ProgressBar(label: progressLabel, total: (epochs - epoch) * perEpoch)
        while epoch < epochs {
            var rng = RandomGenerator(seed: RandomGenerator.derive(seed: seed, "objective epoch \(epoch)"))
            var lossSum = 0.0, correct = 0, seen = 0
            var lr: Float = 0
            for b in 0..<perEpoch {
                let position = TrainingPosition(epoch: epoch, iteration: b, iterationsPerEpoch: perEpoch)
                lr = schedule(position)
                let (loss, right, n) = trainStep(epoch: epoch, batch: b, learningRate: lr, rng: &rng)
                guard loss.isFinite else {
                    progress.finish()
                    throw TrainingError.nonFiniteLoss(epoch: epoch, iteration: b, step: position.globalIteration + 1, learningRate: lr)
                }
                lossSum += Double(loss) * Double(n)
                correct += right
                seen += n
                let end = StepEnd(position: position, step: position.globalIteration + 1, learningRate: lr, loss: loss, batchSize: n)
                for hook in hooks.stepEnd { try hook(self, end) }
                progress.advance(status: "epoch \(epoch + 1)/\(epochs) loss=\(format(lossSum / Double(seen))) lr=\(format(Double(lr)))")
            }
            let summary = EpochEnd(epoch: epoch, trainLoss: lossSum / Double(max(seen, 1)),
                                   trainError: 1 - Double(correct) / Double(max(seen, 1)), learningRate: lr)
            epoch += 1
            for hook in hooks.epochEnd { try hook(self, summary) }
        }
        progress.finish()
    }

    private func trainStep(epoch: Int, batch: Int, learningRate: Float, rng: inout RandomGenerator) -> (Float, Int, Int) {
        let objective = self.objective, data = self.data
        let (loss, correct, n): (Float, Int, Int) = images.withUnsafeMutableBufferPointer { x in
            labels.withUnsafeMutableBufferPointer { y in
                let n = data.fill(epoch: epoch, batch: batch, images: x.baseAddress!, labels: y.baseAddress!)
                let (loss, correct) = parameters.withUnsafeBufferPointer { w in
                    gradient.withUnsafeMutableBufferPointer { g in
                        objective.lossAndGradient(parameters: w.baseAddress!, gradient: g.baseAddress!,
                                                  images: x.baseAddress!, labels: y.baseAddress!, batch: n, rng: &rng)
                    }
                }
                return (loss, correct, n)
            }
        }
        if loss.isFinite { optimizer.step(parameters: &parameters, gradient: &gradient, learningRate: learningRate) }
        return (loss, correct, n)
    }

    private func format(_ x: Double) -> String {
        let v = (x * 10_000).rounded() / 10_000
        return "\(v)"
    }
}
