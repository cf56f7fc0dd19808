import Networks
import Tensor
import Testing
import TestSupport

/// Every layer's backward (input and parameter gradients) against central finite differences.
@Suite("Layer gradients")
struct LayerGradientTests {
    let smooth = GradientChecker(epsilon: 1e-2, relativeTolerance: 1e-2, absoluteTolerance: 1e-3)
    let kinked = GradientChecker(epsilon: 1e-3, relativeTolerance: 1e-2, absoluteTolerance: 2e-3, skipKinks: true)

    func run(_ what: String, inputShape: [Int], batch: Int = 3, mode: ForwardMode = .eval, checker: GradientChecker? = nil,
             seed: UInt64 = 1, build: (LayerGraph) -> Void) {
        for convolutions in Self.backends {
            let h = LayerHarness(inputShape: inputShape, batch: batch, mode: mode, seed: seed, build: build)
            let (p, x) = h.check(checker ?? smooth, convolutions: convolutions)
            expectGradientsMatch(p, "\(what) dθ, \(convolutions.rawValue) convolutions")
            expectGradientsMatch(x, "\(what) dx, \(convolutions.rawValue) convolutions")
        }
    }

    /// Every layer is checked on the engine's own kernels and on oneDNN's (every convolution on it,
    /// and the per-layer choice of the default).
    static let backends: [ConvolutionBackend] = ConvolutionBackend.oneDNNAvailable ? [.engine, .onednn, .fastest] : [.engine]

    @Test func linear() {
        run("linear", inputShape: [7, 1, 1]) { $0.linear($0.input, name: "fc", outFeatures: 5) }
        run("linear no bias, flattened map", inputShape: [2, 3, 3]) { $0.linear($0.input, name: "fc", outFeatures: 4, bias: false) }
    }

    @Test(arguments: [(3, 1, 1, true), (3, 2, 1, true), (3, 1, 0, false), (1, 1, 0, false), (1, 2, 0, false), (5, 2, 2, true)])
    func conv2dOnInput(kernel: Int, stride: Int, padding: Int, bias: Bool) {
        // Sample-major input (the network's data): im2col reads NCHW directly.
        run("conv k\(kernel) s\(stride) p\(padding)", inputShape: [3, 7, 6]) {
            $0.conv2d($0.input, name: "conv", outChannels: 4, kernel: kernel, stride: stride, padding: padding, bias: bias)
        }
    }

    @Test(arguments: [(3, 1, 1), (3, 2, 1), (1, 1, 0), (1, 2, 0)])
    func conv2dOnChannelMajorMap(kernel: Int, stride: Int, padding: Int) {
        // conv → conv: the second reads a channel-major map (1×1 stride 1 is the no-im2col path).
        run("conv∘conv k\(kernel) s\(stride) p\(padding)", inputShape: [2, 6, 6]) { g in
            let a = g.conv2d(g.input, name: "a", outChannels: 3, kernel: 3, stride: 1, padding: 1)
            g.conv2d(a, name: "b", outChannels: 4, kernel: kernel, stride: stride, padding: padding, bias: false)
        }
    }

    @Test(arguments: [(3, 1, 1), (3, 2, 1), (1, 1, 0), (3, 1, 0), (5, 1, 2), (2, 1, 1), (3, 2, 0), (5, 2, 2)])
    func conv2dWiderChannels(kernel: Int, stride: Int, padding: Int) {
        // Channel counts of the reference networks' size class (8, 16) on a small odd-sized map.
        run("conv 8→16 k\(kernel) s\(stride) p\(padding)", inputShape: [2, 5, 5], batch: 5) { g in
            let a = g.conv2d(g.input, name: "a", outChannels: 8, kernel: 3, stride: 1, padding: 1)
            g.conv2d(a, name: "b", outChannels: 16, kernel: kernel, stride: stride, padding: padding)
        }
    }

    @Test func conv2dSeveralChunks() {
        // The second conv's column matrix is 8·9 rows × 400 columns = 28,800 floats per sample; the
        // column budget of 2¹⁷ floats holds 4 samples, so a batch of 37 (split over the workers) takes
        // several GEMM chunks, in the forward, the dW and the transposed-convolution dX passes.
        run("conv chunks", inputShape: [1, 20, 20], batch: 37) { g in
            let a = g.conv2d(g.input, name: "a", outChannels: 8, kernel: 3, stride: 1, padding: 1)
            g.conv2d(a, name: "b", outChannels: 8, kernel: 3, stride: 1, padding: 1)
        }
    }

    @Test(arguments: [false, true])
    func batchNorm2d(train: Bool) {
        let mode: ForwardMode = train ? .train(momentum: 0.1) : .eval
        // On a channel-major map (after a conv) and directly on the sample-major input.
        run("bn2d cm", inputShape: [2, 4, 4], mode: mode) { g in
            g.batchNorm(g.conv2d(g.input, name: "conv", outChannels: 3, kernel: 3, padding: 1), name: "bn")
        }
        run("bn2d sm", inputShape: [3, 4, 5], mode: mode) { g in g.batchNorm(g.input, name: "bn") }
    }

    @Test(arguments: [false, true])
    func batchNorm1d(train: Bool) {
        run("bn1d", inputShape: [6, 1, 1], batch: 5, mode: train ? .train(momentum: 0.1) : .eval) { g in
            g.batchNorm(g.linear(g.input, name: "fc", outFeatures: 4), name: "bn")
        }
    }

    @Test(arguments: [false, true])
    func batchNormFusedReLU(train: Bool) {
        run("bn+relu", inputShape: [2, 5, 5], mode: train ? .train(momentum: 0.1) : .eval, checker: kinked) { g in
            g.batchNorm(g.conv2d(g.input, name: "conv", outChannels: 3, kernel: 3, padding: 1), name: "bn", relu: true)
        }
    }

    @Test func reluAndMaxPool() {
        run("relu", inputShape: [2, 4, 4], checker: kinked) { g in g.relu(g.input) }
        run("maxpool 2", inputShape: [2, 6, 6], checker: kinked) { g in g.maxPool2d(g.input, kernel: 2) }
        run("maxpool 3/2 on map", inputShape: [1, 7, 7], checker: kinked) { g in
            g.maxPool2d(g.conv2d(g.input, name: "c", outChannels: 2, kernel: 1), kernel: 3, stride: 2)
        }
    }

    /// Dropout in a train-mode pass (a fixed mask: the workspace's seed does not change between the
    /// finite differences' passes), and the identity in eval mode; on a map and on a vector.
    @Test(arguments: [false, true])
    func dropout(train: Bool) {
        let mode: ForwardMode = train ? .train(momentum: 0.1) : .eval
        run("dropout on map", inputShape: [2, 5, 5], batch: 4, mode: mode) { g in
            g.dropout(g.conv2d(g.input, name: "conv", outChannels: 3, kernel: 3, padding: 1), probability: 0.5)
        }
        run("dropout → linear", inputShape: [6, 1, 1], batch: 4, mode: mode) { g in
            g.linear(g.dropout(g.linear(g.input, name: "a", outFeatures: 8), probability: 0.3), name: "b", outFeatures: 3)
        }
    }

    @Test func poolingAndFlatten() {
        run("avgpool sm", inputShape: [3, 4, 4]) { g in g.globalAveragePool(g.input) }
        run("avgpool cm + linear", inputShape: [2, 5, 5]) { g in
            g.linear(g.globalAveragePool(g.conv2d(g.input, name: "c", outChannels: 3, kernel: 3)), name: "fc", outFeatures: 2)
        }
        run("flatten cm", inputShape: [2, 4, 4]) { g in
            g.linear(g.flatten(g.conv2d(g.input, name: "c", outChannels: 3, kernel: 3, stride: 2, padding: 1)),
                     name: "fc", outFeatures: 3)
        }
    }

    @Test func residualFanOut() {
        // x feeds both the conv branch and the identity branch: dx must be the SUM of both.
        run("residual", inputShape: [2, 5, 5], mode: .train(momentum: 0.1), checker: kinked) { g in
            let a = g.conv2d(g.input, name: "stem", outChannels: 3, kernel: 3, padding: 1)
            let b = g.batchNorm(a, name: "bn", relu: true)
            let c = g.conv2d(b, name: "conv", outChannels: 3, kernel: 3, padding: 1, bias: false)
            let d = g.add(c, a)
            g.add(d, g.conv2d(b, name: "down", outChannels: 3, kernel: 1, bias: false))
        }
        run("x + x", inputShape: [3, 2, 2]) { g in g.add(g.input, g.input) }
    }

    /// The papers' residual blocks, small: PreResNet's pre-activation bottleneck (1×1 → 3×3 with
    /// stride 2 → 1×1 ×4, its projection on the raw input), WideResNet's block with dropout between
    /// its convolutions, and ResNet-32's post-activation block with BN in the shortcut.
    @Test func papersResidualBlocks() {
        let train = ForwardMode.train(momentum: 0.1)
        run("bottleneck", inputShape: [4, 6, 6], batch: 3, mode: train, checker: kinked) { g in
            var out = g.batchNorm(g.input, name: "bn1", relu: true)
            out = g.conv2d(out, name: "conv1", outChannels: 2, kernel: 1, bias: false)
            out = g.batchNorm(out, name: "bn2", relu: true)
            out = g.conv2d(out, name: "conv2", outChannels: 2, kernel: 3, stride: 2, padding: 1, bias: false)
            out = g.batchNorm(out, name: "bn3", relu: true)
            out = g.conv2d(out, name: "conv3", outChannels: 8, kernel: 1, bias: false)
            g.add(out, g.conv2d(g.input, name: "downsample.0", outChannels: 8, kernel: 1, stride: 2, bias: false))
        }
        run("wide block", inputShape: [3, 5, 5], batch: 3, mode: train, checker: kinked) { g in
            var out = g.batchNorm(g.input, name: "bn1", relu: true)
            out = g.dropout(g.conv2d(out, name: "conv1", outChannels: 4, kernel: 3, padding: 1), probability: 0.3)
            out = g.batchNorm(out, name: "bn2", relu: true)
            out = g.conv2d(out, name: "conv2", outChannels: 4, kernel: 3, padding: 1)
            g.add(out, g.conv2d(g.input, name: "shortcut.0", outChannels: 4, kernel: 1))
        }
        run("post-activation block", inputShape: [3, 6, 6], batch: 3, mode: train, checker: kinked) { g in
            var out = g.conv2d(g.input, name: "conv1", outChannels: 4, kernel: 3, stride: 2, padding: 1, bias: false)
            out = g.batchNorm(out, name: "bn1", relu: true)
            out = g.batchNorm(g.conv2d(out, name: "conv2", outChannels: 4, kernel: 3, padding: 1, bias: false), name: "bn2")
            let shortcut = g.batchNorm(g.conv2d(g.input, name: "downsample.0", outChannels: 4, kernel: 1, stride: 2, bias: false), name: "downsample.1")
            g.relu(g.add(out, shortcut))
        }
    }

    @Test func residualFanOutDirectConvolution() {
        // 8-channel stride-1 convolutions take the direct (no im2col) path in the forward pass and in
        // dX; two of them read `b`, so the second dX written must ACCUMULATE onto the first.
        run("residual direct", inputShape: [1, 6, 7], batch: 4, mode: .train(momentum: 0.1), checker: kinked) { g in
            let a = g.conv2d(g.input, name: "stem", outChannels: 8, kernel: 3, padding: 1)
            let b = g.batchNorm(a, name: "bn", relu: true)
            let c = g.conv2d(b, name: "conv1", outChannels: 8, kernel: 3, padding: 1, bias: false)
            let d = g.conv2d(b, name: "conv2", outChannels: 8, kernel: 3, padding: 1)
            g.add(g.add(c, d), a)
        }
    }

    @Test func wideConvolutionsMixingBackends() {
        // Channel counts at which the default runs some passes on oneDNN and others on the engine
        // (32 → 32 stride 1: forward on the engine, backward on oneDNN; 32 → 64 stride 2: both on
        // oneDNN), two readers of `b` (dX accumulated through oneDNN's summing reorder), and a batch
        // of 5 split over the workers as 2 + 3.
        run("wide mixed", inputShape: [16, 4, 4], batch: 5) { g in
            let a = g.conv2d(g.input, name: "stem", outChannels: 32, kernel: 3, padding: 1)
            let b = g.batchNorm(a, name: "bn", relu: false)
            let c = g.conv2d(b, name: "conv1", outChannels: 32, kernel: 3, padding: 1, bias: false)
            let d = g.conv2d(b, name: "conv2", outChannels: 32, kernel: 3, padding: 1)
            let e = g.add(g.add(c, d), a)
            g.conv2d(e, name: "down", outChannels: 64, kernel: 3, stride: 2, padding: 1)
        }
    }
}
