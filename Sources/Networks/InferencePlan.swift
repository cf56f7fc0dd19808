import Tensor

/// The forward pass of evaluation and of BN recalibration: no backward follows, so it is planned
/// for speed rather than for the gradients (`docs/engine.md`, "The inference path"):
///
/// - **BN folded into its convolution** (with `foldsBatchNorm`, eval mode only): a convolution
///   whose output only a BN reads computes that BN's output directly, with
///   `W'[o] = a[o]·W[o]` and `b'[o] = a[o]·(b[o] − μ[o]) + β[o]`, `a = γ/√(σ² + ε)`, recomputed
///   from θ and the running statistics (θ changes from call to call along a curve): at every
///   pass, or once per parameter vector when the caller says the next batches reuse it
///   (`reusesPreparedWeights`, as the evaluator does for every batch after a dataset's first).
/// - **ReLU fused** into the convolution's output pass: Winograd's output transform and the direct
///   kernel apply it as they write, oneDNN's primitives by a post-op after the (folded) bias; only
///   im2col + GEMM leaves one pass over the output that adds the bias and rectifies.
/// - **Winograd** for the 3 × 3 stride-1 convolutions (`WinogradConvolution.variant(for:)`): with
///   16–64 input channels and padding 1, F(4 × 4, 3 × 3) a few samples at a time with the channels
///   in the vectors; on 5 × 5 and 6 × 6 outputs of up to 64 channels, F(m × m, 3 × 3) with each
///   sample's whole map one tile; with more channels, F(4 × 4) over 8 tiles per vector on maps 21 or
///   more outputs wide and F(2 × 2, 3 × 3) on narrower ones.
/// - **Residual adds in the write-out**: a convolution (on the engine's kernels) whose output only an
///   `Add` reads adds itself into the Add's other input as it writes, when that input is made before
///   it and read by nothing after the Add; the sum takes that input's buffer and the Add's pass goes.
///   The two operands are the same, so the sum's bits are the Add's.
/// - **oneDNN's own layout into oneDNN**: where a oneDNN or Winograd convolution's output (after its
///   folded BN) is read only by a oneDNN convolution, it is written in oneDNN's 8-channel blocked
///   layout, which that convolution reads as it is: one or two reorders fewer (`BlockedMaps`;
///   Winograd's output transform holds 8 channels per position anyway). A whole-map Winograd
///   convolution reads that layout too (8 channels per position is what its vectors hold).
/// - **Position-major maps between channels-last Winograd layers**: a map one such layer makes (not
///   adding into a residual) and only another reads as its input stays `[batch][Ho][Wo][C]`, which
///   the reader copies in without transposing (`PositionMajorMaps`).
/// - **A pre-activation BN in the next convolution's padding copy** (eval mode): a BN (and its ReLU)
///   whose output only a stride-1 direct or Winograd convolution reads is applied by that
///   convolution as it copies its input in (`InputAffine`), and makes no pass of its own.
/// - **No activations kept**: activations whose lives do not overlap share one buffer.
///
/// Without `foldsBatchNorm` (BN recalibration's train-mode pass, which needs every BN's input to
/// compute its statistics) the BNs run as they are, the convolutions still by Winograd.
public final class InferencePlan {
    public let batchCapacity: Int
    public let foldsBatchNorm: Bool
    let graph: LayerGraph
    let steps: [Step]
    let workspace: Workspace
    /// Per-worker scratch of the Winograd convolutions, `winogradScratchCount` floats each, and of the direct chains.
    private let winogradScratch: [UnsafeMutablePointer<Float>]
    private let chainScratch: [UnsafeMutablePointer<Float>]
    let winogradScratchCount: Int

    enum Step {
        /// The graph's operation `index`, run as in the graph's forward pass.
        case node(index: Int)
        case convolution(InferenceConvolution)
        case chain(InferenceChain)
    }

    init(graph: LayerGraph, batchCapacity: Int, convolutions: ConvolutionBackend, foldsBatchNorm: Bool,
         fusesResidualAdds: Bool = true, handsOverBlocked: Bool = true, chainsDirect: Bool = true, mapsInputs: Bool = true,
         usesWinograd: Bool = true, winograd: WinogradVariant? = nil, handsOverPositionMajor: Bool = true) {
        self.graph = graph
        self.batchCapacity = batchCapacity
        self.foldsBatchNorm = foldsBatchNorm
        let nodes = graph.nodes
        var readers = [[Int]](repeating: [], count: graph.activations.count)
        for (i, node) in nodes.enumerated() { for id in node.inputs { readers[id].append(i) } }
        var producer = [Int](repeating: -1, count: graph.activations.count)
        for (i, node) in nodes.enumerated() { producer[node.output] = i }
        // Each convolution with the BN it feeds alone (folded) and the Add it feeds alone (added as it writes).
        var steps: [Step] = [], skipped = Set<Int>()
        for (i, node) in nodes.enumerated() where !skipped.contains(i) {
            guard let conv = node as? Conv2d else { steps.append(.node(index: i)); continue }
            var bn: BatchNorm?
            if foldsBatchNorm, readers[conv.output].count == 1, let j = readers[conv.output].first, let b = nodes[j] as? BatchNorm {
                bn = b
                skipped.insert(j)
            }
            let made = bn?.output ?? conv.output
            var residual: (add: Add, index: Int, input: Int)?
            if fusesResidualAdds, !(bn?.relu ?? false), readers[made].count == 1, let j = readers[made].first, let add = nodes[j] as? Add,
               let r = add.inputs.first(where: { $0 != made }), add.inputs.contains(made), r != 0, r != graph.outputID,
               producer[r] >= 0, producer[r] < i, readers[r].allSatisfy({ $0 < i || $0 == j }),
               Self.accumulates(conv, biased: bn != nil || conv.biasOffset != nil, convolutions: convolutions,
                                usesWinograd: usesWinograd, winograd: winograd) {
                residual = (add, j, r)
                skipped.insert(j)
            }
            steps.append(.convolution(InferenceConvolution(conv, index: i, batchNorm: bn, residual: residual, usesWinograd: usesWinograd,
                                                            winograd: winograd)))
        }
        // The passes below remove only nodes' steps, so the convolutions by operation index hold for all of them.
        var byIndex: [Int: InferenceConvolution] = [:]
        for case .convolution(let c) in steps { byIndex[c.index] = c }
        // A BN whose output only one stride-1 direct or Winograd convolution reads: applied as that one pads.
        if mapsInputs && foldsBatchNorm {
            steps.removeAll { step in
                guard case .node(let j) = step, let bn = nodes[j] as? BatchNorm, bn.output != graph.outputID, readers[bn.output].count == 1,
                      let c = byIndex[readers[bn.output][0]], c.conv.inputs[0] == bn.output, c.conv.geometry.stride == 1,
                      c.winograd != nil || c.runsDirect(convolutions) else { return false }
                c.inputBatchNorm = bn
                return true
            }
        }
        // A map only a oneDNN convolution (or a whole-map Winograd one) reads: written in oneDNN's blocked layout.
        if handsOverBlocked && convolutions != .engine && ConvolutionBackend.oneDNNAvailable {
            for case .convolution(let p) in steps where p.runsOnOneDNN(convolutions) || (p.winograd != nil && p.residual == nil) {
                guard p.output != graph.outputID, p.conv.outChannels % 8 == 0, readers[p.output].count == 1,
                      let q = byIndex[readers[p.output][0]], q.conv.inputs[0] == p.output,
                      q.runsOnOneDNN(convolutions) || q.winograd?.readsBlocked == true else { continue }
                p.blocked.output = true
                q.blocked.input = true
            }
        }
        // A map made by a channels-last Winograd convolution (not adding into a residual) that only another one reads as its
        // input: kept position-major.
        if handsOverPositionMajor {
            for case .convolution(let p) in steps where p.winograd?.channelsLast == true && p.residual == nil && !p.blocked.output {
                guard p.output != graph.outputID, readers[p.output].count == 1, let q = byIndex[readers[p.output][0]],
                      q.input == p.output, q.winograd?.channelsLast == true else { continue }
                p.positionMajor.output = true
                q.positionMajor.input = true
            }
        }
        // Direct convolutions in a row: one sample at a time.
        if chainsDirect && DirectChain.available {
            steps = Self.chained(steps, readers: readers, outputID: graph.outputID, convolutions: convolutions)
        }
        self.steps = steps
        let slots = Self.slots(steps, graph: graph)
        workspace = Workspace(graph: graph, batchCapacity: batchCapacity, convolutions: convolutions, slots: slots)
        // A pass may run on fewer workers than the workspace has (one, when BLAS has one thread), and
        // then one worker transforms the whole batch: each scratch holds the chunks of a whole batch
        // (chunks are capped at a few samples, so this costs little).
        let scratch = max(1, steps.map { step -> Int in
            if case .convolution(let c) = step, let w = c.winograd { return w.scratchCount(samples: batchCapacity) }
            return 0
        }.max() ?? 0)
        winogradScratchCount = scratch
        winogradScratch = (0..<workspace.maxWorkers).map { _ in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: scratch)
            p.initialize(repeating: 0, count: scratch)
            return p
        }
        let chain = max(1, steps.map { step -> Int in if case .chain(let c) = step { return c.direct.scratchCount }; return 0 }.max() ?? 0)
        chainScratch = (0..<workspace.maxWorkers).map { _ in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: chain)
            p.initialize(repeating: 0, count: chain)
            return p
        }
    }

    deinit { for p in winogradScratch + chainScratch { p.deallocate() } }

    /// Runs of two or more direct convolutions each of whose outputs only the next one reads (the
    /// last may add into a residual), as chains.
    private static func chained(_ steps: [Step], readers: [[Int]], outputID: Int, convolutions: ConvolutionBackend) -> [Step] {
        var result: [Step] = [], run: [InferenceConvolution] = []
        func close() {
            if run.count >= 2 { result.append(.chain(InferenceChain(run))) } else if let c = run.first { result.append(.convolution(c)) }
            run = []
        }
        for step in steps {
            guard case .convolution(let c) = step, c.runsDirect(convolutions) else { close(); result.append(step); continue }
            if let p = run.last, p.residual == nil, p.output != outputID, readers[p.output] == [c.index], c.conv.inputs[0] == p.output {
                run.append(c)
            } else {
                close()
                run = [c]
            }
        }
        close()
        return result
    }

    /// Every convolution of the plan, those in chains included.
    var convolutionSteps: [InferenceConvolution] { Self.convolutions(in: steps) }

    private static func convolutions(in steps: [Step]) -> [InferenceConvolution] {
        steps.flatMap { step -> [InferenceConvolution] in
            switch step {
            case .node: return []
            case .convolution(let c): return [c]
            case .chain(let c): return c.members
            }
        }
    }

    /// Whether the engine's kernels run `conv` and can add it into a residual as they write: not
    /// oneDNN (whose output goes through its own layout), and im2col + GEMM only without a bias
    /// (its GEMM adds into the residual; a bias would be added in another order than the Add's).
    private static func accumulates(_ conv: Conv2d, biased: Bool, convolutions: ConvolutionBackend, usesWinograd: Bool,
                                    winograd: WinogradVariant?) -> Bool {
        if usesWinograd, WinogradConvolution.variant(for: conv.geometry, outChannels: conv.outChannels, forced: winograd) != nil { return true }
        if convolutions.runsOnOneDNN(.forward, conv.geometry, outChannels: conv.outChannels, pointwise: conv.isPointwise) { return false }
        return conv.direct != nil || !biased
    }

    /// Per activation, its buffer: a step's output takes a buffer freed by an earlier step (whose
    /// activations are read by no later step); a convolution's output that a folded BN replaces
    /// lives in the BN's output's buffer (it is never written).
    private static func slots(_ steps: [Step], graph: LayerGraph) -> [Int] {
        /// What a step reads and writes, and the input whose buffer it writes in place (a residual).
        func io(_ step: Step) -> (reads: [Int], writes: Int, inPlace: Int?) {
            switch step {
            case .node(let i): return (graph.nodes[i].inputs, graph.nodes[i].output, nil)
            case .convolution(let c): return ([c.input] + (c.residual.map { [$0] } ?? []), c.output, c.residual)
            case .chain(let chain):
                let first = chain.members[0], last = chain.members[chain.members.count - 1]
                return ([first.input] + (last.residual.map { [$0] } ?? []), last.output, last.residual)
            }
        }
        var lastRead = [Int](repeating: -1, count: graph.activations.count)
        for (k, step) in steps.enumerated() { for id in io(step).reads { lastRead[id] = k } }
        lastRead[graph.outputID] = steps.count
        var slot = [Int](repeating: -1, count: graph.activations.count), free: [Int] = [], count = 1
        slot[0] = 0
        for (k, step) in steps.enumerated() {
            let (reads, out, inPlace) = io(step)
            if let inPlace { slot[out] = slot[inPlace] } else if let reuse = free.popLast() { slot[out] = reuse } else { slot[out] = count; count += 1 }
            for id in Set(reads + [out]) where lastRead[id] <= k && id != inPlace { free.append(slot[id]) }
        }
        // What a convolution's step never writes (its own output, a folded BN's) lives where its result does.
        for case .convolution(let c) in steps {
            for id in [c.conv.output, c.batchNorm?.output].compactMap({ $0 }) where id != c.output { slot[id] = slot[c.output] }
        }
        // An input BN's output is never written either: it lives where its input does.
        for c in convolutions(in: steps) {
            if let bn = c.inputBatchNorm { slot[bn.output] = slot[bn.inputs[0]] }
        }
        // A chain writes only its last member's output.
        for case .chain(let chain) in steps {
            let written = chain.members[chain.members.count - 1].output
            for c in chain.members {
                for id in [c.conv.output, c.batchNorm?.output, c.output].compactMap({ $0 }) where id != written { slot[id] = slot[written] }
            }
        }
        return slot
    }

    /// Whether a pass has prepared the convolutions' weights (folded BN, Winograd's transform).
    private var prepared = false

    /// At most this many workers per pass (as with fewer BLAS threads), for tests that need one
    /// worker without changing the process-wide thread count under concurrently running passes.
    var workerLimit = Int.max

    /// Logits `[batch, classes]` (owned by the plan, valid until its next pass). With
    /// `reusesPreparedWeights` the convolutions keep the folded and transformed weights the previous
    /// pass prepared: the caller promises the same parameters (and, where BN is folded, the same
    /// running statistics) as that pass.
    public func run(parameters: UnsafePointer<Float>, state: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, batch: Int,
             mode: ForwardMode, reusesPreparedWeights: Bool = false) -> UnsafeMutablePointer<Float> {
        precondition(batch > 0 && batch <= batchCapacity, "batch \(batch) outside 1...\(batchCapacity) (inference plan capacity)")
        precondition(!foldsBatchNorm || mode == .eval, "an inference plan that folds BN runs in eval mode only")
        precondition(!reusesPreparedWeights || prepared, "no earlier pass prepared the weights this pass would reuse")
        let prepares = !reusesPreparedWeights
        workspace.values[0].update(from: input, count: graph.activations[0].perSample * batch)
        Parallel.withEngineThreads(limit: min(workspace.maxWorkers, workerLimit)) { workers in
            let pass = Pass(parameters: parameters, state: state, gradient: UnsafeMutablePointer(mutating: parameters),
                            batch: batch, mode: mode, workspace: workspace, workers: workers)
            for step in steps {
                switch step {
                case .node(let i):
                    workspace.timed(i, backward: false) { graph.nodes[i].forward(pass, scratch: workspace.scratch[i]) }
                case .convolution(let c):
                    workspace.timed(c.index, backward: false) {
                        c.forward(pass, prepares: prepares, winogradScratch: winogradScratch, scratchCount: winogradScratchCount)
                    }
                case .chain(let c):
                    workspace.timed(c.members[0].index, backward: false) { c.forward(pass, prepares: prepares, scratch: chainScratch) }
                }
            }
        }
        prepared = true
        workspace.lastBatch = batch
        workspace.lastMode = mode
        return workspace.values[graph.outputID]
    }

    /// How many BNs the plan folded, residual adds it fused, convolutions it runs by Winograd, and
    /// activation buffers it allocated.
    public var foldedBatchNorms: Int { convolutionSteps.filter { $0.batchNorm != nil }.count }
    public var fusedResidualAdds: Int { convolutionSteps.filter { $0.residual != nil }.count }
    /// Maps handed from one channels-last Winograd convolution to the next position-major.
    public var positionMajorHandOvers: Int { convolutionSteps.filter(\.positionMajor.output).count }
    /// Maps handed to a oneDNN convolution in oneDNN's blocked layout.
    public var blockedHandOvers: Int { convolutionSteps.filter(\.blocked.output).count }
    /// BNs applied by the convolution that reads them, as it copies its input in.
    public var mappedInputBatchNorms: Int { convolutionSteps.filter { $0.inputBatchNorm != nil }.count }
    public var winogradConvolutions: Int { convolutionSteps.filter { $0.winograd != nil }.count }
    /// Direct convolutions run in chains, one sample at a time through all of a chain's members.
    public var chainedConvolutions: Int { steps.reduce(0) { if case .chain(let c) = $1 { return $0 + c.members.count }; return $0 } }
    public var buffers: Int { workspace.bufferCount }

    /// The graph's operation summaries (`LayerTimes` order) as this plan runs them: which
    /// convolutions run by Winograd and took a BN in, and which BNs were folded away.
    public func layerSummaries() -> [LayerSummary] {
        var summaries = graph.layerSummaries(convolutions: workspace.convolutions)
        for c in convolutionSteps {
            let s = summaries[c.index]
            var detail = s.detail
            if let w = c.winograd, let comma = detail.lastIndex(of: ",") {
                detail = String(detail[..<comma]) + ", Winograd F(\(w.tile)×\(w.tile), 3×3)" + (w.channelsLast ? " channels-last" : "")
            }
            if let bn = c.batchNorm {
                detail += bn.relu ? ", BN + ReLU folded in" : ", BN folded in"
                if let j = graph.nodes.firstIndex(where: { $0 === bn }) {
                    summaries[j] = LayerSummary(kind: summaries[j].kind, detail: "folded into the convolution", multiplyAddsPerSample: 0,
                                                backwardMultiplyAddsPerSample: 0)
                }
            }
            if let bn = c.inputBatchNorm, let j = graph.nodes.firstIndex(where: { $0 === bn }) {
                detail += bn.relu ? ", input's BN + ReLU applied as it pads" : ", input's BN applied as it pads"
                summaries[j] = LayerSummary(kind: summaries[j].kind, detail: "applied by the convolution that reads it", multiplyAddsPerSample: 0,
                                            backwardMultiplyAddsPerSample: 0)
            }
            if c.blocked.input { detail += ", input in oneDNN's layout" }
            if c.blocked.output { detail += ", output in oneDNN's layout" }
            if c.positionMajor.input { detail += ", input position-major" }
            if c.positionMajor.output { detail += ", output position-major" }
            if let j = c.addIndex {
                detail += ", residual added"
                summaries[j] = LayerSummary(kind: summaries[j].kind, detail: "added by the convolution", multiplyAddsPerSample: 0,
                                            backwardMultiplyAddsPerSample: 0)
            }
            summaries[c.index] = LayerSummary(kind: s.kind, detail: detail, multiplyAddsPerSample: s.multiplyAddsPerSample,
                                              backwardMultiplyAddsPerSample: 0)
        }
        // A chain's time is its first member's: that row takes the chain's work, the others none.
        for case .chain(let chain) in steps {
            let first = chain.members[0].index, rest = chain.members.dropFirst().map(\.index)
            let s = summaries[first], names = rest.map { summaries[$0].detail }
            summaries[first] = LayerSummary(kind: s.kind, detail: s.detail + "; per sample with " + names.joined(separator: "; "),
                                            multiplyAddsPerSample: ([first] + rest).reduce(0) { $0 + summaries[$1].multiplyAddsPerSample },
                                            backwardMultiplyAddsPerSample: 0)
            for i in rest {
                summaries[i] = LayerSummary(kind: summaries[i].kind, detail: "in the chain of the convolution before", multiplyAddsPerSample: 0,
                                            backwardMultiplyAddsPerSample: 0)
            }
        }
        return summaries
    }

    /// Every operation's wall time is added here while set (`bench --layers`); a folded BN's is its convolution's.
    public var layerTimes: LayerTimes? {
        get { workspace.layerTimes }
        set { workspace.layerTimes = newValue }
    }
}

extension LayerGraph {
    /// The inference path for batches up to `batchCapacity` (`InferencePlan`); freezes the graph.
    public func makeInferencePlan(batchCapacity: Int, convolutions: ConvolutionBackend = .standard,
                                  foldsBatchNorm: Bool = true) -> InferencePlan {
        makeInferencePlan(batchCapacity: batchCapacity, convolutions: convolutions, foldsBatchNorm: foldsBatchNorm, fusesResidualAdds: true,
                          handsOverBlocked: true)
    }

    /// As above; without `fusesResidualAdds` every Add runs as its own pass, without
    /// `handsOverBlocked` every oneDNN convolution reads and writes the engine's layout, without
    /// `chainsDirect` every direct convolution runs over the whole batch, without `mapsInputs` every
    /// BN that is not folded makes its own pass, without `usesWinograd` no convolution runs by
    /// Winograd, without `handsOverPositionMajor` every channels-last Winograd convolution reads and
    /// writes the engine's layout, and `winograd` forces Winograd's variant where it
    /// applies (for the tests that compare them).
    func makeInferencePlan(batchCapacity: Int, convolutions: ConvolutionBackend, foldsBatchNorm: Bool,
                           fusesResidualAdds: Bool, handsOverBlocked: Bool, chainsDirect: Bool = true, mapsInputs: Bool = true,
                           usesWinograd: Bool = true, winograd: WinogradVariant? = nil,
                           handsOverPositionMajor: Bool = true) -> InferencePlan {
        finalize()
        return InferencePlan(graph: self, batchCapacity: batchCapacity, convolutions: convolutions, foldsBatchNorm: foldsBatchNorm,
                             fusesResidualAdds: fusesResidualAdds, handsOverBlocked: handsOverBlocked, chainsDirect: chainsDirect,
                             mapsInputs: mapsInputs, usesWinograd: usesWinograd, winograd: winograd,
                             handsOverPositionMajor: handsOverPositionMajor)
    }
}

extension Network {
    /// The inference path (`InferencePlan`): BN folded (with `foldsBatchNorm`, for eval mode), ReLU
    /// fused, Winograd 3 × 3 convolutions, no activations kept.
    public func makeInferencePlan(batchCapacity: Int, convolutions: ConvolutionBackend = .standard,
                                  foldsBatchNorm: Bool = true) -> InferencePlan {
        graph.makeInferencePlan(batchCapacity: batchCapacity, convolutions: convolutions, foldsBatchNorm: foldsBatchNorm)
    }

    /// Logits `[batch, classes]` of the inference path (owned by `plan`, valid until its next pass).
    /// Eval mode reads `state`; train mode (a plan that does not fold BN) updates it, as `forward` does.
    public func infer(parameters: UnsafePointer<Float>, state: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                      batch: Int, mode: ForwardMode = .eval, plan: InferencePlan, reusesPreparedWeights: Bool = false) -> UnsafeMutablePointer<Float> {
        precondition(plan.graph === graph, "inference plan belongs to another network")
        return plan.run(parameters: parameters, state: state, input: input, batch: batch, mode: mode, reusesPreparedWeights: reusesPreparedWeights)
    }
}
