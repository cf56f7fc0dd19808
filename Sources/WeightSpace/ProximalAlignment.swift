import Datasets
import Networks
import Tensor
import Training

/// PAM's permutation step (Tatro et al. 2020, IBM/NeuronAlignment `train_curve_pam.py`) as an
/// objective of the one training loop: the trainable vector is one soft permutation per unit group
/// (`SoftPermutation`); the curve runs from θ_A to `P(θ_B)` with its middle bends at
/// `(1 − s_i)·θ_A + s_i·P(θ_B) + φ_i` (`s_i = i/(n − 1)`, the linear initialisation; φ fixed, 0 in
/// the paper's first outer iteration). Each minibatch draws `t ~ U(0, 1)` and minimises the
/// cross-entropy at `θ(t) = α(t)·θ_A + β(t)·P(θ_B) + Σ c_i(t)·φ_i`, BN on batch statistics, no weight
/// decay (the paper's permutation step has no regulariser). The gradient is `β(t)·∇θ` pulled back
/// through `P(θ_B)` (`SoftPermutation.gradient`).
public final class PermutationObjective: TrainingObjective {
    public let soft: SoftPermutation
    public let curve: Curve
    public let network: Network
    public let start: [Float]
    public let end: [Float]
    /// φ of the middle bends, one after another (nil: 0).
    public let offsets: [Float]?
    public var state: [Float]

    private let inner: NetworkObjective
    private let workspace: Workspace
    private var theta: [Float]
    private var thetaGradient: [Float]

    public init(network: Network, curve: Curve, start: [Float], end: [Float], offsets: [Float]? = nil, state: [Float], batchCapacity: Int) {
        precondition(curve.bends >= 2 && start.count == network.layout.parameterCount && end.count == start.count,
                     "endpoints of \(start.count)/\(end.count) parameters for \(network.model)")
        precondition(offsets == nil || offsets!.count == (curve.bends - 2) * start.count, "φ must hold the \(curve.bends - 2) middle bends")
        soft = SoftPermutation(groups: network.unitGroups, layout: network.layout)
        self.curve = curve
        self.network = network
        self.start = start
        self.end = end
        self.offsets = offsets
        self.state = state
        inner = NetworkObjective(network: network, state: state, batchCapacity: batchCapacity)
        workspace = network.makeWorkspace(batchCapacity: batchCapacity)
        theta = start
        thetaGradient = start
    }

    public var parameterCount: Int { soft.count }

    /// `(α, β)`: the weights of θ_A and `P(θ_B)` in θ(t).
    func weights(at t: Double) -> (alpha: Float, beta: Float, c: [Float]) {
        let c = curve.coefficients(at: t), n = curve.bends
        var beta: Float = 0, alpha: Float = 0
        for i in 0..<n {
            let s = Float(i) / Float(n - 1)
            beta += c[i] * s
            alpha += c[i] * (1 - s)
        }
        return (alpha, beta, c)
    }

    /// θ(t) for an end already permuted (softly or not).
    public func point(at t: Double, permutedEnd: [Float]) -> [Float] {
        let (alpha, beta, c) = weights(at: t), p = start.count
        var out = [Float](repeating: 0, count: p)
        BLAS.axpy(alpha: alpha, start, &out)
        BLAS.axpy(alpha: beta, permutedEnd, &out)
        if let phi = offsets {
            for i in 1..<(curve.bends - 1) where c[i] != 0 {
                phi.withUnsafeBufferPointer { f in out.withUnsafeMutableBufferPointer { o in
                    BLAS.axpy(p, alpha: c[i], x: f.baseAddress! + (i - 1) * p, y: o.baseAddress!)
                } }
            }
        }
        return out
    }

    public func lossAndGradient(parameters: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>,
                                images: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int,
                                rng: inout RandomGenerator) -> (loss: Float, correct: Int) {
        let t = rng.uniformDouble(), dropoutSeed = inner.drawsDropoutSeeds ? rng.next() : 0
        return lossAndGradient(at: t, parameters: parameters, gradient: gradient, images: images, labels: labels, batch: batch,
                               dropoutSeed: dropoutSeed)
    }

    /// The same at a given `t` (the finite-difference test uses it).
    public func lossAndGradient(at t: Double, parameters: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>,
                                images: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int,
                                dropoutSeed: UInt64 = 0) -> (loss: Float, correct: Int) {
        let p = Array(UnsafeBufferPointer(start: parameters, count: soft.count))
        let permuted = soft.apply(p, to: end)
        theta = point(at: t, permutedEnd: permuted)
        inner.state = state
        var rng = RandomGenerator(seed: dropoutSeed)  // the network objective draws only its dropout masks' seed
        let result = theta.withUnsafeBufferPointer { th in
            thetaGradient.withUnsafeMutableBufferPointer { g in
                inner.lossAndGradient(parameters: th.baseAddress!, gradient: g.baseAddress!, images: images, labels: labels, batch: batch, rng: &rng)
            }
        }
        state = inner.state
        var outer = thetaGradient
        BLAS.scale(outer.count, alpha: weights(at: t).beta, x: &outer)
        let grad = soft.gradient(outer: outer, parameters: end, p: p)
        for i in 0..<soft.count { gradient[i] = grad[i] }
        return result
    }

    /// PAM's rounding score: the mean cross-entropy along the curve to `permutedEnd` on `dataset`
    /// in batches of the workspace's capacity, batch k at `t_k = k/(K − 1)`, BN on batch statistics
    /// (the running statistics are not touched).
    public func alongCurveNLL(permutedEnd: [Float], on dataset: Dataset, batchSize: Int) -> Double {
        let batches = (dataset.count + batchSize - 1) / batchSize, sampleSize = dataset.shape.reduce(1, *)
        var s = state, sum = 0.0
        for k in 0..<batches {
            let t = batches > 1 ? Double(k) / Double(batches - 1) : 0.5
            let theta = point(at: t, permutedEnd: permutedEnd)
            let first = k * batchSize, n = min(batchSize, dataset.count - first)
            let loss = theta.withUnsafeBufferPointer { w in
                s.withUnsafeMutableBufferPointer { st in
                    dataset.images.withUnsafeBufferPointer { x in
                        dataset.labels.withUnsafeBufferPointer { y in
                            let logits = network.forward(parameters: w.baseAddress!, state: st.baseAddress!, input: x.baseAddress! + first * sampleSize,
                                                         batch: n, mode: .train(momentum: 0), workspace: workspace)
                            return SoftmaxCrossEntropy.evaluate(logits: logits, labels: y.baseAddress! + first, batch: n,
                                                                classes: network.classes, gradient: nil).loss
                        }
                    }
                }
            }
            sum += Double(loss) * Double(n)
        }
        return sum / Double(max(dataset.count, 1))
    }
}

/// PAM (proximal alternating minimisation, Tatro et al. 2020) — its permutation step and rounding.
/// SGD on the soft permutations (no momentum) at the settings' rate, after every step a proximal
/// pull towards the permutations it started from (ν) and the doubly stochastic projection; then
/// rounding: the assignment nearest to P, the starting permutation, and permutations sampled from
/// the largest terms of each group's Birkhoff–von Neumann decomposition, keeping the one of lowest
/// training NLL along the curve. The curve's φ is then trained as any curve to the rounded end,
/// with the proximal pull to its start (`CurveRecipe.proximalPull`).
public enum ProximalAlignment {
    public struct Settings: Codable, Hashable, Sendable {
        public var epochs: Int
        public var learningRate: Double
        public var nu: Double = 1000
        public var projectionRounds: Int = 20
        /// Permutations sampled from the decompositions (the paper: 32).
        public var samples: Int
        /// Largest decomposition terms sampled from (the paper: 11).
        public var decompositionTerms: Int = 11
        public var batchSize: Int = 128

        public init(epochs: Int, learningRate: Double, samples: Int) {
            self.epochs = epochs
            self.learningRate = learningRate
            self.samples = samples
        }
    }

    public struct Outcome: Codable, Sendable, Equatable {
        /// The rounded permutations, relative to the end network as given.
        public let permutations: [[Int]]
        /// Mean training loss of every epoch of the permutation step.
        public let epochLoss: [Double]
        /// Per group, the mean diagonal entry of the trained soft permutation (1: it never left its start).
        public let diagonalMass: [Double]
        /// Rounding candidates: the nearest assignment, the start, then the samples.
        public let candidateNLL: [Double]
        public let chosen: Int
        /// Per group, how many units the rounded permutation moves.
        public var movedUnits: [Int] { permutations.map { pi in pi.enumerated().filter { $0.offset != $0.element }.count } }
        public var chosenKind: String { chosen == 0 ? "nearest assignment" : chosen == 1 ? "start" : "sample \(chosen - 1)" }
    }

    /// PAM's proximal pull towards `anchor` after a step at rate `lr`: `x ← (x + (lr/ν)·anchor) / (1 + lr/ν)`
    /// (the permutations towards their start, φ towards 0: the bends towards their linear initialisation).
    public static func pull(_ x: inout [Float], towards anchor: [Float], learningRate: Float, nu: Float) {
        precondition(x.count == anchor.count, "anchor of \(anchor.count) for \(x.count) values")
        let r = learningRate / nu, s = 1 / (1 + r)
        for i in x.indices { x[i] = s * (x[i] + r * anchor[i]) }
    }

    public static func learn(network: Network, curve: Curve, start: [Float], end: [Float], state: [Float],
                             batches: BatchSource, scoring: Dataset, settings: Settings, seed: UInt64) throws -> Outcome {
        let objective = PermutationObjective(network: network, curve: curve, start: start, end: end, state: state,
                                             batchCapacity: max(settings.batchSize, batches.batchCapacity))
        let soft = objective.soft, anchor = soft.identity
        let loop = TrainingLoop(objective: objective, parameters: anchor, optimizer: SGD(momentum: 0), schedule: .constant(settings.learningRate),
                                data: batches, epochs: settings.epochs, seed: RandomGenerator.derive(seed: seed, "PAM permutation step"))
        loop.progressLabel = "PAM permutations"
        var epochLoss: [Double] = []
        loop.hooks.stepEnd.append { loop, end in
            ProximalAlignment.pull(&loop.parameters, towards: anchor, learningRate: end.learningRate, nu: Float(settings.nu))
            soft.project(&loop.parameters, rounds: settings.projectionRounds)
        }
        loop.hooks.epochEnd.append { _, end in epochLoss.append(end.trainLoss) }
        try loop.run()
        let p = loop.parameters
        let diagonal = soft.groups.indices.map { g in
            let m = soft.matrix(p, group: g)
            return m.indices.map { m[$0][$0] }.reduce(0, +) / Double(m.count)
        }

        // Rounding candidates.
        var candidates = [try soft.rounded(p), UnitPermutation.identity(soft.groups)]
        let decompositions = try soft.groups.indices.map { g in
            try BirkhoffDecomposition.terms(soft.matrix(p, group: g)).sorted { $0.weight > $1.weight }.prefix(settings.decompositionTerms)
        }
        var rng = RandomGenerator(seed: RandomGenerator.derive(seed: seed, "PAM rounding samples"))
        for _ in 0..<settings.samples {
            candidates.append(decompositions.enumerated().map { g, terms in
                guard !terms.isEmpty else { return candidates[0][g] }
                let total = terms.reduce(0) { $0 + $1.weight }
                var u = rng.uniformDouble() * total
                for term in terms {
                    u -= term.weight
                    if u <= 0 { return term.permutation }
                }
                return terms.last!.permutation
            })
        }
        var scored: [[[Int]]: Double] = [:]
        let scores = candidates.map { pi in
            if let s = scored[pi] { return s }
            let permuted = UnitPermutation.apply(pi, groups: soft.groups, layout: network.layout, parameters: end,
                                                 state: [Float](repeating: 0, count: network.layout.stateCount)).parameters
            let s = objective.alongCurveNLL(permutedEnd: permuted, on: scoring, batchSize: settings.batchSize)
            scored[pi] = s
            return s
        }
        // The paper's order: the nearest assignment, replaced by the start if no worse, then by any sample strictly better.
        var chosen = 0
        if scores[1] <= scores[0] { chosen = 1 }
        for k in 2..<scores.count where scores[k] < scores[chosen] { chosen = k }
        return Outcome(permutations: candidates[chosen], epochLoss: epochLoss, diagonalMass: diagonal, candidateNLL: scores, chosen: chosen)
    }
}
