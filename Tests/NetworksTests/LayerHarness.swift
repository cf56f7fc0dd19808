import Networks
import Tensor
import TestSupport

/// A small graph with random parameters, random input and the loss `L = Σ r ⊙ y` for a random
/// projection `r` of the output (so dL/dy = r), summed in Double.
struct LayerHarness {
    let graph: LayerGraph
    var parameters: [Float]
    var state: [Float]
    var input: [Float]
    let projection: [Float]
    let batch: Int
    let mode: ForwardMode

    init(inputShape: [Int], batch: Int, mode: ForwardMode, seed: UInt64, build: (LayerGraph) -> Void) {
        graph = LayerGraph(inputShape: inputShape, inputRequiresGradient: true)
        build(graph)
        var rng = RandomGenerator(seed: seed)
        parameters = [Float](repeating: 0, count: graph.layout.parameterCount)
        state = [Float](repeating: 0, count: graph.layout.stateCount)
        graph.initialize(parameters: &parameters, state: &state, scheme: .pytorchDefault, rng: &rng)
        // Non-trivial BN affine parameters and running statistics.
        for e in graph.layout.allEntries {
            for i in e.range {
                switch e.role {
                case .bnWeight: parameters[i] = 0.5 + rng.uniformFloat()
                case .bnBias: parameters[i] = rng.normal() * 0.3
                case .runningMean: state[i] = rng.normal() * 0.3
                case .runningVar: state[i] = 0.5 + rng.uniformFloat()
                default: break
                }
            }
        }
        input = (0..<(inputShape.reduce(1, *) * batch)).map { _ in rng.normal() }
        let outCount = graph.info(graph.output).perSample * batch
        projection = (0..<outCount).map { _ in rng.normal() }
        self.batch = batch
        self.mode = mode
    }

    /// Output in storage order after a forward at (θ, x).
    func outputs(parameters: [Float], input: [Float], workspace: Workspace) -> [Float] {
        var s = state
        let n = graph.info(graph.output).perSample * batch
        return parameters.withUnsafeBufferPointer { p in
            s.withUnsafeMutableBufferPointer { sp in
                input.withUnsafeBufferPointer { x in
                    let y = graph.forward(parameters: p.baseAddress!, state: sp.baseAddress!, input: x.baseAddress!,
                                          batch: batch, mode: mode, workspace: workspace)
                    return Array(UnsafeBufferPointer(start: y, count: n))
                }
            }
        }
    }

    func loss(parameters: [Float], input: [Float], workspace: Workspace) -> Double {
        let y = outputs(parameters: parameters, input: input, workspace: workspace)
        var l = 0.0
        for i in y.indices { l += Double(y[i]) * Double(projection[i]) }
        return l
    }

    /// (dL/dθ, dL/dx) from backward.
    func analytic(workspace: Workspace) -> (parameters: [Float], input: [Float]) {
        _ = outputs(parameters: parameters, input: input, workspace: workspace)
        var g = [Float](repeating: .nan, count: max(graph.layout.parameterCount, 1))
        parameters.withUnsafeBufferPointer { p in
            projection.withUnsafeBufferPointer { r in
                g.withUnsafeMutableBufferPointer { gp in
                    graph.backward(parameters: p.baseAddress!, outputGradient: r.baseAddress!, gradient: gp.baseAddress!,
                                   workspace: workspace)
                }
            }
        }
        return (Array(g.prefix(graph.layout.parameterCount)), workspace.readGradient(graph.input))
    }

    /// Checks dL/dθ and dL/dx at up to `limit` random coordinates each; returns both reports.
    func check(_ checker: GradientChecker, limit: Int = 60, seed: UInt64 = 7, convolutions: ConvolutionBackend = .standard)
        -> (parameters: GradientChecker.Report, input: GradientChecker.Report) {
        let workspace = graph.makeWorkspace(batchCapacity: batch, convolutions: convolutions)
        let (gp, gx) = analytic(workspace: workspace)
        var rng = RandomGenerator(seed: seed)
        let pIdx = GradientChecker.sample(count: parameters.count, limit: limit, rng: &rng)
        let xIdx = GradientChecker.sample(count: input.count, limit: limit, rng: &rng)
        let x = input, p = parameters
        var point = parameters
        var pr = GradientChecker.Report()
        if !parameters.isEmpty {
            pr = checker.check(point: &point, analytic: gp, indices: pIdx) { loss(parameters: $0, input: x, workspace: workspace) }
        } else {
            pr.checked = 1   // nothing to check: no parameters
        }
        var xPoint = input
        let xr = checker.check(point: &xPoint, analytic: gx, indices: xIdx) { loss(parameters: p, input: $0, workspace: workspace) }
        return (pr, xr)
    }
}
