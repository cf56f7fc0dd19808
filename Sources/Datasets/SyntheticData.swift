import Tensor

/// Seeded synthetic classification data for unit tests and 2-D toy pictures. The same arguments
/// give the same dataset on every machine (all draws come from `RandomGenerator`).
/// Labels interleave the classes (`label(i) = i % classes`), so every prefix is balanced.
/// Values are used as they are (`Normalization.none`), and the padding value is 0.
public enum SyntheticData {
    /// `classes` Gaussian clusters in `dimensions` dimensions: class centres drawn from
    /// N(0, separation²·I), points = centre + N(0, spread²·I).
    ///
    /// - Parameter shape: how each point is laid out as an image; default `[dimensions, 1, 1]`,
    ///   or e.g. `[1, 4, 4]` for 16 dimensions (precondition: `prod(shape) == dimensions`).
    public static func gaussianBlobs(count: Int, classes: Int, dimensions: Int, separation: Float = 3,
                                     spread: Float = 1, shape: [Int]? = nil, seed: UInt64) -> Dataset {
        let shape = shape ?? [dimensions, 1, 1]
        precondition(count >= 0 && classes > 0 && dimensions > 0, "gaussianBlobs needs count ≥ 0, classes > 0 and dimensions > 0")
        precondition(shape.count == 3 && shape.reduce(1, *) == dimensions, "shape \(shape) does not hold \(dimensions) dimensions")
        var centresGenerator = RandomGenerator(seed: RandomGenerator.derive(seed: seed, "blob centres"))
        let centres = (0..<(classes * dimensions)).map { _ in separation * centresGenerator.normal() }
        var generator = RandomGenerator(seed: RandomGenerator.derive(seed: seed, "blob points"))
        var images = [Float](), labels = [Int32]()
        images.reserveCapacity(count * dimensions)
        for i in 0..<count {
            let label = i % classes
            labels.append(Int32(label))
            for d in 0..<dimensions { images.append(centres[label * dimensions + d] + spread * generator.normal()) }
        }
        return Dataset(name: "blobs(\(classes)×\(dimensions)d, seed \(seed))", images: images, labels: labels,
                       shape: shape, classes: classes, normalization: .none(channels: shape[0]))
    }

    /// Two interleaved spirals in the plane (2 classes, shape [2, 1, 1]). Point `i` of class `c`
    /// sits at radius `r = √u` and angle `2π·turns·r + π·c` (u uniform in [0, 1)), plus
    /// N(0, noise²) on each coordinate; so points are spread evenly along the arms.
    public static func twoSpirals(count: Int, turns: Float = 1.5, noise: Float = 0.05, seed: UInt64) -> Dataset {
        precondition(count >= 0 && turns > 0 && noise >= 0, "twoSpirals needs count ≥ 0, turns > 0, noise ≥ 0")
        var generator = RandomGenerator(seed: RandomGenerator.derive(seed: seed, "two spirals"))
        var images = [Float](), labels = [Int32]()
        images.reserveCapacity(2 * count)
        for i in 0..<count {
            let label = i % 2
            let r = generator.uniformFloat().squareRoot()
            let angle = 2 * Float.pi * turns * r + Float.pi * Float(label)
            images.append(r * cosine(angle) + noise * generator.normal())
            images.append(r * sine(angle) + noise * generator.normal())
            labels.append(Int32(label))
        }
        return Dataset(name: "two-spirals(\(turns) turns, seed \(seed))", images: images, labels: labels,
                       shape: [2, 1, 1], classes: 2, normalization: .none(channels: 2))
    }
}

#if canImport(Glibc)
import Glibc
private func cosine(_ x: Float) -> Float { Glibc.cosf(x) }
private func sine(_ x: Float) -> Float { Glibc.sinf(x) }
#else
import Darwin
private func cosine(_ x: Float) -> Float { Darwin.cosf(x) }
private func sine(_ x: Float) -> Float { Darwin.sinf(x) }
#endif
