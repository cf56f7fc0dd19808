import Networks
import Testing
@testable import bench

/// `bench --layers`: the engine's per-operation timer and the profile built on it.
@Suite struct LayerProfileTests {
    @Test func everyOperationIsTimedAndTheMultiplyAddsAddUp() {
        let bench = EngineBenchmark(batchSize: 8, minimumSeconds: 0.05, extras: false)
        let (layers, step) = bench.layerProfile(.tinyten)
        let network = Network.make(.tinyten)
        #expect(layers.count == network.graph.layerSummaries().count)
        #expect(layers.filter { $0.kind == "conv" }.count == 8)
        #expect(layers.allSatisfy { $0.forwardMilliseconds > 0 && $0.backwardMilliseconds >= 0 })
        // Operations with multiply-adds get a rate, elementwise ones none.
        #expect(layers.filter { $0.forwardGFLOPs != nil }.count == 9)  // 8 convolutions + the linear layer
        let macs = network.graph.layerSummaries().reduce(0) { $0 + $1.multiplyAddsPerSample }
        #expect(2 * macs == network.forwardFLOPsPerSample)
        // The operations account for (almost) the whole step; they cannot exceed it.
        let timed = layers.reduce(0) { $0 + $1.forwardMilliseconds + $1.backwardMilliseconds }
        #expect(timed <= step * 1.0001 && timed > 0.5 * step)
        // The 3×3 convolutions take the direct path or, under the default per-layer choice, oneDNN
        // for the passes it runs faster; the pointwise one a plain GEMM.
        let convs = layers.filter { $0.kind == "conv" }.map(\.detail)
        let fastest = ConvolutionBackend.standard == .fastest
        #expect(convs[1] == "16→16 3×3/1 at 28×28, direct")
        #expect(convs[2] == (fastest ? "16→32 3×3/2 at 28×28, forward direct, backward oneDNN" : "16→32 3×3/2 at 28×28, direct"))
        #expect(convs[6] == (fastest ? "64→64 3×3/1 at 7×7, oneDNN" : "64→64 3×3/1 at 7×7, direct"))
        #expect(convs[7] == "64→64 1×1/1 at 5×5, gemm")
        let table = NetworkLayerProfile(model: "tinyten", stepMilliseconds: step, layers: layers).table(sgemmGFLOPs: 100)
        #expect(table.contains("| conv 16→16 3×3/1 at 28×28, direct |"))
        #expect(table.contains("share of the step: conv"))
    }
}
