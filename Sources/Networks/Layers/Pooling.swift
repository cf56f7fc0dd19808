/// Max pooling (PyTorch `MaxPool2d(kernel, stride)`, no padding): `y[n,c,oh,ow] = max` over the
/// window at `(oh·s, ow·s)`. Backward routes dy to the first maximal input of each window.
final class MaxPool2d: LayerNode {
    // x: [N, C, H, W] (either order) → y: [N, C, Ho, Wo], same order (planes keep their order)
    let info: ActivationInfo
    let geometry: ConvGeometry

    init(input: Int, info: ActivationInfo, output: Int, geometry: ConvGeometry) {
        self.info = info; self.geometry = geometry
        super.init(inputs: [input], output: output)
    }

    // scratch: per output element, the index of its argmax inside the input plane (exact in Float below 2²⁴)
    override func scratchCount(batch: Int, workers: Int) -> Int { batch * info.channels * geometry.outSpatial }

    override func forward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        let g = geometry, planes = pass.batch * info.channels, k = g.kernel
        let x = pass.value(inputs[0]), y = pass.value(output)
        for p in 0..<planes {
            let xp = x + p * info.spatial, yp = y + p * g.outSpatial, ip = scratch + p * g.outSpatial
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    var best = -Float.infinity, arg = (oh * g.stride) * info.width + ow * g.stride
                    for ki in 0..<k {
                        let row = (oh * g.stride + ki) * info.width + ow * g.stride
                        for kj in 0..<k where xp[row + kj] > best || xp[row + kj].isNaN {
                            best = xp[row + kj]; arg = row + kj
                            if best.isNaN { break }
                        }
                    }
                    yp[oh * g.outWidth + ow] = best
                    ip[oh * g.outWidth + ow] = Float(arg)
                }
            }
        }
    }

    override func backward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        guard needsInputGradient[0] else { return }
        let g = geometry, planes = pass.batch * info.channels
        let dy = pass.gradientOf(output), dx = pass.gradientOf(inputs[0])
        if firstWrite[0] { dx.update(repeating: 0, count: planes * info.spatial) }
        for p in 0..<planes {
            let dxp = dx + p * info.spatial, dyp = dy + p * g.outSpatial, ip = scratch + p * g.outSpatial
            for o in 0..<g.outSpatial { dxp[Int(ip[o])] += dyp[o] }
        }
    }
}

/// Global average pooling: `y[n, c] = (1/(H·W)) Σ_{h,w} x[n, c, h, w]`; backward spreads
/// `dy[n, c]/(H·W)` over the plane.
final class GlobalAveragePool: LayerNode {
    // x: [N, C, H, W] (either order) → y: [N, C] sample-major
    let info: ActivationInfo

    init(input: Int, info: ActivationInfo, output: Int) { self.info = info; super.init(inputs: [input], output: output) }

    override func forward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        let n = pass.batch, c = info.channels, s = info.spatial, st = info.strides(batch: n)
        let x = pass.value(inputs[0]), y = pass.value(output)
        for i in 0..<n {
            for ch in 0..<c { y[i * c + ch] = Float(Kernels.sum(x + ch * st.channel + i * st.sample, s) / Double(s)) }
        }
    }

    override func backward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        guard needsInputGradient[0] else { return }
        let n = pass.batch, c = info.channels, s = info.spatial, st = info.strides(batch: n)
        let dy = pass.gradientOf(output), dx = pass.gradientOf(inputs[0]), inv = 1 / Float(s)
        for i in 0..<n {
            for ch in 0..<c {
                let v = dy[i * c + ch] * inv, d = dx + ch * st.channel + i * st.sample
                if firstWrite[0] { d.update(repeating: v, count: s) } else { for j in 0..<s { d[j] += v } }
            }
        }
    }
}

/// Flatten `[N, C, H, W]` to `[N, C·H·W]` in C, H, W order (PyTorch `x.view(N, -1)`).
final class Flatten: LayerNode {
    // x: [N, C, H, W] (either order) → y: [N, C·H·W] sample-major
    let info: ActivationInfo

    init(input: Int, info: ActivationInfo, output: Int) { self.info = info; super.init(inputs: [input], output: output) }

    override func forward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        Reorder.toSampleMajor(pass.value(inputs[0]), info: info, batch: pass.batch, into: pass.value(output))
    }

    override func backward(_ pass: Pass, scratch: UnsafeMutablePointer<Float>) {
        guard needsInputGradient[0] else { return }
        let n = pass.batch, c = info.channels, s = info.spatial, st = info.strides(batch: n)
        let dy = pass.gradientOf(output), dx = pass.gradientOf(inputs[0])
        for i in 0..<n {
            for ch in 0..<c {
                Kernels.copy(dy + (i * c + ch) * s, dx + ch * st.channel + i * st.sample, s, accumulate: !firstWrite[0])
            }
        }
    }
}

extension LayerGraph {
    @discardableResult
    public func maxPool2d(_ x: Activation, kernel: Int, stride: Int? = nil) -> Activation {
        let i = info(x)
        let g = ConvGeometry(channels: i.channels, height: i.height, width: i.width, kernel: kernel,
                             stride: stride ?? kernel, padding: 0)
        return append({ MaxPool2d(input: x.id, info: i, output: $0, geometry: g) },
                      output: ActivationInfo(channels: i.channels, height: g.outHeight, width: g.outWidth, order: i.order,
                                             requiresGradient: true),
                      hasParameters: false)
    }

    /// `[N, C, H, W] → [N, C]` (per-sample shape `[C, 1, 1]`, sample-major).
    @discardableResult
    public func globalAveragePool(_ x: Activation) -> Activation {
        let i = info(x)
        return append({ GlobalAveragePool(input: x.id, info: i, output: $0) },
                      output: ActivationInfo(channels: i.channels, height: 1, width: 1, order: .sampleMajor,
                                             requiresGradient: true),
                      hasParameters: false)
    }

    /// `[N, C, H, W] → [N, C·H·W]` (per-sample shape `[C·H·W, 1, 1]`, sample-major).
    @discardableResult
    public func flatten(_ x: Activation) -> Activation {
        let i = info(x)
        return append({ Flatten(input: x.id, info: i, output: $0) },
                      output: ActivationInfo(channels: i.perSample, height: 1, width: 1, order: .sampleMajor,
                                             requiresGradient: true),
                      hasParameters: false)
    }
}
