import ChapterKit
import Experiments
import Datasets
import Foundation
import Networks
import Tensor
import Training
import WeightSpace

/// A rate as the bench measures it: per second of wall time, and per CPU-second of the process ×
/// threads (what the run would reach with the cores to itself: robust to other jobs time-slicing
/// a shared machine, but blind to threads that spin while they wait).
struct Rate: Codable, Equatable, Sendable {
    var wall: Double
    var cpu: Double

    func scaled(by k: Double) -> Rate { Rate(wall: wall * k, cpu: cpu * k) }
}

/// SGD as the bench's training steps use it, on both sides of a comparison.
struct BenchOptimizer: Codable, Equatable, Sendable {
    var learningRate: Double = 0.01
    var momentum: Double
    var nesterov: Bool
    var weightDecay: Double

    /// The chapters' recipe (TrainingRecipe's defaults): momentum 0.9, weight decay 5e-4, no Nesterov.
    static var recipe: BenchOptimizer {
        let r = TrainingRecipe(model: .mlp, data: "", trainImages: 0, seed: 0, epochs: 1)
        return BenchOptimizer(momentum: r.momentum, nesterov: r.nesterov, weightDecay: r.weightDecay)
    }

    var description: String {
        String(format: "SGD lr %g, momentum %g%@, weight decay %g", learningRate, momentum, nesterov ? " (Nesterov)" : "", weightDecay)
    }
}

/// Measures the engine on synthetic 1×28×28 batches: the sgemm ceiling, each network's training
/// (forward + backward + SGD step on one reused batch) and evaluation throughput, BN
/// recalibration and a curve step.
struct EngineBenchmark {
    let batchSize: Int
    let minimumSeconds: Double
    /// Also measure BN recalibration and the curve step (the slow parts of a run).
    let extras: Bool
    var optimizer = BenchOptimizer.recipe
    /// Untimed calls before each measurement (the PyTorch twin makes as many).
    static let warmupCalls = 2
    /// Images of the evaluation pass (in batches of `batchSize`).
    var evaluationImages: Int { batchSize * 8 }

    init(batchSize: Int = 128, minimumSeconds: Double = 3, extras: Bool = true, optimizer: BenchOptimizer = .recipe) {
        self.batchSize = batchSize
        self.minimumSeconds = minimumSeconds
        self.extras = extras
        self.optimizer = optimizer
    }

    /// Calls of `body` per second, after `warmupCalls` untimed ones, over at least `minimumSeconds`.
    func rate(_ body: () -> Void) -> Rate {
        for _ in 0..<Self.warmupCalls { body() }
        var calls = 0
        let start = Date(), cpuStart = Self.processCPUSeconds()
        repeat { body(); calls += 1 } while Date().timeIntervalSince(start) < minimumSeconds
        let wall = Date().timeIntervalSince(start), cpu = Self.processCPUSeconds() - cpuStart
        return Rate(wall: Double(calls) / wall, cpu: Double(calls) * Double(BLAS.threads) / max(cpu, 1e-9))
    }

    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// Peak resident set of this process so far, MiB.
    static func peakResidentMiB() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// Single-precision GEMM of two `n`×`n` matrices on `BLAS.threads` threads, GFLOP/s.
    func sgemm(size n: Int = 2048) -> Rate {
        var rng = RandomGenerator(seed: 1)
        let a = (0..<(n * n)).map { _ in rng.uniformFloat() }, b = a
        var c = [Float](repeating: 0, count: n * n)
        let perSecond = rate {
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        BLAS.gemm(m: n, n: n, k: n, a: ap.baseAddress!, lda: n, b: bp.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: n)
                    }
                }
            }
        }
        return perSecond.scaled(by: 2 * Double(n * n * n) / 1e9)
    }

    /// The ceiling the networks' FLOP rates are read against: one thread's sgemm GFLOP per
    /// CPU-second, × threads. One thread's CPU-time rate hardly moves when other jobs share the
    /// cores, where the threaded sgemm's does (its threads wait on each other while one is off
    /// its core), which would let a network "exceed" the ceiling.
    func sgemmCeiling(size n: Int = 2048) -> Double {
        let threads = BLAS.threads
        BLAS.threads = 1
        defer { BLAS.threads = threads }
        return sgemm(size: n).cpu * Double(threads)
    }

    /// A network set up for repeated measurements (parameters, optimizer and buffers kept between rounds).
    func prepare(_ model: ModelName) -> EngineSubject { EngineSubject(model: model, bench: self) }

    /// One training step's loss and gradient.
    static func step(_ objective: TrainingObjective, _ w: inout [Float], _ g: inout [Float], _ x: [Float], _ y: [Int32],
                     _ rng: inout RandomGenerator) -> Float {
        let n = y.count
        return w.withUnsafeBufferPointer { wp in
            g.withUnsafeMutableBufferPointer { gp in
                x.withUnsafeBufferPointer { xp in
                    y.withUnsafeBufferPointer { yp in
                        objective.lossAndGradient(parameters: wp.baseAddress!, gradient: gp.baseAddress!, images: xp.baseAddress!,
                                                  labels: yp.baseAddress!, batch: n, rng: &rng).loss
                    }
                }
            }
        }
    }
}

/// One network under measurement.
final class EngineSubject {
    let model: ModelName
    let network: Network
    let bench: EngineBenchmark
    private var parameters: [Float]
    private let state: [Float]
    private var gradient: [Float]
    private var optimizer: SGD
    private var rng = RandomGenerator(seed: 7)
    private let data: Dataset
    private let images: [Float], labels: [Int32]
    private let objective: NetworkObjective
    private let evaluator: Evaluator
    private let evaluationData: Dataset

    init(model: ModelName, bench: EngineBenchmark) {
        self.model = model
        self.bench = bench
        network = Network.make(model, inputShape: model.benchInputShape)
        (parameters, state) = network.initialParameters(seed: 7)
        gradient = parameters
        let o = bench.optimizer
        optimizer = SGD(momentum: Float(o.momentum), nesterov: o.nesterov, weightDecay: Float(o.weightDecay))
        // BN recalibration's images (its time is reported per 10 000): 1 000 (or the evaluation's) for the papers' networks,
        // where 10 000 would take WideResNet-28-10 minutes on two cores.
        data = SyntheticData.gaussianBlobs(count: model.isPaperNetwork ? max(1_000, bench.evaluationImages) : 10_000, classes: network.classes,
                                           dimensions: network.inputShape.reduce(1, *),
                                           shape: network.inputShape, seed: 3)
        images = Array(data.images.prefix(bench.batchSize * data.sampleSize))
        labels = Array(data.labels.prefix(bench.batchSize))
        objective = NetworkObjective(network: network, state: state, batchCapacity: bench.batchSize)
        evaluator = Evaluator(network: network, batchSize: bench.batchSize)
        evaluationData = data.prefix(bench.evaluationImages)
    }

    /// Training steps per second (forward + backward + SGD on one batch).
    func trainingSteps() -> Rate {
        let lr = Float(bench.optimizer.learningRate)
        return bench.rate {
            _ = EngineBenchmark.step(objective, &parameters, &gradient, images, labels, &rng)
            optimizer.step(parameters: &parameters, gradient: &gradient, learningRate: lr)
        }
    }

    /// Training and evaluation images per second: evaluation on the inference path (`Evaluator`)
    /// and, for comparison, on the training graph's eval-mode forward (no BN folded, every
    /// activation kept, the direct and oneDNN kernels), with the same loss and accuracy pass.
    func measure() -> (train: Rate, eval: Rate, evalGraph: Rate) {
        let train = trainingSteps().scaled(by: Double(bench.batchSize))
        let eval = bench.rate { _ = evaluator.evaluate(parameters: parameters, state: state, on: evaluationData) }
        let graph = bench.rate { evaluateOnTheGraph() }
        let images = Double(evaluationData.count)
        return (train, eval.scaled(by: images), graph.scaled(by: images))
    }

    private lazy var graphWorkspace = network.makeWorkspace(batchCapacity: bench.batchSize)

    /// The evaluator's pass on the training graph: eval-mode forwards in batches, loss and accuracy.
    private func evaluateOnTheGraph() {
        var s = state
        let n = bench.batchSize, size = evaluationData.sampleSize, classes = network.classes
        parameters.withUnsafeBufferPointer { w in s.withUnsafeMutableBufferPointer { sp in
            evaluationData.images.withUnsafeBufferPointer { x in evaluationData.labels.withUnsafeBufferPointer { y in
                var start = 0
                while start < evaluationData.count {
                    let b = min(n, evaluationData.count - start)
                    let logits = network.forward(parameters: w.baseAddress!, state: sp.baseAddress!, input: x.baseAddress! + start * size,
                                                 batch: b, mode: .eval, workspace: graphWorkspace)
                    _ = SoftmaxCrossEntropy.evaluate(logits: logits, labels: y.baseAddress! + start, batch: b, classes: classes, gradient: nil)
                    start += b
                }
            } }
        } }
    }

    /// Seconds to recompute BN statistics per 10 000 images, and the times of a curve-training step
    /// (Bezier, 3 bends) and of one Hessian-vector product on the training batch (`HessianOperator`:
    /// BN in eval mode, a mask-recording forward and two gradients) over a plain training step (CPU time).
    func extras() -> (batchNormSecondsPer10k: Double, curveStepOverTrainStep: Double, hessianProductOverTrainStep: Double) {
        let start = Date()
        _ = evaluator.recalibrateBatchNorm(parameters: parameters, state: state, on: data)
        let bnSeconds = Date().timeIntervalSince(start) * 10_000 / Double(data.count)

        let curve = Curve(.bezier, bends: 3)
        let curveObjective = CurveObjective(curve: curve, network: network, state: state, weightDecay: Float(bench.optimizer.weightDecay),
                                            batchCapacity: bench.batchSize)
        var bends = curve.linearBends(start: parameters, end: parameters)
        var bendGradient = bends
        let trainSteps = trainingSteps()
        let curveSteps = bench.rate { _ = EngineBenchmark.step(curveObjective, &bends, &bendGradient, images, labels, &rng) }
        let hessian = HessianOperator(network: network, parameters: parameters, state: state, data: data.prefix(bench.batchSize),
                                      batchSize: bench.batchSize)
        var directionRNG = RandomGenerator(seed: 11)
        let direction = (0..<parameters.count).map { _ in Double(directionRNG.normal()) }
        let products = bench.rate { _ = hessian.product(direction) }
        return (bnSeconds, trainSteps.cpu / curveSteps.cpu, trainSteps.cpu / products.cpu)
    }
}

extension ModelName {
    /// The input the bench measures a network on: Fashion-MNIST's shape, CIFAR's for the papers' networks.
    var benchInputShape: [Int] { isPaperNetwork ? [3, 32, 32] : [1, 28, 28] }
}
