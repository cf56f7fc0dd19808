/// Builders of the three reference networks (docs/engine.md, "Reference networks"), adding tensors in
/// PyTorch's module-registration order so `layout` is the state-dict order.
enum ReferenceNetworks {
    /// `fc1` in→512w, ReLU, `fc2` 512w→512w, ReLU, `fc3` 512w→classes; 669,706 parameters at 1×28×28, w = 1.
    static func mlp(inputShape: [Int], classes: Int, width: Int, rectified: Bool = true) -> Network {
        let g = LayerGraph(inputShape: inputShape)
        let hidden = 512 * width
        let x = g.flatten(g.input)
        let l1 = g.linear(x, name: "fc1", outFeatures: hidden)
        let h1 = rectified ? g.relu(l1) : l1
        let l2 = g.linear(h1, name: "fc2", outFeatures: hidden)
        let h2 = rectified ? g.relu(l2) : l2
        g.linear(h2, name: "fc3", outFeatures: classes)
        return Network(model: .mlp, inputShape: inputShape, classes: classes, width: width, graph: g)
    }

    /// (out channels at width 1, kernel, stride, padding) of TinyTen's eight blocks.
    static let tinyTenBlocks: [(out: Int, kernel: Int, stride: Int, padding: Int)] = [
        (16, 3, 1, 1), (16, 3, 1, 1), (32, 3, 2, 1), (32, 3, 1, 1), (32, 3, 1, 1), (64, 3, 2, 1), (64, 3, 1, 0), (64, 1, 1, 0),
    ]

    /// 8 × (`layers.i.conv` with bias → `layers.i.bn` → ReLU), global average pool, `dense`;
    /// 86,490 parameters at 1×28×28, w = 1. Spatial 28→28→14→14→14→7→5→5.
    static func tinyTen(inputShape: [Int], classes: Int, width: Int, rectified: Bool = true) -> Network {
        let g = LayerGraph(inputShape: inputShape)
        var x = g.input
        for (i, b) in tinyTenBlocks.enumerated() {
            let c = g.conv2d(x, name: "layers.\(i).conv", outChannels: b.out * width, kernel: b.kernel, stride: b.stride,
                             padding: b.padding, bias: true)
            x = g.batchNorm(c, name: "layers.\(i).bn", relu: rectified)
        }
        g.linear(g.globalAveragePool(x), name: "dense", outFeatures: classes)
        return Network(model: .tinyten, inputShape: inputShape, classes: classes, width: width, graph: g)
    }

    /// `conv` 3×3; 9 pre-activation blocks `layers.i` (bn1 → ReLU → conv1 → bn2 → ReLU → conv2,
    /// plus `down` 1×1 on the pre-activated input when the shape changes); `bn` → ReLU → pool → `fc`.
    /// 271,994 parameters at 1×28×28, w = 1.
    ///
    /// Hidden layers are the blocks' inner activations (after bn2 + ReLU, units = conv1's output
    /// channels). The residual stream of each stage is a unit group of its own: produced by the
    /// stem (stage 0) or the stage's `down` and every block's `conv2`, read by the BN + conv1 (and
    /// `down`) of every block it enters and, after the last stage, by `bn` and `fc`.
    static func preResNet20(inputShape: [Int], classes: Int, width: Int, rectified: Bool = true) -> Network {
        let g = LayerGraph(inputShape: inputShape)
        var channels = 16 * width
        var x = g.conv2d(g.input, name: "conv", outChannels: channels, kernel: 3, stride: 1, padding: 1, bias: false)
        for stage in 0..<3 {
            let out = (16 << stage) * width
            for b in 0..<3 {
                let p = "layers.\(stage * 3 + b)", stride = stage > 0 && b == 0 ? 2 : 1
                let a = g.batchNorm(x, name: "\(p).bn1", relu: rectified)
                let c1 = g.conv2d(a, name: "\(p).conv1", outChannels: out, kernel: 3, stride: stride, padding: 1, bias: false)
                let h = g.batchNorm(c1, name: "\(p).bn2", relu: rectified)
                let c2 = g.conv2d(h, name: "\(p).conv2", outChannels: out, kernel: 3, stride: 1, padding: 1, bias: false)
                let shortcut = stride != 1 || channels != out
                    ? g.conv2d(a, name: "\(p).down", outChannels: out, kernel: 1, stride: stride, padding: 0, bias: false)
                    : x
                x = g.add(c2, shortcut)
                channels = out
            }
        }
        let final = g.batchNorm(x, name: "bn", relu: rectified)
        g.linear(g.globalAveragePool(final), name: "fc", outFeatures: classes)
        return Network(model: .preresnet20, inputShape: inputShape, classes: classes, width: width, graph: g)
    }
}
