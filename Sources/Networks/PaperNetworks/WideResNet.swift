/// dnn-mode-connectivity's `WideResNet28x10` (models/wide_resnet.py, after meliketoy/wide-resnet):
/// depth 28 = 6·4 + 4, widen factor 10, stage widths 160, 320, 640. State-dict names: `conv1`,
/// `layer{1,2,3}.i.{bn1, conv1, bn2, conv2, shortcut.0}`, `bn1`, `linear`.
///
/// A block is BN → ReLU → 3×3 conv → dropout → BN → ReLU → 3×3 conv (the stage's stride), plus
/// the input or, where the shape changes, a 1×1 strided convolution of the input as it came. Every
/// convolution has a bias. After the last stage: BN → ReLU → the 8×8 average pool → `linear`.
/// The dropout rate is the reference's default for `WideResNet28x10`, 0 (the layer is there; a
/// rate above 0 draws seeded masks in training). The reference's last BN updates its running
/// statistics with momentum 0.9; the engine's training uses PyTorch's default 0.1 for every BN
/// (the chapters recompute BN statistics before they evaluate). Takes 32×32 images.
enum WideResNet {
    static func make(depth: Int = 28, widen: Int = 10, dropout: Float = 0, inputShape: [Int], classes: Int, width: Int,
                     rectified: Bool = true) -> Network {
        precondition((depth - 4) % 6 == 0, "a WideResNet has depth 6n + 4, got \(depth)")
        let n = (depth - 4) / 6, g = LayerGraph(inputShape: inputShape)
        var inplanes = 16 * width
        var x = g.conv2d(g.input, name: "conv1", outChannels: inplanes, kernel: 3, stride: 1, padding: 1, bias: true)
        for stage in 0..<3 {
            let planes = (16 << stage) * widen * width
            for i in 0..<n {
                let p = "layer\(stage + 1).\(i)", stride = stage > 0 && i == 0 ? 2 : 1
                var out = g.batchNorm(x, name: "\(p).bn1", relu: rectified)
                out = g.conv2d(out, name: "\(p).conv1", outChannels: planes, kernel: 3, stride: 1, padding: 1, bias: true)
                out = g.dropout(out, probability: dropout)
                out = g.batchNorm(out, name: "\(p).bn2", relu: rectified)
                out = g.conv2d(out, name: "\(p).conv2", outChannels: planes, kernel: 3, stride: stride, padding: 1, bias: true)
                let shortcut = stride != 1 || inplanes != planes
                    ? g.conv2d(x, name: "\(p).shortcut.0", outChannels: planes, kernel: 1, stride: stride, bias: true)
                    : x
                x = g.add(out, shortcut)
                inplanes = planes
            }
        }
        let final = g.batchNorm(x, name: "bn1", relu: rectified)
        g.linear(g.globalAveragePool(final), name: "linear", outFeatures: classes)
        return Network(model: .wideresnet28x10, inputShape: inputShape, classes: classes, width: width, graph: g)
    }
}
