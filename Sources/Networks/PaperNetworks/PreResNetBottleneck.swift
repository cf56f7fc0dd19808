/// dnn-mode-connectivity's `PreResNet110` and `PreResNet164` (models/preresnet.py, after
/// bearpaw/pytorch-classification): depth 9n + 2 ≥ 44 uses bottleneck blocks, n = 12 and n = 18 per
/// stage. State-dict names: `conv1`, `layer{1,2,3}.i.{bn1, conv1, bn2, conv2, bn3, conv3,
/// downsample.0}`, `bn`, `fc`.
///
/// A block is BN → ReLU → 1×1 conv (planes) → BN → ReLU → 3×3 conv (planes, the stage's stride)
/// → BN → ReLU → 1×1 conv (4·planes), plus the input itself or, where the shape changes, a 1×1
/// strided convolution of the input as it came (not pre-activated). No convolution has a bias.
/// After the last stage: BN → ReLU → the 8×8 average pool → `fc`. Takes 32×32 images.
enum PreResNetBottleneck {
    static func blocksPerStage(depth: Int) -> Int {
        precondition(depth >= 44 && (depth - 2) % 9 == 0, "a bottleneck PreResNet has depth 9n + 2 ≥ 44, got \(depth)")
        return (depth - 2) / 9
    }

    static func make(depth: Int, model: ModelName, inputShape: [Int], classes: Int, width: Int, rectified: Bool = true) -> Network {
        let n = blocksPerStage(depth: depth), g = LayerGraph(inputShape: inputShape)
        var inplanes = 16 * width
        var x = g.conv2d(g.input, name: "conv1", outChannels: inplanes, kernel: 3, stride: 1, padding: 1, bias: false)
        for stage in 0..<3 {
            let planes = (16 << stage) * width
            for i in 0..<n {
                let p = "layer\(stage + 1).\(i)", stride = stage > 0 && i == 0 ? 2 : 1
                var out = g.batchNorm(x, name: "\(p).bn1", relu: rectified)
                out = g.conv2d(out, name: "\(p).conv1", outChannels: planes, kernel: 1, bias: false)
                out = g.batchNorm(out, name: "\(p).bn2", relu: rectified)
                out = g.conv2d(out, name: "\(p).conv2", outChannels: planes, kernel: 3, stride: stride, padding: 1, bias: false)
                out = g.batchNorm(out, name: "\(p).bn3", relu: rectified)
                out = g.conv2d(out, name: "\(p).conv3", outChannels: 4 * planes, kernel: 1, bias: false)
                let residual = stride != 1 || inplanes != 4 * planes
                    ? g.conv2d(x, name: "\(p).downsample.0", outChannels: 4 * planes, kernel: 1, stride: stride, bias: false)
                    : x
                x = g.add(out, residual)
                inplanes = 4 * planes
            }
        }
        let final = g.batchNorm(x, name: "bn", relu: rectified)
        g.linear(g.globalAveragePool(final), name: "fc", outFeatures: classes)
        return Network(model: model, inputShape: inputShape, classes: classes, width: width, graph: g)
    }
}
