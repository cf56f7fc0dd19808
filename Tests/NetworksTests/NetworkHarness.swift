import Networks
import Tensor

/// Loss and gradient of a reference network on a small random batch.
struct NetworkHarness {
    let network: Network
    var parameters: [Float]
    let state: [Float]
    let images: [Float]
    let labels: [Int32]
    let batch: Int
    let mode: ForwardMode
    let workspace: Workspace

    var classes: Int { network.classes }

    init(_ model: ModelName, width: Int = 1, inputShape: [Int] = [1, 28, 28], classes: Int = 10, batch: Int, mode: ForwardMode,
         seed: UInt64, smooth: Bool = false, convolutions: ConvolutionBackend = .standard) {
        network = smooth ? Network.makeSmoothTwin(model, inputShape: inputShape, classes: classes, width: width)
            : Network.make(model, inputShape: inputShape, classes: classes, width: width)
        var rng = RandomGenerator(seed: seed)
        var p = [Float](repeating: 0, count: network.layout.parameterCount)
        var s = [Float](repeating: 0, count: network.layout.stateCount)
        network.initialize(parameters: &p, state: &s, rng: &rng)
        // Non-trivial running statistics so eval mode differs from train mode.
        for e in network.layout.state {
            for i in e.range { s[i] = e.role == .runningVar ? 0.5 + rng.uniformFloat() : 0.2 * rng.normal() }
        }
        parameters = p
        state = s
        images = (0..<(inputShape.reduce(1, *) * batch)).map { _ in rng.normal() }
        labels = (0..<batch).map { _ in Int32(rng.uniformInt(below: classes)) }
        self.batch = batch
        self.mode = mode
        workspace = network.makeWorkspace(batchCapacity: batch, convolutions: convolutions)
    }

    /// Eval-mode logits of sample `i` of the batch run alone (batch 1, its own workspace).
    func logitsOfSampleAlone(_ i: Int) -> [Float] {
        let sampleSize = images.count / batch, classes = network.classes
        let ws = network.makeWorkspace(batchCapacity: 1)
        var state = state
        return parameters.withUnsafeBufferPointer { p in
            state.withUnsafeMutableBufferPointer { s in
                images.withUnsafeBufferPointer { x in
                    let y = network.forward(parameters: p.baseAddress!, state: s.baseAddress!, input: x.baseAddress! + i * sampleSize,
                                            batch: 1, mode: .eval, workspace: ws)
                    return Array(UnsafeBufferPointer(start: y, count: classes))
                }
            }
        }
    }

    func logits(_ parameters: [Float]) -> [Float] {
        var s = state
        return parameters.withUnsafeBufferPointer { p in
            s.withUnsafeMutableBufferPointer { sp in
                images.withUnsafeBufferPointer { x in
                    let y = network.forward(parameters: p.baseAddress!, state: sp.baseAddress!, input: x.baseAddress!,
                                            batch: batch, mode: mode, workspace: workspace)
                    return Array(UnsafeBufferPointer(start: y, count: batch * classes))
                }
            }
        }
    }

    /// Mean cross-entropy in Double (from Float logits) for the finite differences.
    func loss(_ parameters: [Float]) -> Double {
        let z = logits(parameters)
        var total = 0.0
        for i in 0..<batch {
            let row = z[(i * classes)..<(i * classes + classes)].map(Double.init)
            let m = row.max()!
            total += m + Foundation_log(row.reduce(0) { $0 + Foundation_exp($1 - m) }) - row[Int(labels[i])]
        }
        return total / Double(batch)
    }

    func gradient() -> (loss: Float, gradient: [Float]) {
        var s = state
        var g = [Float](repeating: .nan, count: parameters.count)
        var dy = [Float](repeating: 0, count: batch * classes)
        let loss: Float = parameters.withUnsafeBufferPointer { p in
            s.withUnsafeMutableBufferPointer { sp in
                images.withUnsafeBufferPointer { x in
                    let y = network.forward(parameters: p.baseAddress!, state: sp.baseAddress!, input: x.baseAddress!,
                                            batch: batch, mode: mode, workspace: workspace)
                    let r = labels.withUnsafeBufferPointer { l in
                        dy.withUnsafeMutableBufferPointer { d in
                            SoftmaxCrossEntropy.evaluate(logits: y, labels: l.baseAddress!, batch: batch, classes: classes,
                                                         gradient: d.baseAddress!)
                        }
                    }
                    dy.withUnsafeBufferPointer { d in
                        g.withUnsafeMutableBufferPointer { gp in
                            network.backward(parameters: p.baseAddress!, outputGradient: d.baseAddress!,
                                             gradient: gp.baseAddress!, workspace: workspace)
                        }
                    }
                    return r.loss
                }
            }
        }
        return (loss, g)
    }
}

#if canImport(Glibc)
import Glibc
func Foundation_log(_ x: Double) -> Double { Glibc.log(x) }
func Foundation_exp(_ x: Double) -> Double { Glibc.exp(x) }
#else
import Darwin
func Foundation_log(_ x: Double) -> Double { Darwin.log(x) }
func Foundation_exp(_ x: Double) -> Double { Darwin.exp(x) }
#endif
