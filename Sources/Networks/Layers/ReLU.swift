/// Rectifier: `y = max(x, 0)`; backward `dx = dy · [y > 0]` (the subgradient 0 at x = 0, as PyTorch).
final class ReLU: LayerNode {
    // x: any shape and order → y: same
    let count: Int
    init(input: Int, output: Int, perSample: Int) { count = perSample; super.init(inputs: [input], output: output) }

    override func forward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        let n = count * pass.batch
        if let masks = pass.workspace.activationMasks {
            let m = masks.buffer(output, perSample: count)
            switch masks.mode {
            case .record:
                Kernels.affine(pass.value(inputs[0]), pass.value(output), n, a: 1, b: 0, relu: true)
                ActivationMasks.record(pass.value(output), into: m, n)
            case .impose:
                ActivationMasks.impose(pass.value(inputs[0]), m, into: pass.value(output), n)
            }
            return
        }
        Kernels.affine(pass.value(inputs[0]), pass.value(output), n, a: 1, b: 0, relu: true)
    }

    override func backward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        guard needsInputGradient[0] else { return }
        if let masks = pass.workspace.activationMasks, masks.mode == .impose {
            ActivationMasks.impose(pass.gradientOf(output), masks.buffer(output, perSample: count), into: pass.gradientOf(inputs[0]),
                                   count * pass.batch, accumulate: !firstWrite[0])
            return
        }
        let y = pass.value(output)
        // y > 0 exactly where 1·y + 0 > 0: the mask read off y.
        Kernels.affineBackward(dy: pass.gradientOf(output), x: y, dx: pass.gradientOf(inputs[0]), count * pass.batch,
                               k1: 1, k2: 0, k3: 0, relu: (1, 0), accumulate: !firstWrite[0])
    }
}

/// Elementwise sum of two maps of equal shape and order (the residual connection): `y = a + b`;
/// backward `da = db = dy` (accumulated where `a` or `b` also feeds other operations). An input
/// that only this operation reads shares `dy`'s buffer as its gradient (`LayerGraph.gradientAlias`),
/// and backward leaves it alone: no copy.
final class Add: LayerNode {
    // a, b: same shape and order → y: same
    let count: Int
    /// Per input: its gradient buffer is dy's (set when the graph is frozen).
    var sharesOutputGradient = [false, false]
    init(a: Int, b: Int, output: Int, perSample: Int) { count = perSample; super.init(inputs: [a, b], output: output) }

    // One pass, split over the workers in contiguous shares.
    override func forward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        let n = count * pass.batch, y = pass.value(output), a = pass.value(inputs[0]), b = pass.value(inputs[1])
        Parallel.run(pass.workers) { worker in
            let part = Parallel.share(worker, of: pass.workers, n)
            Kernels.sum(a + part.lowerBound, b + part.lowerBound, into: y + part.lowerBound, part.count)
        }
    }

    override func backward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        let n = count * pass.batch, dy = pass.gradientOf(output)
        Parallel.run(pass.workers) { worker in
            let part = Parallel.share(worker, of: pass.workers, n)
            for slot in 0..<2 where needsInputGradient[slot] && !sharesOutputGradient[slot] {
                Kernels.copy(dy + part.lowerBound, pass.gradientOf(inputs[slot]) + part.lowerBound, part.count,
                             accumulate: !firstWrite[slot])
            }
        }
    }
}

extension LayerGraph {
    @discardableResult
    public func relu(_ x: Activation) -> Activation {
        let i = info(x)
        return append({ ReLU(input: x.id, output: $0, perSample: i.perSample) }, output: i, hasParameters: false)
    }

    /// `a + b`; both must have the same shape and storage order.
    @discardableResult
    public func add(_ a: Activation, _ b: Activation) -> Activation {
        let ia = info(a), ib = info(b)
        precondition(ia.shape == ib.shape && ia.order == ib.order, "add: \(ia.shape) \(ia.order) vs \(ib.shape) \(ib.order)")
        return append({ Add(a: a.id, b: b.id, output: $0, perSample: ia.perSample) }, output: ia, hasParameters: false)
    }
}
