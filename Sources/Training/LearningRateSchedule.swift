import Foundation

/// Where training stands when a learning rate is asked for.
public struct TrainingPosition: Sendable, Equatable {
    /// Epoch counted from 0.
    public var epoch: Int
    /// Iteration inside the epoch, from 0.
    public var iteration: Int
    public var iterationsPerEpoch: Int

    public init(epoch: Int, iteration: Int, iterationsPerEpoch: Int) {
        precondition(iterationsPerEpoch > 0, "iterationsPerEpoch must be positive, got \(iterationsPerEpoch)")
        self.epoch = epoch
        self.iteration = iteration
        self.iterationsPerEpoch = iterationsPerEpoch
    }

    /// Iterations done before this one, counted from the start of training (0-based).
    public var globalIteration: Int { epoch * iterationsPerEpoch + iteration }
    /// `epoch + iteration / iterationsPerEpoch`.
    public var fractionalEpoch: Double { Double(epoch) + Double(iteration) / Double(iterationsPerEpoch) }
}

/// A learning-rate schedule: a value called with the training position, built from small pieces.
///
/// `name` is a stable description (it enters artifact-cache keys and reports), so two schedules
/// with the same name must give the same rates.
public struct LearningRateSchedule: Sendable, CustomStringConvertible {
    public let name: String
    private let rate: @Sendable (TrainingPosition) -> Double

    public init(name: String, rate: @escaping @Sendable (TrainingPosition) -> Double) {
        self.name = name
        self.rate = rate
    }

    public func callAsFunction(_ position: TrainingPosition) -> Float { Float(rate(position)) }
    public var description: String { name }

    /// The same schedule with training positions shifted: position `p` of the result is
    /// position `p - epochs` of `self` (for a phase that starts after `epochs` of another one).
    public func starting(atEpoch epochs: Int) -> LearningRateSchedule {
        let inner = rate
        return LearningRateSchedule(name: "\(name) from epoch \(epochs)") { p in
            var q = p
            q.epoch -= epochs
            return inner(q)
        }
    }

    /// `self` for epochs before `epoch`, then `next` (whose positions count from its own start).
    public func then(_ next: LearningRateSchedule, atEpoch epoch: Int) -> LearningRateSchedule {
        let first = rate, second = next.starting(atEpoch: epoch)
        return LearningRateSchedule(name: "\(name); from epoch \(epoch): \(next.name)") { p in
            p.epoch < epoch ? first(p) : Double(second(p))
        }
    }
}

extension LearningRateSchedule {
    public static func constant(_ lr: Double) -> LearningRateSchedule {
        LearningRateSchedule(name: "constant(\(lr))") { _ in lr }
    }

    /// Multiply by `gamma` at each milestone epoch (PyTorch `MultiStepLR`, stepped per epoch).
    public static func step(_ lr: Double, milestones: [Int], gamma: Double = 0.1) -> LearningRateSchedule {
        LearningRateSchedule(name: "step(\(lr), milestones \(milestones), gamma \(gamma))") { p in
            lr * pow(gamma, Double(milestones.filter { p.epoch >= $0 }.count))
        }
    }

    /// Cosine annealing from `lr` to `minimum` over `epochs`, per iteration.
    public static func cosine(_ lr: Double, epochs: Int, minimum: Double = 0) -> LearningRateSchedule {
        LearningRateSchedule(name: "cosine(\(lr) to \(minimum) over \(epochs) epochs)") { p in
            let x = min(1, p.fractionalEpoch / Double(epochs))
            return minimum + 0.5 * (lr - minimum) * (1 + cos(Double.pi * x))
        }
    }

    /// Linear decay from `lr` to `end` over `epochs`, per iteration.
    public static func linear(_ lr: Double, epochs: Int, end: Double = 0) -> LearningRateSchedule {
        LearningRateSchedule(name: "linear(\(lr) to \(end) over \(epochs) epochs)") { p in
            let x = min(1, p.fractionalEpoch / Double(epochs))
            return lr + (end - lr) * x
        }
    }

    /// The mode-connectivity code's schedule (GAR `learning_rate_schedule`), per epoch, epoch
    /// counted from 1 and `α = e/E`: factor 1 for α ≤ 0.5, `1 − 0.99(α − 0.5)/0.4` for α ≤ 0.9,
    /// 0.01 after.
    public static func piecewise(_ lr: Double, epochs: Int) -> LearningRateSchedule {
        LearningRateSchedule(name: "piecewise(\(lr) over \(epochs) epochs)") { p in
            let alpha = Double(p.epoch + 1) / Double(epochs)
            let factor: Double
            if alpha <= 0.5 { factor = 1 } else if alpha <= 0.9 { factor = 1 - 0.99 * (alpha - 0.5) / 0.4 } else { factor = 0.01 }
            return lr * factor
        }
    }

    /// The SWA paper's schedule (SWA `train.py`), per epoch counted from 0: `t = epoch/swaStart`,
    /// `r = swaLR/lr`; factor 1 for t ≤ 0.5, `1 − (1 − r)(t − 0.5)/0.4` for t ≤ 0.9, r after.
    /// With `swaStart` = the budget and `swaLR = 0.01·lr` it is the SGD baseline.
    public static func swa(_ lr: Double, swaLR: Double, swaStart: Int) -> LearningRateSchedule {
        LearningRateSchedule(name: "swa(\(lr), swa_lr \(swaLR), start \(swaStart))") { p in
            let t = Double(p.epoch) / Double(swaStart)
            let r = swaLR / lr
            let factor: Double
            if t <= 0.5 { factor = 1 } else if t <= 0.9 { factor = 1 - (1 - r) * (t - 0.5) / 0.4 } else { factor = r }
            return lr * factor
        }
    }

    /// PyTorch's `SWALR`: from `lr` to `swaLR` over `epochs` epochs (set every iteration), then
    /// `swaLR`. With `t = min(1, epoch/epochs)`, cosine uses `α = (1 − cos πt)/2`, linear `α = t`;
    /// `lr(t) = α·swaLR + (1 − α)·lr`. `epochs = 0` is `swaLR` from the first step.
    public static func swaAnneal(from lr: Double, to swaLR: Double, epochs: Double, shape: AnnealShape) -> LearningRateSchedule {
        precondition(epochs >= 0, "anneal epochs must be ≥ 0, got \(epochs)")
        return LearningRateSchedule(name: "swalr(\(lr) to \(swaLR) over \(epochs) epochs, \(shape.rawValue))") { p in
            let t = epochs == 0 ? 1 : min(1, p.fractionalEpoch / epochs)
            let alpha = shape == .cosine ? (1 - cos(Double.pi * t)) / 2 : t
            return alpha * swaLR + (1 - alpha) * lr
        }
    }
}

/// How `swaAnneal` moves from the current rate to the SWA rate.
public enum AnnealShape: String, Codable, CaseIterable, Sendable {
    case cosine, linear
}
