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
        let layers = [
            HiddenLayer(name: "fc1", channels: hidden, shape: [hidden, 1, 1], producers: ["fc1.weight", "fc1.bias"],
                        consumers: ["fc2.weight"], activation: h1),
            HiddenLayer(name: "fc2", channels: hidden, shape: [hidden, 1, 1], producers: ["fc2.weight", "fc2.bias"],
                        consumers: ["fc3.weight"], activation: h2),
        ]
        return Network(model: .mlp, inputShape: inputShape, classes: classes, width: width, graph: g, hiddenLayers: layers)
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
        var outputs: [Activation] = []
        for (i, b) in tinyTenBlocks.enumerated() {
            let c = g.conv2d(x, name: "layers.\(i).conv", outChannels: b.out * width, kernel: b.kernel, stride: b.stride,
                             padding: b.padding, bias: true)
            x = g.batchNorm(c, name: "layers.\(i).bn", relu: rectified)
            outputs.append(x)
        }
        g.linear(g.globalAveragePool(x), name: "dense", outFeatures: classes)
        let layers = outputs.enumerated().map { i, a in
            let p = "layers.\(i)", info = g.info(a)
            return HiddenLayer(name: p, channels: info.channels, shape: info.shape,
                               producers: ["\(p).conv.weight", "\(p).conv.bias", "\(p).bn.weight", "\(p).bn.bias",
                                           "\(p).bn.running_mean", "\(p).bn.running_var"],
                               consumers: [i + 1 < outputs.count ? "layers.\(i + 1).conv.weight" : "dense.weight"],
                               activation: a)
        }
        return Network(model: .tinyten, inputShape: inputShape, classes: classes, width: width, graph: g, hiddenLayers: layers)
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
        var hidden: [HiddenLayer] = []
        // Per stage: tensors producing the stream (axis 0), reading it (axis 1), and its pre-activated reads.
        var producers: [[String]] = [["conv.weight"], [], []], consumers: [[String]] = [[], [], []]
        var reads: [[(Activation, [Int])]] = [[], [], []]
        for stage in 0..<3 {
            let out = (16 << stage) * width
            for b in 0..<3 {
                let i = stage * 3 + b, p = "layers.\(i)"
                let stride = stage > 0 && b == 0 ? 2 : 1
                let a = g.batchNorm(x, name: "\(p).bn1", relu: rectified)
                // The stream entering block i is the previous stage's when i opens a stage.
                let entering = b == 0 && stage > 0 ? stage - 1 : stage
                producers[entering] += ["\(p).bn1.weight", "\(p).bn1.bias", "\(p).bn1.running_mean", "\(p).bn1.running_var"]
                consumers[entering].append("\(p).conv1.weight")
                reads[entering].append((a, g.info(a).shape))
                let c1 = g.conv2d(a, name: "\(p).conv1", outChannels: out, kernel: 3, stride: stride, padding: 1, bias: false)
                let h = g.batchNorm(c1, name: "\(p).bn2", relu: rectified)
                let c2 = g.conv2d(h, name: "\(p).conv2", outChannels: out, kernel: 3, stride: 1, padding: 1, bias: false)
                let shortcut = stride != 1 || channels != out
                    ? g.conv2d(a, name: "\(p).down", outChannels: out, kernel: 1, stride: stride, padding: 0, bias: false)
                    : x
                if stride != 1 || channels != out {
                    consumers[entering].append("\(p).down.weight")
                    producers[stage].append("\(p).down.weight")
                }
                producers[stage].append("\(p).conv2.weight")
                x = g.add(c2, shortcut)
                hidden.append(HiddenLayer(name: "\(p).conv1", channels: out, shape: g.info(h).shape,
                                          producers: ["\(p).conv1.weight", "\(p).bn2.weight", "\(p).bn2.bias",
                                                      "\(p).bn2.running_mean", "\(p).bn2.running_var"],
                                          consumers: ["\(p).conv2.weight"], activation: h))
                channels = out
            }
        }
        let final = g.batchNorm(x, name: "bn", relu: rectified)
        g.linear(g.globalAveragePool(final), name: "fc", outFeatures: classes)
        producers[2] += ["bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"]
        consumers[2].append("fc.weight")
        reads[2].append((final, g.info(final).shape))
        let streams = (0..<3).map { s in
            UnitGroup(name: "stream.\(s)", channels: (16 << s) * width, producers: producers[s], consumers: consumers[s],
                      activations: reads[s].map(\.0), shapes: reads[s].map(\.1))
        }
        return Network(model: .preresnet20, inputShape: inputShape, classes: classes, width: width, graph: g,
                       hiddenLayers: hidden, streams: streams)
    }
}
