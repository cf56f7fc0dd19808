import Tensor

/// Training-time augmentation of images, torchvision's `RandomCrop(size, padding: p)` followed
/// by `RandomHorizontalFlip()`, applied to normalised images.
///
/// Crop: the raw image is padded with `p` black pixels on each side and a window of the original
/// size is taken at a uniform offset (top, left) ∈ [0, 2p]²; because PyTorch pads before
/// `Normalize`, padded pixels take the normalised value of black, `(0 − mean) / std` per channel.
/// Flip: mirrored left-right with probability ½.
public struct Augmentation: Sendable, Equatable, Hashable, Codable {
    /// Zero padding in pixels on each side before the random crop; 0 disables cropping.
    public var cropPadding: Int
    public var horizontalFlip: Bool

    public init(cropPadding: Int = 0, horizontalFlip: Bool = false) {
        precondition(cropPadding >= 0, "crop padding must be non-negative, got \(cropPadding)")
        self.cropPadding = cropPadding
        self.horizontalFlip = horizontalFlip
    }

    public static let none = Augmentation()

    /// Random crop with `padding` pixels of zero padding and random horizontal flip (the papers'
    /// CIFAR recipe uses 4; 2 suits 28×28 images).
    public static func standard(padding: Int = 2) -> Augmentation {
        Augmentation(cropPadding: padding, horizontalFlip: true)
    }

    public var isIdentity: Bool { cropPadding == 0 && !horizontalFlip }

    /// Writes the augmented copy of one image (`[C, H, W]` at `source`) to `target`, drawing from
    /// `generator` in torchvision's order: crop top, crop left (only when cropping), then the flip
    /// (only when flipping, `uniformFloat() < 0.5`). `black[c]` is channel c's padding value.
    /// Exactly the identity copy when `isIdentity` (and nothing is drawn).
    @inline(__always)
    public func apply(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, shape: (channels: Int, height: Int, width: Int),
                      black: UnsafePointer<Float>, generator: inout RandomGenerator) {
        let (channels, height, width) = shape
        var dy = 0, dx = 0
        if cropPadding > 0 {
            dy = generator.uniformInt(below: 2 * cropPadding + 1) - cropPadding
            dx = generator.uniformInt(below: 2 * cropPadding + 1) - cropPadding
        }
        let flip = horizontalFlip && generator.uniformFloat() < 0.5
        // Output (y, x) reads source (y + dy, x + dx), or (y + dy, W − 1 − x + dx) when flipped.
        // Valid x: 0 ≤ x + dx < W  ⇔  x ∈ [−dx, W − dx);   flipped: x ∈ [dx, W + dx).
        let lo = flip ? max(0, dx) : max(0, -dx)
        let hi = max(lo, flip ? min(width, width + dx) : min(width, width - dx))
        for c in 0..<channels {
            let b = black[c]
            for y in 0..<height {
                let row = target + (c * height + y) * width
                let sy = y + dy
                guard sy >= 0 && sy < height else {
                    row.update(repeating: b, count: width)
                    continue
                }
                let sourceRow = source + (c * height + sy) * width
                if lo > 0 { row.update(repeating: b, count: lo) }
                if hi < width { (row + hi).update(repeating: b, count: width - hi) }
                if flip {
                    let mirrored = sourceRow + (width - 1 + dx)
                    for x in lo..<hi { row[x] = mirrored[-x] }
                } else {
                    (row + lo).update(from: sourceRow + (lo + dx), count: hi - lo)
                }
            }
        }
    }
}
