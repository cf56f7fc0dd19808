import Networks
import Tensor
import Testing
import TestSupport

@Suite("Reference networks")
struct ReferenceNetworkTests {
    @Test(arguments: [(ModelName.mlp, 669_706, 0), (.tinyten, 86_490, 2 * (16 + 16 + 32 + 32 + 32 + 64 + 64 + 64)),
                      (.preresnet20, 271_994, 2 * (16 * 7 + 32 * 6 + 64 * 6))])
    func parameterCounts(model: ModelName, parameters: Int, state: Int) {
        let net = Network.make(model)
        #expect(net.layout.parameterCount == parameters)
        #expect(net.layout.stateCount == state)
        #expect(net.inputShape == [1, 28, 28] && net.classes == 10)
    }

    @Test func mlpNamesAndShapes() {
        let l = Network.make(.mlp).layout
        #expect(l.parameters.map(\.name) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"])
        #expect(l.parameters.map(\.shape) == [[512, 784], [512], [512, 512], [512], [10, 512], [10]])
        #expect(l.state.isEmpty)
    }

    @Test func tinyTenNamesAndShapes() {
        let l = Network.make(.tinyten).layout
        #expect(l.parameters.count == 8 * 4 + 2 && l.state.count == 8 * 2)
        #expect(Array(l.parameters.prefix(4).map(\.name)) == ["layers.0.conv.weight", "layers.0.conv.bias",
                                                                "layers.0.bn.weight", "layers.0.bn.bias"])
        #expect(l.entry(named: "layers.0.conv.weight")?.shape == [16, 1, 3, 3])
        #expect(l.entry(named: "layers.2.conv.weight")?.shape == [32, 16, 3, 3])
        #expect(l.entry(named: "layers.7.conv.weight")?.shape == [64, 64, 1, 1])
        #expect(l.entry(named: "layers.7.bn.running_var")?.shape == [64])
        #expect(l.entry(named: "dense.weight")?.shape == [10, 64])
        #expect(Array(l.state.prefix(2).map(\.name)) == ["layers.0.bn.running_mean", "layers.0.bn.running_var"])
        // Spatial sizes 28→28→14→14→14→7→5→5.
        #expect(Network.make(.tinyten).hiddenLayers.map { $0.shape[1] } == [28, 28, 14, 14, 14, 7, 5, 5])
    }

    @Test func preResNet20NamesAndShapes() {
        let net = Network.make(.preresnet20), l = net.layout
        #expect(l.parameters.first?.name == "conv.weight" && l.parameters.first?.shape == [16, 1, 3, 3])
        #expect(l.entry(named: "conv.bias") == nil)
        #expect(l.entry(named: "layers.0.down.weight") == nil)
        #expect(l.entry(named: "layers.3.down.weight")?.shape == [32, 16, 1, 1])
        #expect(l.entry(named: "layers.6.down.weight")?.shape == [64, 32, 1, 1])
        #expect(l.entry(named: "layers.3.conv1.weight")?.shape == [32, 16, 3, 3])
        #expect(l.entry(named: "layers.8.conv2.weight")?.shape == [64, 64, 3, 3])
        #expect(l.entry(named: "layers.4.bn1.running_mean")?.shape == [32])
        #expect(l.entry(named: "bn.weight")?.shape == [64])
        #expect(Array(l.parameters.suffix(2).map(\.name)) == ["fc.weight", "fc.bias"])
        #expect(Array(l.parameters[1...5].map(\.name)) == ["layers.0.bn1.weight", "layers.0.bn1.bias", "layers.0.conv1.weight",
                                                          "layers.0.bn2.weight", "layers.0.bn2.bias"])
        #expect(net.hiddenLayers.map(\.channels) == [16, 16, 16, 32, 32, 32, 64, 64, 64])
        #expect(net.hiddenLayers.map { $0.shape[1] } == [28, 28, 28, 14, 14, 14, 7, 7, 7])
    }

    @Test func widthMultiplier() {
        let net = Network.make(.tinyten, width: 2)
        #expect(net.layout.entry(named: "layers.7.conv.weight")?.shape == [128, 128, 1, 1])
        #expect(net.layout.entry(named: "dense.weight")?.shape == [10, 128])
        #expect(Network.make(.mlp, width: 2).layout.entry(named: "fc2.weight")?.shape == [1024, 1024])
        #expect(Network.make(.preresnet20, width: 2).layout.entry(named: "fc.weight")?.shape == [10, 128])
        #expect(Network.make(.mlp, inputShape: [3, 32, 32], classes: 100).layout.entry(named: "fc1.weight")?.shape == [512, 3072])
    }

    @Test func forwardFLOPs() {
        // MLP: 2·(784·512 + 512·512 + 512·10) = 2·668,672.
        #expect(Network.make(.mlp).forwardFLOPsPerSample == 1_337_344)
        // TinyTen: Σ out·in·k²·Ho·Wo = 16·9·784 + 16·144·784 + 32·144·196 + 2·32·288·196 + 64·288·49 + 64·576·25 + 64·64·25 + 64·10.
        let macs = 16 * 9 * 784 + 16 * 144 * 784 + 32 * 144 * 196 + 2 * 32 * 288 * 196 + 64 * 288 * 49 + 64 * 576 * 25 + 64 * 64 * 25 + 640
        #expect(Network.make(.tinyten).forwardFLOPsPerSample == 2 * macs)
    }

    @Test func initialisation() {
        let tiny = Network.make(.tinyten)
        let (p, s) = tiny.initialParameters(seed: 3)
        let w = tiny.layout.entry(named: "layers.1.conv.weight")!, b = tiny.layout.entry(named: "layers.1.conv.bias")!
        // Xavier normal: std √(2/(fan_in + fan_out)) = √(2/(144 + 144)) ≈ 0.0833.
        let values = p[w.range].map(Double.init)
        let std = (values.reduce(0) { $0 + $1 * $1 } / Double(values.count)).squareRoot()
        expectClose(std, (2.0 / 288).squareRoot(), rtol: 0.1)
        #expect(p[b.range].allSatisfy { $0 == 0 })
        #expect(p[tiny.layout.entry(named: "layers.1.bn.weight")!.range].allSatisfy { $0 == 1 })
        #expect(s[tiny.layout.entry(named: "layers.1.bn.running_var")!.range].allSatisfy { $0 == 1 })
        #expect(s[tiny.layout.entry(named: "layers.1.bn.running_mean")!.range].allSatisfy { $0 == 0 })
        // PyTorch default: U(−1/√fan_in, 1/√fan_in) for weight and bias; fc1: fan_in 784, bound 1/28.
        let mlp = Network.make(.mlp)
        let q = mlp.initialParameters(seed: 3).parameters
        let fc1 = q[mlp.layout.entry(named: "fc1.weight")!.range], fc1b = q[mlp.layout.entry(named: "fc1.bias")!.range]
        #expect(fc1.allSatisfy { abs($0) <= 1 / 28 } && fc1b.allSatisfy { abs($0) <= 1 / 28 })
        expectClose(Double(fc1.max()!), 1.0 / 28, rtol: 0.01)
        // Uniform on (−a, a): variance a²/3.
        let v = fc1.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(fc1.count)
        expectClose(v, 1.0 / (3 * 784), rtol: 0.02)
    }

    @Test(arguments: ModelName.smallNetworks)
    func determinism(model: ModelName) {
        let a = NetworkHarness(model, batch: 3, mode: .train(momentum: 0.1), seed: 11)
        let b = NetworkHarness(model, batch: 3, mode: .train(momentum: 0.1), seed: 11)
        #expect(a.parameters == b.parameters)
        #expect(a.logits(a.parameters) == b.logits(b.parameters))
        #expect(a.gradient().gradient == b.gradient().gradient)
        let c = NetworkHarness(model, batch: 3, mode: .train(momentum: 0.1), seed: 12)
        #expect(a.parameters != c.parameters)
    }

    @Test(arguments: ModelName.smallNetworks)
    func batchOfOneEqualsBatchRows(model: ModelName) {
        // Eval mode is per-sample: the logits of a batch equal those of each sample alone (checks NCHW/CNHW handling).
        let h = NetworkHarness(model, batch: 4, mode: .eval, seed: 5)
        let all = h.logits(h.parameters)
        for i in 0..<4 {
            let row = h.logitsOfSampleAlone(i)
            expectClose(row, Array(all[(i * 10)..<(i * 10 + 10)]), rtol: 1e-4, atol: 1e-5, "\(model) sample \(i)")
        }
    }

    /// dL/dθ of the loss against finite differences at two coordinates of every tensor plus the five
    /// largest gradients. The reference networks' ReLUs make the loss piecewise smooth with kinks
    /// about every 1e-3 along a coordinate, so the strict check is on the smooth twin (ReLU → identity;
    /// same graph code otherwise) in both BN modes; the ReLU networks are checked in eval mode with
    /// ε = 1e-3, where kinks crossed are few (skipped when ε and ε/2 disagree).
    @Test(arguments: [(ModelName.mlp, false), (.tinyten, false), (.tinyten, true), (.preresnet20, false), (.preresnet20, true)])
    func smoothTwinGradient(model: ModelName, train: Bool) {
        let h = NetworkHarness(model, batch: 3, mode: train ? .train(momentum: 0.1) : .eval, seed: 21, smooth: true)
        check(h, checker: { GradientChecker(epsilon: 1e-2, relativeTolerance: 2e-2, absoluteTolerance: 1e-3 * $0) },
              maxSkipped: 0, "\(model) smooth twin \(train ? "train" : "eval")")
    }

    @Test(arguments: ModelName.smallNetworks)
    func referenceNetworkGradient(model: ModelName) {
        let h = NetworkHarness(model, batch: 3, mode: .eval, seed: 21)
        check(h, checker: { GradientChecker(epsilon: 1e-3, relativeTolerance: 3e-2, absoluteTolerance: 3e-3 * $0, skipKinks: true) },
              maxSkipped: 0.15, "\(model) eval")
    }

    func check(_ h: NetworkHarness, checker: (Double) -> GradientChecker, maxSkipped: Double, _ what: String) {
        let (loss, g) = h.gradient()
        expectClose(Double(loss), h.loss(h.parameters), rtol: 1e-5, atol: 1e-5, "\(what) loss")
        var rng = RandomGenerator(seed: 4)
        var indices: [Int] = []
        for e in h.network.layout.parameters { indices += (0..<2).map { _ in e.offset + rng.uniformInt(below: e.count) } }
        indices += g.indices.sorted { abs(g[$0]) > abs(g[$1]) }.prefix(5)
        var point = h.parameters
        let report = checker(Double(g.map { abs($0) }.max()!)).check(point: &point, analytic: g, indices: indices) { h.loss($0) }
        expectGradientsMatch(report, what, maxSkippedFraction: maxSkipped)
    }
}
