/// NeuronAlignment's `ResNet32` (models/resnet.py, a CIFAR variant of torchvision's ResNet):
/// state-dict names `layers.0.{0, 1}` (the stem's 3×3 conv and BN), `layers.{1,2,3}.i.{conv1, bn1,
/// conv2, bn2, downsample.0, downsample.1}`, `fc`.
///
/// Post-activation basic blocks, 5 per stage (depth 6·5 + 2): 3×3 conv (the stage's stride) → BN
/// → ReLU → 3×3 conv → BN, plus the input or a 1×1 strided conv + BN of it, then ReLU. No
/// convolution has a bias. After the last stage a global average pool (the reference pools with
/// the map's own size) → `fc`; so it also takes 1×28×28 images, with a stem of 1 input channel.
enum ResNet32 {
    static func make(inputShape: [Int], classes: Int, width: Int, rectified: Bool = true) -> Network {
        let g = LayerGraph(inputShape: inputShape)
        var inplanes = 16 * width
        var x = g.conv2d(g.input, name: "layers.0.0", outChannels: inplanes, kernel: 3, stride: 1, padding: 1, bias: false)
        x = g.batchNorm(x, name: "layers.0.1", relu: rectified)
        for stage in 0..<3 {
            let planes = (16 << stage) * width
            for i in 0..<5 {
                let p = "layers.\(stage + 1).\(i)", stride = stage > 0 && i == 0 ? 2 : 1
                var out = g.conv2d(x, name: "\(p).conv1", outChannels: planes, kernel: 3, stride: stride, padding: 1, bias: false)
                out = g.batchNorm(out, name: "\(p).bn1", relu: rectified)
                out = g.conv2d(out, name: "\(p).conv2", outChannels: planes, kernel: 3, stride: 1, padding: 1, bias: false)
                out = g.batchNorm(out, name: "\(p).bn2")
                var identity = x
                if stride != 1 || inplanes != planes {
                    identity = g.conv2d(x, name: "\(p).downsample.0", outChannels: planes, kernel: 1, stride: stride, bias: false)
                    identity = g.batchNorm(identity, name: "\(p).downsample.1")
                }
                x = g.add(out, identity)
                if rectified { x = g.relu(x) }
                inplanes = planes
            }
        }
        g.linear(g.globalAveragePool(x), name: "fc", outFeatures: classes)
        return Network(model: .resnet32, inputShape: inputShape, classes: classes, width: width, graph: g)
    }
}
