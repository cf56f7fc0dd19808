@testable import Networks
import Tensor
import Testing
import TestSupport

/// The inference path (`InferencePlan`: BN folded into its convolution, ReLU fused, Winograd 3 × 3
/// convolutions, shared buffers) against the graph's own eval- and train-mode forward passes.
@Suite("Inference path")
struct InferenceTests {
    static func gap(_ a: [Float], _ b: [Float]) -> Double { ConvolutionBackendTests.largestRelativeGap(a, b) }

    /// Logits (and the state after the pass) of `plan` on the harness's batch.
    static func infer(_ h: NetworkHarness, _ plan: InferencePlan, batch: Int? = nil, mode: ForwardMode = .eval,
                      parameters: [Float]? = nil, reusesPreparedWeights: Bool = false) -> (logits: [Float], state: [Float]) {
        var state = h.state
        let n = batch ?? h.batch
        let logits = (parameters ?? h.parameters).withUnsafeBufferPointer { p in
            state.withUnsafeMutableBufferPointer { s in
                h.images.withUnsafeBufferPointer { x in
                    let y = h.network.infer(parameters: p.baseAddress!, state: s.baseAddress!, input: x.baseAddress!, batch: n,
                                            mode: mode, plan: plan, reusesPreparedWeights: reusesPreparedWeights)
                    return Array(UnsafeBufferPointer(start: y, count: n * h.network.classes))
                }
            }
        }
        return (logits, state)
    }

    /// The graph's own forward pass: logits and the state after it.
    static func graphForward(_ h: NetworkHarness, mode: ForwardMode) -> (logits: [Float], state: [Float]) {
        var state = h.state
        let logits = h.parameters.withUnsafeBufferPointer { p in
            state.withUnsafeMutableBufferPointer { s in
                h.images.withUnsafeBufferPointer { x in
                    let y = h.network.forward(parameters: p.baseAddress!, state: s.baseAddress!, input: x.baseAddress!, batch: h.batch,
                                              mode: mode, workspace: h.workspace)
                    return Array(UnsafeBufferPointer(start: y, count: h.batch * h.network.classes))
                }
            }
        }
        return (logits, state)
    }

    @Test(arguments: ModelName.smallNetworks, [ConvolutionBackend.engine, .fastest])
    func foldedLogitsEqualTheEvalForward(_ model: ModelName, _ backend: ConvolutionBackend) {
        for (shape, width) in [([1, 28, 28], 1), ([3, 32, 32], 2)] {
            let h = NetworkHarness(model, width: width, inputShape: shape, batch: 7, mode: .eval, seed: 5, convolutions: backend)
            let plan = h.network.makeInferencePlan(batchCapacity: 7, convolutions: backend)
            let reference = Self.graphForward(h, mode: .eval).logits, inferred = Self.infer(h, plan).logits
            let gap = Self.gap(reference, inferred)
            #expect(gap <= 1e-4, "\(model) \(shape) w\(width) \(backend): logits differ by \(gap) of their largest")
            #expect(reference != inferred || model == .mlp, "\(model): the inference path ran the graph's own code")
            if model != .mlp {
                #expect(plan.foldedBatchNorms > 0 && plan.winogradConvolutions > 0, "\(model): nothing folded or transformed")
            }
            #expect(plan.buffers < h.network.graph.activations.count, "\(model): no activation buffer shared")
        }
    }

    /// With one BLAS thread a pass runs on one worker, which transforms the whole batch: the Winograd
    /// scratch must hold a whole batch's chunks, not half of one (a batch of 4 needs chunks of 3 samples
    /// where 2 held 2; `WinogradConvolution.run` checks its scratch, so an undersized one stops the test).
    /// The plan is limited to one worker rather than BLAS to one thread: the tests running beside this
    /// one would see the changed thread count, split their batches differently between two passes and
    /// lose their bit-for-bit equalities (this test did that once in a while).
    @Test(arguments: [ModelName.tinyten, .resnet32])
    func oneWorkerRunsTheWholeBatchWithinItsScratch(_ model: ModelName) {
        let shape = model == .resnet32 ? [3, 32, 32] : [1, 28, 28]
        let h = NetworkHarness(model, width: 1, inputShape: shape, batch: 4, mode: .eval, seed: 5)
        let plan = h.network.makeInferencePlan(batchCapacity: 4)
        plan.workerLimit = 1
        let gap = Self.gap(Self.graphForward(h, mode: .eval).logits, Self.infer(h, plan).logits)
        #expect(plan.winogradConvolutions > 0 && gap <= 1e-4, "\(model): logits differ by \(gap) of their largest")
    }

    @Test(arguments: [ModelName.tinyten, .preresnet20])
    func trainModePassUpdatesTheStatisticsAsTheGraphDoes(_ model: ModelName) {
        let h = NetworkHarness(model, batch: 9, mode: .train(momentum: 0.3), seed: 8)
        let plan = h.network.makeInferencePlan(batchCapacity: 9, foldsBatchNorm: false)
        #expect(plan.foldedBatchNorms == 0)
        let reference = Self.graphForward(h, mode: .train(momentum: 0.3)), inferred = Self.infer(h, plan, mode: .train(momentum: 0.3))
        #expect(Self.gap(reference.logits, inferred.logits) <= 1e-4)
        #expect(Self.gap(reference.state, inferred.state) <= 1e-4, "\(model): running statistics differ")
        #expect(reference.state != h.state, "the pass did not update the statistics")
    }

    @Test func smallerBatchOnTheSamePlan() {
        let h = NetworkHarness(.preresnet20, batch: 6, mode: .eval, seed: 2)
        let plan = h.network.makeInferencePlan(batchCapacity: 6)
        let full = Self.infer(h, plan).logits
        let first = Self.infer(h, plan, batch: 3).logits
        #expect(Self.gap(Array(full.prefix(first.count)), first) <= 1e-5)
        #expect(Self.infer(h, plan).logits == full, "a smaller batch in between changed the next pass")
    }

    /// The evaluator's batches after a dataset's first reuse the weights its first pass folded and
    /// transformed: the same logits as preparing them again; a new parameter vector's first pass
    /// prepares its own (as a fresh plan would).
    @Test(arguments: [ModelName.tinyten, .preresnet20])
    func laterBatchesReuseThePreparedWeights(_ model: ModelName) {
        let h = NetworkHarness(model, batch: 6, mode: .eval, seed: 2)
        let plan = h.network.makeInferencePlan(batchCapacity: 6)
        #expect(plan.foldedBatchNorms > 0 && plan.winogradConvolutions > 0)
        let prepared = Self.infer(h, plan).logits
        #expect(Self.infer(h, plan, batch: 4, reusesPreparedWeights: true).logits == Array(Self.infer(h, plan, batch: 4).logits))
        #expect(Self.infer(h, plan, reusesPreparedWeights: true).logits == prepared)
        let other = h.parameters.enumerated().map { $1 * (1 + 0.2 * Float($0 % 3)) }
        let next = Self.infer(h, plan, parameters: other).logits
        #expect(next != prepared, "the second parameter vector gave the first one's logits")
        #expect(next == Self.infer(h, h.network.makeInferencePlan(batchCapacity: 6), parameters: other).logits)
        #expect(Self.infer(h, plan, parameters: other, reusesPreparedWeights: true).logits == next)
    }

    /// One 3 × 3 stride-1 convolution by Winograd, F(2 × 2), F(4 × 4) and F(4 × 4) channels-last,
    /// against the direct sum, over the geometries whose tiles overhang the output (odd sizes, sizes
    /// that are not a multiple of 4, rows of tiles that end inside a group of 8 or span two, planes
    /// that are not a whole number of 8 positions), without padding, and from either storage order.
    /// A 3 × 3 output (4 tiles for 9 outputs) is left to the direct kernels; channels-last takes
    /// padding 1 only.
    @Test(arguments: [(32, 16, 6, 0), (32, 16, 7, 1), (48, 32, 6, 1), (32, 32, 9, 0), (32, 16, 28, 1), (64, 64, 7, 1), (32, 32, 14, 1),
                      (32, 16, 38, 1), (48, 32, 8, 1), (16, 16, 28, 1), (16, 32, 15, 1)], [WinogradVariant.f2, .f4, .f4ChannelsLast])
    func winogradMatchesTheDirectSum(_ shape: (channels: Int, out: Int, size: Int, padding: Int), _ variant: WinogradVariant) {
        let (channels, out, size, padding) = shape
        // F(4 × 4) leaves a 6 × 6 output (4 tiles of 16 for 36 outputs) to the direct kernels.
        let overhangs = variant.tile == 4 && size + 2 * padding - 2 == 6
        let applies = WinogradConvolution.supports(ConvGeometry(channels: channels, height: size, width: size, kernel: 3, stride: 1,
                                                                padding: padding), outChannels: out, variant: variant)
        #expect(applies == (variant == .f4ChannelsLast ? padding == 1 && !overhangs : !overhangs))
        for channelMajor in [false, true] { Self.expectTheDirectSum(shape, variant, channelMajor: channelMajor, applies: applies) }
    }

    /// Whole-map Winograd F(m × m, 3 × 3), a sample's whole output one tile, for m = 3 … 6 (the
    /// interpolation points 0, ±1, ±2, ±½ and ∞), with and without padding, from either storage order;
    /// not for a 2 × 2 output (a plane of fewer than 8 positions).
    @Test(arguments: [(64, 64, 7, 0), (32, 16, 5, 1), (16, 32, 8, 0), (8, 16, 6, 1), (16, 16, 4, 1), (8, 32, 5, 0), (24, 16, 6, 0)])
    func wholeMapWinogradMatchesTheDirectSum(_ shape: (channels: Int, out: Int, size: Int, padding: Int)) {
        let m = shape.size + 2 * shape.padding - 2
        for channelMajor in [false, true] { Self.expectTheDirectSum(shape, .wholeMap(m), channelMajor: channelMajor, applies: true) }
        #expect(!WinogradConvolution.supports(ConvGeometry(channels: 16, height: 4, width: 4, kernel: 3, stride: 1, padding: 0),
                                              outChannels: 16, variant: .wholeMap(2)))
    }

    /// Runs one 3 × 3 convolution (after a 1 × 1 one with `channelMajor`, which makes it read a
    /// channel-major map) on the graph's forward pass and on the inference path with `variant`
    /// forced: the path takes that variant where it `applies`, and its outputs are within 1e-5 of the
    /// largest of the direct sum's.
    static func expectTheDirectSum(_ shape: (channels: Int, out: Int, size: Int, padding: Int), _ variant: WinogradVariant,
                                   channelMajor: Bool, applies: Bool) {
        let (channels, out, size, padding) = shape
        let g = LayerGraph(inputShape: [channels, size, size])
        let x = channelMajor ? g.conv2d(g.input, name: "pre", outChannels: channels, kernel: 1, bias: false) : g.input
        g.conv2d(x, name: "conv", outChannels: out, kernel: 3, stride: 1, padding: padding, bias: true)
        var rng = RandomGenerator(seed: UInt64(channels * 100 + size))
        let p = (0..<g.layout.parameterCount).map { _ in rng.normal() * 0.3 }
        var s = [Float](repeating: 0, count: max(1, g.layout.stateCount))
        let batch = 3, input = (0..<(channels * size * size * batch)).map { _ in rng.normal() }
        let ws = g.makeWorkspace(batchCapacity: batch, convolutions: .engine)
        let plan = g.makeInferencePlan(batchCapacity: batch, convolutions: .engine, foldsBatchNorm: true, fusesResidualAdds: true,
                                       handsOverBlocked: true, winograd: variant)
        #expect(plan.convolutionSteps.compactMap { $0.winograd?.variant } == (applies ? [variant] : []))
        guard applies else { return }
        let outputs = out * (size + 2 * padding - 2) * (size + 2 * padding - 2) * batch
        let (direct, winograd) = p.withUnsafeBufferPointer { pp in
            s.withUnsafeMutableBufferPointer { sp in
                input.withUnsafeBufferPointer { xp in
                    let a = Array(UnsafeBufferPointer(start: g.forward(parameters: pp.baseAddress!, state: sp.baseAddress!,
                                                                       input: xp.baseAddress!, batch: batch, mode: .eval, workspace: ws),
                                                      count: outputs))
                    let b = Array(UnsafeBufferPointer(start: plan.run(parameters: pp.baseAddress!, state: sp.baseAddress!,
                                                                      input: xp.baseAddress!, batch: batch, mode: .eval),
                                                      count: outputs))
                    return (a, b)
                }
            }
        }
        let gap = Self.gap(direct, winograd)
        #expect(gap <= 1e-5, "\(variant) C\(channels)→\(out) at \(size)×\(size) p\(padding) channel-major \(channelMajor): gap \(gap)")
    }

    /// Each F(m, 3)'s matrices (m = 1 … 6) compute the correlation of 3 taps over m + 2 inputs, in
    /// double precision: Aᵀ [(G g) ⊙ (Bᵀ d)] = (Σ_k g_k d_{i+k})_i.
    @Test func winogradTransformsComputeTheCorrelation() {
        var rng = RandomGenerator(seed: 31)
        for m in 1...6 {
            let w = WinogradTransforms(outputs: m), alpha = m + 2
            // Bᵀ and Aᵀ are stored by columns of 8.
            let bt = (0..<alpha).map { i in (0..<alpha).map { Double(w.input[8 * $0 + i]) } }
            let at = (0..<m).map { i in (0..<alpha).map { Double(w.output[8 * $0 + i]) } }
            let d = (0..<alpha).map { _ in Double(rng.normal()) }, g = (0..<3).map { _ in Double(rng.normal()) }
            let products = (0..<alpha).map { (j: Int) -> Double in
                let filtered: Double = (0..<3).reduce(0.0) { $0 + w.kernel[3 * j + $1] * g[$1] }
                let data: Double = (0..<alpha).reduce(0.0) { $0 + bt[j][$1] * d[$1] }
                return filtered * data
            }
            for i in 0..<m {
                let y: Double = (0..<alpha).reduce(0.0) { $0 + at[i][$1] * products[$1] }
                let reference: Double = (0..<3).reduce(0.0) { $0 + g[$1] * d[i + $1] }
                // Bᵀ's coefficients are rounded to single precision (thirds, ninths, ...).
                #expect(abs(y - reference) <= 1e-5 * max(1, abs(reference)), "F(\(m), 3) output \(i): \(y) against \(reference)")
            }
        }
    }
}

extension InferenceTests {
    /// A residual added by the convolution as it writes (direct, Winograd with and without the tiles'
    /// overrun, a 1 × 1 stride-2 GEMM; with and without a folded BN's bias) gives the Add's bits, in
    /// eval mode and in BN recalibration's train mode, on an odd batch split between the workers;
    /// with each of Winograd's variants.
    @Test(arguments: [(ModelName.preresnet20, [1, 28, 28]), (.resnet32, [3, 32, 32])], [ConvolutionBackend.engine, .fastest])
    func residualAddsInTheWriteOutGiveTheAddsBits(_ model: (ModelName, [Int]), _ backend: ConvolutionBackend) {
        for mode in [ForwardMode.eval, .train(momentum: 0.3)] {
          for variant in [WinogradVariant.f2, .f4, .f4ChannelsLast] {
            let h = NetworkHarness(model.0, width: 1, inputShape: model.1, batch: 7, mode: mode, seed: 4, convolutions: backend)
            let folds = mode == .eval
            let fused = h.network.graph.makeInferencePlan(batchCapacity: 7, convolutions: backend, foldsBatchNorm: folds, fusesResidualAdds: true,
                                                             handsOverBlocked: true, winograd: variant)
            let apart = h.network.graph.makeInferencePlan(batchCapacity: 7, convolutions: backend, foldsBatchNorm: folds, fusesResidualAdds: false,
                                                             handsOverBlocked: true, winograd: variant)
            // ResNet-32's Adds read BNs: in eval mode folded (its two projection shortcuts then are 1 × 1 GEMMs with a
            // bias, left to their Adds), in train mode run as they are (no Add then reads a convolution).
            let adds = h.network.graph.nodes.filter { $0 is Add }.count
            let unfused = model.0 == .preresnet20 ? 0 : folds ? 2 : adds
            #expect(apart.fusedResidualAdds == 0 && fused.fusedResidualAdds == adds - unfused,
                    "\(model.0) \(backend) \(mode) \(variant): \(fused.fusedResidualAdds) of \(adds) adds fused")
            let a = Self.infer(h, fused, mode: mode), b = Self.infer(h, apart, mode: mode)
            #expect(a.logits == b.logits, "\(model.0) \(backend) \(mode) \(variant): fused residual adds changed the logits")
            #expect(a.state == b.state, "\(model.0) \(backend) \(mode) \(variant): fused residual adds changed the statistics")
            #expect(fused.buffers <= apart.buffers)
          }
        }
    }

    /// tinyten's second Winograd 32 → 32 writes its map for the oneDNN 32 → 64 stride 2 after it, and
    /// that one for the 64 → 64 (oneDNN's, or by the rule whole-map Winograd's), in oneDNN's blocked
    /// layout: the same bits as through the engine's layout, on an odd batch and a smaller one; with
    /// the rule's variants and each of Winograd's forced.
    @Test(.enabled(if: ConvolutionBackend.oneDNNAvailable), arguments: [WinogradVariant?.none, .f2, .f4, .f4ChannelsLast])
    func blockedHandOverGivesTheSameBits(_ variant: WinogradVariant?) {
        let h = NetworkHarness(.tinyten, batch: 7, mode: .eval, seed: 6, convolutions: .fastest)
        let plans = [true, false].map {
            h.network.graph.makeInferencePlan(batchCapacity: 7, convolutions: .fastest, foldsBatchNorm: true, fusesResidualAdds: true,
                                              handsOverBlocked: $0, winograd: variant)
        }
        // Forced, F(2 × 2) and F(4 × 4) also run tinyten's first two layers (1 → 16 and 16 → 16 at 28 × 28),
        // channels-last its 16 → 16 (it needs a multiple of 8 input channels).
        let runs = variant == .f4ChannelsLast ? 3 : 4
        let variants: [WinogradVariant] = variant.map { Array(repeating: $0, count: runs) }
            ?? [.f4ChannelsLast, .f4ChannelsLast, .f4ChannelsLast, .wholeMap(5)]
        #expect(plans[0].convolutionSteps.compactMap { $0.winograd?.variant } == variants)
        #expect(plans[0].blockedHandOvers == 2 && plans[1].blockedHandOvers == 0)
        let handed = Self.infer(h, plans[0]).logits
        #expect(handed == Self.infer(h, plans[1]).logits, "the blocked hand-over changed the logits")
        #expect(Self.infer(h, plans[0], batch: 3).logits == Array(Self.infer(h, plans[1], batch: 3).logits))
    }

    /// A map one channels-last Winograd layer makes and only the next reads as its input stays
    /// position-major (preresnet20's conv1 → conv2 maps but those of the stride-2 conv1s: seven, each
    /// with the BN folded into conv1 and conv2 adding into the residual; tinyten's 32 → 32 pair): the
    /// same bits as through the engine's layout, on an odd batch and a smaller one.
    @Test(arguments: [ModelName.tinyten, .preresnet20], [ConvolutionBackend.engine, .fastest])
    func positionMajorHandOverGivesTheSameBits(_ model: ModelName, _ backend: ConvolutionBackend) {
        let h = NetworkHarness(model, batch: 7, mode: .eval, seed: 14, convolutions: backend)
        let plans = [true, false].map {
            h.network.graph.makeInferencePlan(batchCapacity: 7, convolutions: backend, foldsBatchNorm: true, fusesResidualAdds: true,
                                              handsOverBlocked: true, handsOverPositionMajor: $0)
        }
        #expect(plans[0].positionMajorHandOvers == (model == .tinyten ? 1 : 7) && plans[1].positionMajorHandOvers == 0,
                "\(model): \(plans[0].positionMajorHandOvers) position-major hand-overs")
        #expect(Self.infer(h, plans[0]).logits == Self.infer(h, plans[1]).logits, "\(model) \(backend): the hand-over changed the logits")
        #expect(Self.infer(h, plans[0], batch: 3).logits == Array(Self.infer(h, plans[1], batch: 3).logits))
    }

    /// Direct convolutions in a row run one sample at a time through the chain (without Winograd,
    /// which takes their 16-channel layers: tinyten's first three, the last of stride 2; preresnet20's
    /// conv1 → conv2 pairs of its first stage, conv2 adding into the residual): the same bits and
    /// statistics as layer by layer over the batch.
    @Test(.enabled(if: DirectChain.available), arguments: [ModelName.tinyten, .preresnet20], [ConvolutionBackend.engine, .fastest])
    func directChainsGiveTheLayersBits(_ model: ModelName, _ backend: ConvolutionBackend) {
        for mode in [ForwardMode.eval, .train(momentum: 0.3)] {
            let h = NetworkHarness(model, batch: 7, mode: mode, seed: 9, convolutions: backend)
            let plans = [true, false].map {
                h.network.graph.makeInferencePlan(batchCapacity: 7, convolutions: backend, foldsBatchNorm: mode == .eval,
                                                  fusesResidualAdds: true, handsOverBlocked: true, chainsDirect: $0, usesWinograd: false)
            }
            #expect(plans[1].chainedConvolutions == 0)
            #expect(plans[0].chainedConvolutions >= (mode == .eval ? (model == .tinyten ? 3 : 6) : 0), "\(model) \(mode): \(plans[0].chainedConvolutions) chained")
            let chained = Self.infer(h, plans[0], mode: mode), layered = Self.infer(h, plans[1], mode: mode)
            #expect(chained.logits == layered.logits, "\(model) \(backend) \(mode): the chain changed the logits")
            #expect(chained.state == layered.state, "\(model) \(backend) \(mode): the chain changed the statistics")
        }
    }

    /// preresnet20's pre-activation BNs (and ReLUs) whose output only a stride-1 convolution reads are
    /// applied as that convolution copies its input in (direct chains and Winograd): the same bits as
    /// the BN's own pass; with each of Winograd's variants.
    @Test(arguments: [ConvolutionBackend.engine, .fastest], [WinogradVariant.f2, .f4, .f4ChannelsLast])
    func inputBatchNormsInThePaddingCopyGiveTheirBits(_ backend: ConvolutionBackend, _ variant: WinogradVariant) {
        let h = NetworkHarness(.preresnet20, batch: 7, mode: .eval, seed: 12, convolutions: backend)
        let plans = [true, false].map {
            h.network.graph.makeInferencePlan(batchCapacity: 7, convolutions: backend, foldsBatchNorm: true, fusesResidualAdds: true,
                                              handsOverBlocked: true, mapsInputs: $0, winograd: variant)
        }
        // Stage 1's three blocks and stages 2 and 3's second and third; the first blocks of stages 2 and 3
        // share theirs with the shortcut, and the last BN feeds the pooling.
        #expect(plans[0].mappedInputBatchNorms == 7 && plans[1].mappedInputBatchNorms == 0, "\(plans[0].mappedInputBatchNorms) mapped")
        let logits = Self.infer(h, plans[0]).logits
        #expect(logits == Self.infer(h, plans[1]).logits, "\(backend) \(variant): the mapped input changed the logits")
        #expect(Self.infer(h, plans[0], batch: 4).logits == Array(Self.infer(h, plans[1], batch: 4).logits))
    }

    /// Channels-last F(4 × 4) with 16–64 input channels (padding 1); above, F(4 × 4) on maps at least
    /// 6 tiles wide and F(2 × 2) on narrower ones; nothing for stride 2 or, under 32 channels, without
    /// padding.
    @Test func winogradVariantFollowsTheChannelsAndTheMapWidth() {
        let g = LayerGraph(inputShape: [16, 32, 32])
        var x = g.input
        for (i, (out, stride)) in [(32, 1), (64, 1), (64, 2), (16, 1), (16, 1)].enumerated() {
            x = g.conv2d(x, name: "conv\(i)", outChannels: out, kernel: 3, stride: stride, padding: 1)
        }
        #expect(g.makeInferencePlan(batchCapacity: 1).convolutionSteps.map { $0.winograd?.variant }
                == [.f4ChannelsLast, .f4ChannelsLast, nil, .f4ChannelsLast, .f4ChannelsLast], "16 and 32 at 32×32, stride 2, 64 and 16 at 16×16")
        let h = LayerGraph(inputShape: [128, 28, 28])
        h.conv2d(h.conv2d(h.input, name: "a", outChannels: 128, kernel: 3, stride: 2, padding: 1), name: "b", outChannels: 128,
                 kernel: 3, padding: 1)
        h.conv2d(h.input, name: "c", outChannels: 128, kernel: 3, padding: 1)
        #expect(h.makeInferencePlan(batchCapacity: 1).convolutionSteps.map { $0.winograd?.variant } == [nil, .f2, .f4],
                "128 at 28×28 stride 2, at 14×14 and at 28×28")
        let k = LayerGraph(inputShape: [16, 9, 9])
        k.conv2d(k.conv2d(k.input, name: "a", outChannels: 64, kernel: 3, padding: 0), name: "b", outChannels: 64, kernel: 3, padding: 1)
        #expect(k.makeInferencePlan(batchCapacity: 1).convolutionSteps.map { $0.winograd?.variant } == [nil, .f4ChannelsLast],
                "16 at 9×9 without padding, 64 at 7×7")
        // Maps of 5 × 5 and 6 × 6 without padding: one whole-map tile per sample, up to 64 channels.
        let w = LayerGraph(inputShape: [64, 7, 7])
        w.conv2d(w.input, name: "a", outChannels: 64, kernel: 3, padding: 0)
        w.conv2d(w.conv2d(w.input, name: "b", outChannels: 128, kernel: 3, padding: 1), name: "c", outChannels: 64, kernel: 3, padding: 0)
        let v = LayerGraph(inputShape: [32, 8, 8])
        v.conv2d(v.input, name: "a", outChannels: 32, kernel: 3, padding: 0)
        #expect(w.makeInferencePlan(batchCapacity: 1).convolutionSteps.map { $0.winograd?.variant } == [.wholeMap(5), .f4ChannelsLast, nil],
                "64 at 7×7 without padding, with, and 128 without")
        #expect(v.makeInferencePlan(batchCapacity: 1).convolutionSteps.map { $0.winograd?.variant } == [.wholeMap(6)], "32 at 8×8 without padding")
    }

    @Test func winogradLeavesOutputsItsTilesOverhang() {
        let g = LayerGraph(inputShape: [32, 5, 5])
        g.conv2d(g.input, name: "conv", outChannels: 16, kernel: 3, padding: 0)
        #expect(g.makeInferencePlan(batchCapacity: 1).winogradConvolutions == 0, "3×3 output: 4 tiles for 9 outputs")
    }
}
