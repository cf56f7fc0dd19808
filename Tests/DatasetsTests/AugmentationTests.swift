import Testing
import Tensor
@testable import Datasets

@Suite struct AugmentationTests {
    /// Applies `augmentation` to a 1×3×4 image holding 1…12 with padding value −9.
    func augmented(_ augmentation: Augmentation, seed: UInt64) -> [Float] {
        let source: [Float] = (1...12).map(Float.init)
        var out = [Float](repeating: .nan, count: 12), black: [Float] = [-9]
        var generator = RandomGenerator(seed: seed)
        augmentation.apply(source, to: &out, shape: (1, 3, 4), black: &black, generator: &generator)
        return out
    }

    /// The expected window: output (y, x) = padded(y + dy, x + dx), mirrored when flipped.
    func window(dy: Int, dx: Int, flip: Bool) -> [Float] {
        (0..<3).flatMap { y in (0..<4).map { x -> Float in
            let sx = flip ? 3 - x + dx : x + dx, sy = y + dy
            return (0..<3).contains(sy) && (0..<4).contains(sx) ? Float(sy * 4 + sx + 1) : -9
        } }
    }

    @Test func noneIsTheIdentityAndDrawsNothing() {
        var generator = RandomGenerator(seed: 1)
        var out = [Float](repeating: 0, count: 12), black: [Float] = [0]
        Augmentation.none.apply((1...12).map(Float.init), to: &out, shape: (1, 3, 4), black: &black, generator: &generator)
        #expect(out == (1...12).map(Float.init) && generator == RandomGenerator(seed: 1))
    }

    @Test func cropAndFlipReplayTorchvisionsDraws() {
        let augmentation = Augmentation.standard(padding: 2)
        for seed in UInt64(0)..<200 {
            var g = RandomGenerator(seed: seed)
            let dy = g.uniformInt(below: 5) - 2, dx = g.uniformInt(below: 5) - 2   // top, left ∈ [0, 2p]
            let flip = g.uniformFloat() < 0.5
            #expect(augmented(augmentation, seed: seed) == window(dy: dy, dx: dx, flip: flip), "seed \(seed)")
        }
    }

    @Test func everyOffsetAndBothFlipsOccur() {
        var seen = Set<[Float]>()
        for seed in UInt64(0)..<2000 { seen.insert(augmented(.standard(padding: 1), seed: seed)) }
        // 3 × 3 offsets × 2 flips = 18 distinct windows of a picture without symmetry.
        #expect(seen.count == 18)
        let flipOnly = Augmentation(cropPadding: 0, horizontalFlip: true)
        let flipped = (UInt64(0)..<1000).filter { augmented(flipOnly, seed: $0) == window(dy: 0, dx: 0, flip: true) }.count
        #expect(flipped > 430 && flipped < 570)  // Binomial(1000, ½): mean 500, sd ≈ 16
    }

    @Test func paddingBiggerThanTheImageGivesBlackOrShiftedWindows() {
        for seed in UInt64(0)..<50 {
            let out = augmented(Augmentation(cropPadding: 5), seed: seed)
            #expect(out.allSatisfy { $0 == -9 || (1...12).contains($0) } && !out.contains(where: \.isNaN))
        }
    }

    /// CIFAR's recipe on a 3 × 32 × 32 image: one crop offset and one flip for all three channels,
    /// each channel padded with its own normalised black.
    @Test func cifarCropWithPaddingFourMovesEveryChannelTogether() {
        let (c, h, w) = (3, 32, 32)
        let source: [Float] = (0..<(c * h * w)).map { Float($0) }
        var black: [Float] = [-1, -2, -3]
        let augmentation = Augmentation.standard(padding: 4)
        var offsets = Set<[Int]>()
        for seed in UInt64(0)..<300 {
            var draws = RandomGenerator(seed: seed)
            let dy = draws.uniformInt(below: 9) - 4, dx = draws.uniformInt(below: 9) - 4
            let flip = draws.uniformFloat() < 0.5
            offsets.insert([dy, dx])
            var out = [Float](repeating: .nan, count: c * h * w), generator = RandomGenerator(seed: seed)
            augmentation.apply(source, to: &out, shape: (c, h, w), black: &black, generator: &generator)
            let expected: [Float] = (0..<c).flatMap { ch in (0..<h).flatMap { y in (0..<w).map { x -> Float in
                let sx = flip ? w - 1 - x + dx : x + dx, sy = y + dy
                return (0..<h).contains(sy) && (0..<w).contains(sx) ? Float((ch * h + sy) * w + sx) : black[ch]
            } } }
            #expect(out == expected, "seed \(seed)")
        }
        #expect(offsets.count == 81)  // every (top, left) in [0, 8]²
    }
}
