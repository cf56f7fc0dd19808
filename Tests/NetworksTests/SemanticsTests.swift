import Networks
import Tensor
import Testing
import TestSupport

/// Closed-form checks of the layers' forward semantics (PyTorch's).
@Suite("Layer semantics")
struct SemanticsTests {
    /// Runs `graph` forward once on `input`, returns the output (NCHW) and the updated state.
    func run(_ graph: LayerGraph, parameters: [Float], state: [Float], input: [Float], batch: Int,
             mode: ForwardMode) -> (output: [Float], state: [Float]) {
        var s = state
        let ws = graph.makeWorkspace(batchCapacity: batch)
        parameters.withUnsafeBufferPointer { p in
            s.withUnsafeMutableBufferPointer { sp in
                input.withUnsafeBufferPointer { x in
                    _ = graph.forward(parameters: p.baseAddress!, state: sp.baseAddress ?? UnsafeMutablePointer(mutating: p.baseAddress!),
                                      input: x.baseAddress!, batch: batch, mode: mode, workspace: ws)
                }
            }
        }
        return (ws.read(graph.output), s)
    }

    @Test func batchNormTrainAndEval() {
        // One channel, four samples x = 1, 2, 3, 4; γ = 2, β = 0.5; running mean 0, var 1; m = 0.1.
        // Batch mean 2.5; biased variance (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25; unbiased 5/3.
        // Train: y = 2·(x − 2.5)/√(1.25 + 1e-5) + 0.5 → x = 1: 2·(−1.5)/1.1180384 + 0.5 = −2.1832776.
        // Running mean 0.9·0 + 0.1·2.5 = 0.25; running var 0.9·1 + 0.1·5/3 = 1.0666667.
        let g = LayerGraph(inputShape: [1, 1, 1])
        g.batchNorm(g.input, name: "bn")
        let x: [Float] = [1, 2, 3, 4]
        let (y, s) = run(g, parameters: [2, 0.5], state: [0, 1], input: x, batch: 4, mode: .train(momentum: 0.1))
        let inv = 1 / (1.25 + 1e-5).squareRoot()
        expectClose(y, x.map { Float(2 * (Double($0) - 2.5) * inv + 0.5) }, rtol: 1e-5, atol: 1e-6)
        expectClose(y[0], -2.1832776, rtol: 1e-5)
        expectClose(s, [0.25, 1.0666667], rtol: 1e-6)
        // Eval with running mean 0.25, var 1.0666667: y = 2·(x − 0.25)/√(1.0666767) + 0.5 → x = 1: 1.9523598.
        let (e, s2) = run(g, parameters: [2, 0.5], state: s, input: x, batch: 4, mode: .eval)
        expectClose(e[0], 1.9523598, rtol: 1e-5)
        #expect(s2 == s, "eval mode must not touch the running statistics")
    }

    @Test func batchNorm2dStatisticsOverBatchAndSpace() {
        // Channel 0 of two 1×2 samples: {1, 3} and {5, 7} → mean 4, biased var (9+1+1+9)/4 = 5, unbiased 20/3.
        // Channel 1 constant 2 → mean 2, var 0, y = β exactly.
        let g = LayerGraph(inputShape: [2, 1, 2])
        g.batchNorm(g.input, name: "bn")
        let x: [Float] = [1, 3, 2, 2, 5, 7, 2, 2]   // [N=2, C=2, H=1, W=2]
        let (y, s) = run(g, parameters: [1, 1, 0, 0.25], state: [0, 0, 1, 1], input: x, batch: 2, mode: .train(momentum: 1))
        let inv = Float(1 / (5 + 1e-5).squareRoot())
        expectClose(y, [-3 * inv, -inv, 0.25, 0.25, inv, 3 * inv, 0.25, 0.25], rtol: 1e-5, atol: 1e-6)
        // With momentum 1 the running statistics ARE the batch ones: means 4, 2; unbiased variances 20/3, 0.
        expectClose(s, [4, 2, 20.0 / 3, 0], rtol: 1e-6, atol: 1e-7)
    }

    @Test func recalibrationMomentumGivesCumulativeAverage() {
        // Momentum b/(n + b) after resetting (0, 1) gives the equal-weight average of per-batch stats:
        // batch 1 {0, 2}: mean 1, unbiased var 2; batch 2 {4, 8}: mean 6, unbiased var 8 → average 3.5, 5.
        let g = LayerGraph(inputShape: [1, 1, 1])
        g.batchNorm(g.input, name: "bn")
        var s: [Float] = [0, 1]
        s = run(g, parameters: [1, 0], state: s, input: [0, 2], batch: 2, mode: .train(momentum: 2.0 / 2)).state
        s = run(g, parameters: [1, 0], state: s, input: [4, 8], batch: 2, mode: .train(momentum: 2.0 / 4)).state
        expectClose(s, [3.5, 5], rtol: 1e-6)
    }

    @Test func softmaxCrossEntropyHandExample() {
        // Row 0: logits (0, ln 2, ln 3) → softmax (1, 2, 3)/6; label 2 → −ln(1/2) = ln 2.
        // Row 1: logits (0, 0, 0), label 0 → ln 3.  Mean loss (ln 2 + ln 3)/2 = ln 6 / 2 = 0.8958797.
        let logits: [Float] = [0, Float(0.6931471805599453), Float(1.0986122886681098), 0, 0, 0]
        let labels: [Int32] = [2, 0]
        var grad = [Float](repeating: 0, count: 6)
        let r = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, batch: 2, classes: 3, gradient: &grad)
        expectClose(r.loss, 0.8958797, rtol: 1e-6)
        // Row 0 argmax 2 = label; row 1 ties → first index 0 = label.
        #expect(r.correct == 2)
        // (softmax − onehot)/batch.
        expectClose(grad, [1.0 / 12, 2.0 / 12, (0.5 - 1) / 2, (1.0 / 3 - 1) / 2, 1.0 / 6, 1.0 / 6], rtol: 1e-5, atol: 1e-7)
        var p = [Float](repeating: 0, count: 6)
        SoftmaxCrossEntropy.probabilities(logits: logits, batch: 2, classes: 3, output: &p)
        expectClose(p, [1.0 / 6, 2.0 / 6, 3.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 3], rtol: 1e-6)
    }

    @Test func softmaxCrossEntropyIsStableForHugeLogits() {
        // (1000, 0, −1000), label 1: loss = 1000 + log(1 + e^−1000 + e^−2000) = 1000 exactly in Float.
        // (1e30, 1e30), label 0: ln 2.
        var grad = [Float](repeating: 0, count: 3)
        let a = SoftmaxCrossEntropy.evaluate(logits: [1000, 0, -1000], labels: [1], batch: 1, classes: 3, gradient: &grad)
        expectClose(a.loss, 1000, rtol: 1e-7)
        #expect(grad.allSatisfy { $0.isFinite })
        expectClose(grad, [1, -1, 0], atol: 1e-7)
        let b = SoftmaxCrossEntropy.evaluate(logits: [1e30, 1e30], labels: [0], batch: 1, classes: 2, gradient: nil)
        expectClose(b.loss, 0.6931472, rtol: 1e-6)
        var p = [Float](repeating: 0, count: 2)
        SoftmaxCrossEntropy.probabilities(logits: [-1e30, 1e30], batch: 1, classes: 2, output: &p)
        #expect(p == [0, 1])
    }

    /// (kernel, stride, padding, batch, out channels of the first and second conv), including the
    /// wider channel counts of the reference networks, a pointwise (1×1) convolution, and 24 and 40
    /// out channels (AVX2's direct tiles: blocks of 16 and a last block of 8).
    @Test(arguments: [(3, 1, 1, 3, 3, 4), (3, 2, 1, 1, 3, 4), (1, 2, 0, 2, 3, 4), (5, 1, 2, 4, 3, 4), (3, 1, 0, 13, 3, 4),
                      (3, 1, 1, 3, 8, 16), (3, 2, 1, 5, 16, 8), (1, 1, 0, 7, 16, 24), (5, 2, 2, 3, 8, 16), (3, 2, 0, 4, 8, 8),
                      (2, 2, 1, 3, 8, 8), (3, 1, 1, 2, 24, 40)])
    func convolutionMatchesDirectConvolution(kernel: Int, stride: Int, padding: Int, batch: Int, outA: Int, outB: Int) {
        checkConvolutions(input: [2, 9, 8], kernel: kernel, stride: stride, padding: padding, batch: batch, outA: outA, outB: outB)
    }

    /// CIFAR's 3 × 32 × 32 input through the reference networks' first convolutions (3×3 at stride
    /// 1 and 2, the 1×1 shortcut): the direct kernels' padded 34-wide rows and 32-position tiles.
    @Test(arguments: [(3, 1, 1, 2, 16, 16), (3, 2, 1, 2, 16, 32), (1, 2, 0, 2, 16, 32), (3, 1, 0, 1, 8, 8)])
    func convolutionMatchesDirectConvolutionOnCIFARImages(kernel: Int, stride: Int, padding: Int, batch: Int, outA: Int, outB: Int) {
        checkConvolutions(input: [3, 32, 32], kernel: kernel, stride: stride, padding: padding, batch: batch, outA: outA, outB: outB)
    }

    func checkConvolutions(input: [Int], kernel: Int, stride: Int, padding: Int, batch: Int, outA: Int, outB: Int) {
        // A conv on the (sample-major) input, then a second conv on its channel-major output; compare both
        // with the textbook sum y[n,o,i,j] = b[o] + Σ W[o,c,ki,kj]·x[n,c,i·s−p+ki, j·s−p+kj].
        let (inC, inH, inW) = (input[0], input[1], input[2])
        let g = LayerGraph(inputShape: input)
        let a = g.conv2d(g.input, name: "a", outChannels: outA, kernel: kernel, stride: stride, padding: padding)
        g.conv2d(a, name: "b", outChannels: outB, kernel: kernel, stride: stride, padding: padding, bias: false)
        var rng = RandomGenerator(seed: 9)
        let p = (0..<g.layout.parameterCount).map { _ in rng.normal() }
        let x = (0..<(inC * inH * inW * batch)).map { _ in rng.normal() }
        var s: [Float] = [0]
        let ws = g.makeWorkspace(batchCapacity: batch)
        p.withUnsafeBufferPointer { pp in
            x.withUnsafeBufferPointer { xp in
                _ = g.forward(parameters: pp.baseAddress!, state: &s, input: xp.baseAddress!, batch: batch, mode: .eval, workspace: ws)
            }
        }
        func direct(_ x: [Float], c: Int, h: Int, w: Int, out: Int, weight: ArraySlice<Float>, bias: ArraySlice<Float>?) -> ([Float], Int, Int) {
            let ho = (h + 2 * padding - kernel) / stride + 1, wo = (w + 2 * padding - kernel) / stride + 1
            var y = [Float](repeating: 0, count: batch * out * ho * wo)
            let w0 = weight.startIndex
            for n in 0..<batch { for o in 0..<out { for i in 0..<ho { for j in 0..<wo {
                var acc = 0.0
                if let bias { acc = Double(bias[bias.startIndex + o]) }
                for ch in 0..<c { for ki in 0..<kernel { for kj in 0..<kernel {
                    let r = i * stride - padding + ki, q = j * stride - padding + kj
                    guard r >= 0 && r < h && q >= 0 && q < w else { continue }
                    let wi: Int = w0 + ((o * c + ch) * kernel + ki) * kernel + kj
                    let xi: Int = ((n * c + ch) * h + r) * w + q
                    acc += Double(weight[wi]) * Double(x[xi])
                } } }
                y[((n * out + o) * ho + i) * wo + j] = Float(acc)
            } } } }
            return (y, ho, wo)
        }
        let wa = g.layout.entry(named: "a.weight")!, ba = g.layout.entry(named: "a.bias")!, wb = g.layout.entry(named: "b.weight")!
        let (ya, h1, w1) = direct(x, c: inC, h: inH, w: inW, out: outA, weight: p[wa.range], bias: p[ba.range])
        expectClose(ws.read(a), ya, rtol: 1e-4, atol: 1e-4, "first conv")
        let (yb, _, _) = direct(ya, c: outA, h: h1, w: w1, out: outB, weight: p[wb.range], bias: nil)
        expectClose(ws.read(g.output), yb, rtol: 1e-4, atol: 1e-4, "second conv")
    }

    @Test func maxPoolAndAveragePool() {
        // One 4×4 plane 0…15: 2×2 max-pool → (5, 7, 13, 15); global average 7.5.
        let g = LayerGraph(inputShape: [1, 4, 4])
        let m = g.maxPool2d(g.input, kernel: 2)
        g.globalAveragePool(m)
        let x = (0..<16).map(Float.init)
        var s: [Float] = [0]
        let ws = g.makeWorkspace(batchCapacity: 1)
        x.withUnsafeBufferPointer { _ = g.forward(parameters: [0], state: &s, input: $0.baseAddress!, batch: 1, mode: .eval, workspace: ws) }
        #expect(ws.read(m) == [5, 7, 13, 15])
        #expect(ws.read(g.output) == [10])   // (5 + 7 + 13 + 15)/4
    }
}
