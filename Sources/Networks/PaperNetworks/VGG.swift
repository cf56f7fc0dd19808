/// dnn-mode-connectivity's `VGG16` / `VGG16BN` (models/vgg.py), with its state-dict names:
/// `layer_blocks.b.j` (the convolutions, and with BN each convolution's BN right after it, numbered
/// in one `ModuleList` per block) and `classifier.{1,4,6}`.
///
/// Every convolution is 3×3, padding 1, with a bias; then BN (VGG16BN) and ReLU; each block ends
/// in a 2×2 max pool. The classifier is dropout(0.5) → linear 512 → ReLU → dropout(0.5) → linear
/// 512 → ReLU → linear. Takes 32×32 images (`ModelName.inputProblem`).
///
/// The reference's `VGGBase.forward` pairs the BN variant's `[conv, bn, conv, bn, …]` list with the
/// block's ReLUs by `zip`, which skips its later convolutions; this builder runs every
/// convolution, BN and ReLU (as torchvision's VGG16-BN does), which the same state dict also fits.
enum VGG {
    /// Output channels of the convolutions, block by block (depth 16).
    static let blocks: [[Int]] = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]

    static func make(batchNorm: Bool, inputShape: [Int], classes: Int, width: Int, rectified: Bool = true) -> Network {
        let g = LayerGraph(inputShape: inputShape)
        var x = g.input
        for (b, channels) in blocks.enumerated() {
            for (k, c) in channels.enumerated() {
                let j = batchNorm ? 2 * k : k
                x = g.conv2d(x, name: "layer_blocks.\(b).\(j)", outChannels: c * width, kernel: 3, stride: 1, padding: 1, bias: true)
                if batchNorm {
                    x = g.batchNorm(x, name: "layer_blocks.\(b).\(j + 1)", relu: rectified)
                } else if rectified {
                    x = g.relu(x)
                }
            }
            x = g.maxPool2d(x, kernel: 2)
        }
        let hidden = 512 * width
        var h = g.flatten(x)
        for layer in [1, 4] {
            h = g.dropout(h, probability: 0.5)
            h = g.linear(h, name: "classifier.\(layer)", outFeatures: hidden)
            if rectified { h = g.relu(h) }
        }
        g.linear(h, name: "classifier.6", outFeatures: classes)
        return Network(model: batchNorm ? .vgg16bn : .vgg16, inputShape: inputShape, classes: classes, width: width, graph: g)
    }
}
