import Networks
import Tensor
import Testing
import TestSupport

@Suite("Hidden layers")
struct HiddenLayerTests {
    @Test func mlpHiddenActivationIsReLUOfFirstLayer() {
        let h = NetworkHarness(.mlp, batch: 2, mode: .eval, seed: 3)
        _ = h.logits(h.parameters)
        let layer = h.network.hiddenLayers[0]
        #expect(layer.name == "fc1" && layer.channels == 512 && layer.consumers == ["fc2.weight"])
        let a = layer.read(from: h.workspace)
        #expect(a.count == 2 * 512)
        let w = h.network.layout.entry(named: "fc1.weight")!.offset, b = h.network.layout.entry(named: "fc1.bias")!.offset
        for n in 0..<2 {
            for u in [0, 17, 511] {
                var z = Double(h.parameters[b + u])
                for i in 0..<784 { z += Double(h.parameters[w + u * 784 + i]) * Double(h.images[n * 784 + i]) }
                expectClose(a[n * 512 + u], Float(max(z, 0)), rtol: 1e-4, atol: 1e-5)
            }
        }
    }

    /// Permuting a hidden layer's units in its producers (axis 0) and consumers (axis 1) leaves the
    /// function unchanged and permutes the activation's channels.
    @Test(arguments: [(ModelName.mlp, 1), (.tinyten, 3), (.tinyten, 7), (.preresnet20, 4)])
    func permutingUnitsPreservesTheFunction(model: ModelName, layerIndex: Int) {
        let h = NetworkHarness(model, batch: 2, mode: .eval, seed: 8)
        let layer = h.network.hiddenLayers[layerIndex]
        var rng = RandomGenerator(seed: 2)
        let perm = rng.permutation(layer.channels)
        var p = h.parameters, s = h.state
        let layout = h.network.layout
        func permute(_ v: inout [Float], _ e: TensorEntry, axis: Int) {
            let old = v
            let outer = e.shape[..<axis].reduce(1, *), inner = e.shape[(axis + 1)...].reduce(1, *), size = e.shape[axis]
            for o in 0..<outer { for u in 0..<size { for i in 0..<inner {
                v[e.offset + (o * size + u) * inner + i] = old[e.offset + (o * size + perm[u]) * inner + i]
            } } }
        }
        for name in layer.producers {
            let e = layout.entry(named: name)!
            if e.role.isState { permute(&s, e, axis: 0) } else { permute(&p, e, axis: 0) }
        }
        for name in layer.consumers { permute(&p, layout.entry(named: name)!, axis: 1) }
        let before = h.logits(h.parameters)
        let activation = layer.read(from: h.workspace)
        let afterWithState: [Float] = {
            var st = s
            return p.withUnsafeBufferPointer { pp in st.withUnsafeMutableBufferPointer { sp in h.images.withUnsafeBufferPointer { x in
                let y = h.network.forward(parameters: pp.baseAddress!, state: sp.baseAddress!, input: x.baseAddress!, batch: 2,
                                          mode: .eval, workspace: h.workspace)
                return Array(UnsafeBufferPointer(start: y, count: 20))
            } } }
        }()
        expectClose(afterWithState, before, rtol: 1e-4, atol: 1e-5, "\(model) \(layer.name)")
        let permutedActivation = layer.read(from: h.workspace)
        let spatial = layer.shape[1] * layer.shape[2]
        for n in 0..<2 { for u in 0..<layer.channels { for j in 0..<spatial {
            let got = permutedActivation[(n * layer.channels + u) * spatial + j]
            let want = activation[(n * layer.channels + perm[u]) * spatial + j]
            if abs(got - want) > 1e-4 + 1e-4 * abs(want) {
                Issue.record("\(layer.name) unit \(u) sample \(n): \(got) vs \(want)"); return
            }
        } } }
    }
}
