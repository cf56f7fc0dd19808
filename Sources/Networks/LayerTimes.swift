import Dispatch

/// Wall seconds spent in each operation of a graph, forward and backward, summed over the passes of
/// a workspace that carries one (`Workspace.layerTimes`): the engine's own per-layer profile
/// (`bench --layers`). A workspace without one pays a nil check per operation.
public final class LayerTimes {
    public private(set) var forward: [Double]
    public private(set) var backward: [Double]

    public init(operations: Int) {
        forward = Array(repeating: 0, count: operations)
        backward = Array(repeating: 0, count: operations)
    }

    @inline(__always)
    func time(_ operation: Int, backward isBackward: Bool, _ body: () -> Void) {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        if isBackward { backward[operation] += seconds } else { forward[operation] += seconds }
    }
}

extension Workspace {
    /// Runs operation `operation`'s pass, adding its wall time to `layerTimes` when that is set.
    @inline(__always)
    func timed(_ operation: Int, backward: Bool, _ body: () -> Void) {
        if let layerTimes { layerTimes.time(operation, backward: backward, body) } else { body() }
    }
}

/// What one operation of a graph is, for profiles: its kind ("conv", "linear", "batchnorm", ...),
/// its shape and algorithm, and its multiply-adds per sample (0 for elementwise operations).
public struct LayerSummary: Sendable {
    public let kind: String
    public let detail: String
    public let multiplyAddsPerSample: Int
    public let backwardMultiplyAddsPerSample: Int
}

extension LayerGraph {
    /// One summary per operation, in `LayerTimes` order, on a workspace whose convolutions run on `convolutions`.
    public func layerSummaries(convolutions: ConvolutionBackend = .standard) -> [LayerSummary] {
        nodes.map {
            let summary = $0.summary(convolutions: convolutions)
            return LayerSummary(kind: summary.kind, detail: summary.detail, multiplyAddsPerSample: $0.multiplyAddsPerSample,
                         backwardMultiplyAddsPerSample: $0.backwardMultiplyAddsPerSample)
        }
    }
}
