@testable import Networks
import Tensor
import Testing

/// The two ways backward avoids memory passes without changing a bit of its results: an input read
/// only by an `Add` shares the add's output gradient buffer (no copy), and a fused BN + ReLU
/// recomputes its ReLU mask from its input instead of reading its output.
@Suite("Gradient sharing")
struct GradientSharingTests {
    @Test func preResNetSharesTheGradientOfEveryBranchThatOnlyAnAddReads() {
        let graph = Network.make(.preresnet20).graph
        _ = graph.makeWorkspace(batchCapacity: 2)
        var readers = [Int](repeating: 0, count: graph.activations.count)
        for node in graph.nodes { for id in node.inputs { readers[id] += 1 } }
        // 9 residual blocks: each block's second convolution, plus the 2 downsampling shortcuts.
        #expect(graph.gradientAlias.count == 11)
        for (source, target) in graph.gradientAlias {
            #expect(readers[source] == 1, "activation \(source) has \(readers[source]) readers")
            let add = graph.nodes.first { $0.output == target } as? Add
            #expect(add != nil && add!.inputs.contains(source), "alias target \(target) is not an add reading \(source)")
        }
    }

    @Test func sharedBuffersAreTheAddOutputsAndChainsResolve() {
        // c, d → add1 → add2 → conv: c and d share add1's output gradient, which shares add2's.
        let graph = LayerGraph(inputShape: [2, 4, 4], inputRequiresGradient: true)
        let a = graph.conv2d(graph.input, name: "stem", outChannels: 2, kernel: 3, padding: 1)
        let c = graph.conv2d(a, name: "c", outChannels: 2, kernel: 3, padding: 1)
        let d = graph.conv2d(a, name: "d", outChannels: 2, kernel: 3, padding: 1)
        let e = graph.add(graph.add(c, d), a)
        let out = graph.conv2d(e, name: "head", outChannels: 2, kernel: 3, padding: 1)
        let workspace = graph.makeWorkspace(batchCapacity: 2)
        var p = [Float](repeating: 0, count: graph.layout.parameterCount), s = [Float]()
        var rng = RandomGenerator(seed: 3)
        graph.initialize(parameters: &p, state: &s, scheme: .pytorchDefault, rng: &rng)
        let x = (0..<(2 * 32)).map { _ in rng.normal() }
        let dy = (0..<(2 * 32)).map { _ in rng.normal() }
        var grad = [Float](repeating: 0, count: p.count)
        _ = graph.forward(parameters: p, state: &s, input: x, batch: 2, mode: .eval, workspace: workspace)
        graph.backward(parameters: p, outputGradient: dy, gradient: &grad, workspace: workspace)
        #expect(graph.gradientAlias[c.id] == c.id + 2 && graph.gradientAlias[d.id] == c.id + 2)
        #expect(graph.gradientAlias[c.id + 2] == e.id && graph.gradientAlias[a.id] == nil && graph.gradientAlias[out.id] == nil)
        #expect(workspace.gradients[c.id] == workspace.gradients[e.id] && workspace.gradients[d.id] == workspace.gradients[e.id])
        #expect(workspace.gradients[a.id] != workspace.gradients[e.id])
        let de = workspace.readGradient(e)
        #expect(de.contains { $0 != 0 })
        #expect(workspace.readGradient(c) == de && workspace.readGradient(d) == de)
    }

    @Test func anAddThatIsTheOutputSharesNothing() {
        let graph = LayerGraph(inputShape: [1, 3, 3], inputRequiresGradient: true)
        let a = graph.conv2d(graph.input, name: "stem", outChannels: 1, kernel: 3, padding: 1)
        let c = graph.conv2d(a, name: "c", outChannels: 1, kernel: 3, padding: 1)
        graph.add(c, a)
        _ = graph.makeWorkspace(batchCapacity: 1)
        #expect(graph.gradientAlias.isEmpty)
    }

    @Test func recomputedReLUMaskIsTheForwardOutputsMask() {
        // Inputs placed on and around the kink a·x + b = 0, over a length with a scalar tail.
        var rng = RandomGenerator(seed: 11)
        for (a, b) in [(Float(0.7), Float(-0.35)), (1.3, 0.2), (-0.9, 0.0), (1, 0)] {
            let n = 16 * 5 + 7
            var x = (0..<n).map { _ in rng.normal() }
            for i in stride(from: 0, to: n, by: 3) { x[i] = -b / a }
            var y = [Float](repeating: 0, count: n), dx = [Float](repeating: 0, count: n)
            let dy = [Float](repeating: 1, count: n)
            Kernels.affine(x, &y, n, a: a, b: b, relu: true)
            Kernels.affineBackward(dy: dy, x: x, dx: &dx, n, k1: 1, k2: 0, k3: 0, relu: (a, b), accumulate: false)
            let fromY = y.map { $0 > 0 ? Float(1) : 0 }
            #expect(dx == fromY, "a \(a) b \(b)")
            #expect(fromY.contains(0) && fromY.contains(1))
            let (sg, _) = Kernels.maskedSums(dy: dy, x: x, n, mean: 0, relu: (a, b))
            #expect(sg == Double(fromY.reduce(0, +)))
        }
    }
}
