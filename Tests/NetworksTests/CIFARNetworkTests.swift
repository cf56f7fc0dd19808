import Networks
import Tensor
import Testing
import TestSupport

/// The reference networks' three-channel 32 × 32 variants (CIFAR-10 / CIFAR-100): the same PyTorch
/// names as on Fashion-MNIST, the shapes that follow from the input, and forward and backward that
/// agree with finite differences at 100 classes.
@Suite("Reference networks on CIFAR shapes")
struct CIFARNetworkTests {
    static let cifar = [3, 32, 32]

    @Test(arguments: ModelName.smallNetworks)
    func sameNamesAsOnFashionMNIST(model: ModelName) {
        let fashion = Network.make(model).layout, cifar = Network.make(model, inputShape: Self.cifar, classes: 100).layout
        #expect(cifar.parameters.map(\.name) == fashion.parameters.map(\.name))
        #expect(cifar.state.map(\.name) == fashion.state.map(\.name))
        // Only the input's tensors and the classifier change shape.
        let changed = zip(cifar.parameters, fashion.parameters).filter { $0.shape != $1.shape }.map(\.0.name)
        let expected: [ModelName: [String]] = [.mlp: ["fc1.weight", "fc3.weight", "fc3.bias"],
                                               .tinyten: ["layers.0.conv.weight", "dense.weight", "dense.bias"],
                                               .preresnet20: ["conv.weight", "fc.weight", "fc.bias"]]
        #expect(changed == expected[model]!)
    }

    @Test func shapesFollowTheInput() {
        let mlp = Network.make(.mlp, inputShape: Self.cifar, classes: 100)
        #expect(mlp.layout.entry(named: "fc1.weight")?.shape == [512, 3072] && mlp.layout.entry(named: "fc3.bias")?.shape == [100])
        #expect(mlp.layout.parameterCount == 3072 * 512 + 512 + 512 * 512 + 512 + 512 * 100 + 100)

        let tiny = Network.make(.tinyten, inputShape: Self.cifar, classes: 10)
        #expect(tiny.layout.entry(named: "layers.0.conv.weight")?.shape == [16, 3, 3, 3])
        #expect(tiny.layout.parameterCount == 86_490 + 2 * 16 * 9)
        // Spatial sizes 32→32→16→16→16→8→6→6.
        #expect(tiny.hiddenLayers.map { $0.shape[1] } == [32, 32, 16, 16, 16, 8, 6, 6])
        #expect(Network.make(.tinyten, inputShape: Self.cifar, classes: 100).layout.entry(named: "dense.weight")?.shape == [100, 64])

        let resnet = Network.make(.preresnet20, inputShape: Self.cifar, classes: 100)
        #expect(resnet.layout.entry(named: "conv.weight")?.shape == [16, 3, 3, 3] && resnet.layout.entry(named: "fc.weight")?.shape == [100, 64])
        #expect(resnet.hiddenLayers.map { $0.shape[1] } == [32, 32, 32, 16, 16, 16, 8, 8, 8])
        #expect(resnet.unitGroups.suffix(3).map(\.channels) == [16, 32, 64])
    }

    /// Whole-network backward against finite differences on the smooth twins (train-mode BN) and
    /// the ReLU networks (eval mode), as `ReferenceNetworkTests` does at 1 × 28 × 28.
    @Test(arguments: [(ModelName.mlp, true), (.tinyten, true), (.preresnet20, true), (.tinyten, false), (.preresnet20, false)])
    func gradientAtHundredClasses(model: ModelName, smooth: Bool) {
        let h = NetworkHarness(model, inputShape: Self.cifar, classes: 100, batch: 2,
                               mode: smooth ? .train(momentum: 0.1) : .eval, seed: 23, smooth: smooth)
        let (loss, g) = h.gradient()
        #expect(g.allSatisfy { $0.isFinite })
        expectClose(Double(loss), h.loss(h.parameters), rtol: 1e-5, atol: 1e-5, "\(model) loss")
        var rng = RandomGenerator(seed: 4)
        var indices: [Int] = []
        for e in h.network.layout.parameters { indices += (0..<2).map { _ in e.offset + rng.uniformInt(below: e.count) } }
        indices += g.indices.sorted { abs(g[$0]) > abs(g[$1]) }.prefix(5)
        var point = h.parameters
        let scale = Double(g.map { abs($0) }.max()!)
        let checker = smooth ? GradientChecker(epsilon: 1e-2, relativeTolerance: 2e-2, absoluteTolerance: 1e-3 * scale)
            : GradientChecker(epsilon: 1e-3, relativeTolerance: 3e-2, absoluteTolerance: 3e-3 * scale, skipKinks: true)
        let report = checker.check(point: &point, analytic: g, indices: indices) { h.loss($0) }
        expectGradientsMatch(report, "\(model) \(smooth ? "smooth twin, train" : "eval") at 3×32×32, 100 classes",
                             maxSkippedFraction: smooth ? 0 : 0.15)
    }

    @Test(arguments: ModelName.smallNetworks)
    func batchOfOneEqualsBatchRows(model: ModelName) {
        let h = NetworkHarness(model, inputShape: Self.cifar, classes: 100, batch: 3, mode: .eval, seed: 5)
        let all = h.logits(h.parameters)
        for i in 0..<3 {
            let row = h.logitsOfSampleAlone(i)
            expectClose(row, Array(all[(i * 100)..<(i * 100 + 100)]), rtol: 1e-4, atol: 1e-5, "\(model) sample \(i)")
        }
    }
}
