/// Direct convolutions in a row, run one sample at a time (`InferencePlan`): each layer's output
/// rows, with its bias and ReLU, go straight into the next layer's padded (phase) planes, so the
/// maps between them stay in the worker's cache instead of being written out for the whole batch
/// and copied back in; only the last layer writes to the batch's map. The values are the ones the
/// layers give one after another: the same bits.
struct DirectChain {
    let layers: [DirectConvolution]

    /// Whether this build's direct kernels can run a chain (the AVX2 register tiles).
    static var available: Bool {
        #if ENGINE_AVX512
        false
        #else
        true
        #endif
    }

    init(_ layers: [DirectConvolution]) {
        precondition(layers.count >= 2, "a chain of one convolution")
        for (a, b) in zip(layers, layers.dropFirst()) {
            precondition(a.outChannels == b.geometry.channels && a.geometry.outHeight == b.geometry.height
                         && a.geometry.outWidth == b.geometry.width, "chained convolutions whose maps do not match")
        }
        self.layers = layers
    }

    /// Floats of one layer's part of the scratch: padded planes, the tiles' staging, packed weights.
    private static func part(_ layer: DirectConvolution) -> (padded: Int, tile: Int, packed: Int) {
        (layer.geometry.channels * layer.paddedPlane, 16 * (layer.paddedOutputs + DirectConvolution.positionBlock),
         layer.outChannels * layer.geometry.rows)
    }

    /// Floats of one worker's scratch: every layer's part and one row.
    var scratchCount: Int {
        layers.reduce(0) { let p = Self.part($1); return $0 + p.padded + p.tile + p.packed } + (layers.map(\.geometry.outWidth).max() ?? 0)
    }

    /// The last layer's y[o, n] (=|+=, as `DirectConvolution.run`) for the samples `samples`, from
    /// `x` (mapped by `inputAffine` if given) through every layer, layer `l` with `weights[l]`,
    /// `biases[l]` and, but for the last, rectified where `relus[l]`.
    func run(_ x: UnsafePointer<Float>, channelStride: Int, sampleStride: Int, weights: [UnsafePointer<Float>],
             biases: [UnsafePointer<Float>?], relus: [Bool], accumulate: Bool, inputAffine: InputAffine? = nil,
             y: UnsafeMutablePointer<Float>, batch: Int, samples: Range<Int>, scratch: UnsafeMutablePointer<Float>) {
        guard !samples.isEmpty else { return }
        var at = scratch
        var parts: [(padded: UnsafeMutablePointer<Float>, tile: UnsafeMutablePointer<Float>, packed: UnsafeMutablePointer<Float>)] = []
        for (l, layer) in layers.enumerated() {
            let size = Self.part(layer)
            let padded = at, tile = padded + size.padded, packed = tile + size.tile
            // Borders and slack stay zero: only the interior is rewritten for each sample.
            padded.update(repeating: 0, count: size.padded)
            layer.pack(weights[l], into: packed)
            parts.append((padded, tile, packed))
            at = packed + size.packed
        }
        let row = at, first = layers[0], last = layers.count - 1
        for n in samples {
            for ch in 0..<first.geometry.channels {
                first.pad(x + ch * channelStride + n * sampleStride, into: parts[0].padded + ch * first.paddedPlane, affine: inputAffine,
                          channel: ch)
            }
            for l in 0..<last {
                let next = layers[l + 1], into = parts[l + 1].padded, bias = biases[l], width = layers[l].geometry.outWidth
                let direct = next.geometry.stride == 1, p = next.geometry.padding, wq = next.paddedWidth
                @inline(__always) func hand(_ rectify: Bool) {
                    layers[l].forEachOutputRow(parts[l].padded, packed: parts[l].packed, tile: parts[l].tile) { o, oh, values in
                        let plane = into + o * next.paddedPlane
                        if direct {
                            RowVectors.map(values, to: plane + (p + oh) * wq + p, width, bias: bias?[o] ?? 0, relu: rectify)
                        } else {
                            RowVectors.map(values, to: row, width, bias: bias?[o] ?? 0, relu: rectify)
                            next.padRow(row, oh, into: plane)
                        }
                    }
                }
                if relus[l] { hand(true) } else { hand(false) }
            }
            let g = layers[last].geometry, outPlane = g.outSpatial, bias = biases[last], relu = relus[last]
            layers[last].forEachOutputRow(parts[last].padded, packed: parts[last].packed, tile: parts[last].tile) { o, oh, values in
                DirectConvolution.write(values, to: y + (o * batch + n) * outPlane + oh * g.outWidth, g.outWidth, bias: bias?[o],
                                        accumulate: accumulate, relu: relu)
            }
        }
    }
}
