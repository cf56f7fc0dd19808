import Foundation

/// Per-channel normalisation of 8-bit images, as torchvision's `ToTensor()` + `Normalize(mean, std)`:
/// a raw byte `u` of channel `c` becomes `(Float(u) / 255 − mean[c]) / std[c]`, evaluated in
/// Float32 in that order, so the values are bit-identical to PyTorch's.
///
/// Statistics are fitted on the training set and applied unchanged to the test set. Pixels are
/// laid out `[N, channels, plane]` with `plane` = H·W (NCHW).
public struct Normalization: Sendable, Equatable, Codable {
    /// Per-channel mean of `u / 255`.
    public let mean: [Float]
    /// Per-channel standard deviation of `u / 255` (population: divided by the pixel count).
    public let std: [Float]

    public init(mean: [Float], std: [Float]) {
        precondition(!mean.isEmpty && mean.count == std.count,
                     "Normalization needs one mean and one std per channel, got \(mean.count)/\(std.count)")
        precondition(std.allSatisfy { $0 > 0 }, "Normalization std must be positive, got \(std)")
        self.mean = mean
        self.std = std
    }

    /// Mean 0 and std 1 per channel: bytes become `u / 255`. Synthetic data carries this too, so
    /// its padding value (`black`) is 0.
    public static func none(channels: Int) -> Normalization {
        Normalization(mean: Array(repeating: 0, count: channels), std: Array(repeating: 1, count: channels))
    }

    public var channels: Int { mean.count }

    /// The normalised value of a black (0) pixel per channel, `(0 − mean) / std`: what zero padding
    /// of the raw image becomes (PyTorch's `RandomCrop(padding)` pads before `Normalize`).
    public var black: [Float] { (0..<channels).map { value(of: 0, channel: $0) } }

    /// The normalised value of byte `u` in `channel`.
    @inline(__always)
    public func value(of u: UInt8, channel: Int) -> Float { (Float(u) / 255 - mean[channel]) / std[channel] }

    /// Fits mean and std per channel, exactly: a 256-bin integer histogram per channel, then the
    /// moments in Double. A constant channel (std 0) gets std 1 instead of a division by zero.
    public static func fit(pixels: UnsafeBufferPointer<UInt8>, channels: Int, plane: Int) -> Normalization {
        checkLayout(pixels.count, channels: channels, plane: plane)
        let histogram = histograms(pixels, channels: channels, plane: plane)
        var mean: [Float] = [], std: [Float] = []
        for c in 0..<channels {
            var n = 0.0, sum = 0.0, squares = 0.0
            for v in 0..<256 {
                let k = Double(histogram[c * 256 + v]), x = Double(v) / 255
                n += k; sum += k * x; squares += k * x * x
            }
            precondition(n > 0, "Normalization.fit needs at least one image")
            let m = sum / n
            let s = Float(max(squares / n - m * m, 0).squareRoot())
            mean.append(Float(m))
            std.append(s > 0 ? s : 1)
        }
        return Normalization(mean: mean, std: std)
    }

    public static func fit(pixels: [UInt8], channels: Int, plane: Int) -> Normalization {
        pixels.withUnsafeBufferPointer { fit(pixels: $0, channels: channels, plane: plane) }
    }

    /// The normalised pixels as a new Float array of the same layout, through a 256-entry lookup
    /// table per channel (values equal `value(of:channel:)` exactly).
    public func normalize(_ pixels: UnsafeBufferPointer<UInt8>, plane: Int) -> [Float] {
        Self.checkLayout(pixels.count, channels: channels, plane: plane)
        let table = (0..<channels).flatMap { c in (0...255).map { value(of: UInt8($0), channel: c) } }
        let imageSize = channels * plane, images = pixels.count / imageSize
        return [Float](unsafeUninitializedCapacity: pixels.count) { out, initialised in
            table.withUnsafeBufferPointer { lut in
                guard let source = pixels.baseAddress, let base = out.baseAddress else { return }
                let target = SendablePointer(base)
                // Writing fresh memory is bound by page faults: split large inputs across threads.
                let parts = images * imageSize >= 1 << 22 ? min(4, ProcessInfo.processInfo.activeProcessorCount) : 1
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    var offset = images * part / parts * imageSize
                    let end = images * (part + 1) / parts * imageSize
                    while offset < end {
                        for c in 0..<channels {
                            let l = lut.baseAddress! + 256 * c
                            for i in offset..<(offset + plane) { target.pointer[i] = l[Int(source[i])] }
                            offset += plane
                        }
                    }
                }
            }
            initialised = pixels.count
        }
    }

    public func normalize(_ pixels: [UInt8], plane: Int) -> [Float] {
        pixels.withUnsafeBufferPointer { normalize($0, plane: plane) }
    }

    /// 256 bins per channel; four interleaved tables per channel so consecutive equal bytes do not
    /// serialise on one counter.
    private static func histograms(_ pixels: UnsafeBufferPointer<UInt8>, channels: Int, plane: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: 4 * 256 * channels)
        counts.withUnsafeMutableBufferPointer { h in
            guard let source = pixels.baseAddress else { return }
            var offset = 0
            while offset < pixels.count {
                for c in 0..<channels {
                    let bins = h.baseAddress! + 4 * 256 * c
                    var i = offset
                    let end = offset + plane
                    while i + 4 <= end {
                        bins[Int(source[i])] += 1
                        bins[256 + Int(source[i + 1])] += 1
                        bins[512 + Int(source[i + 2])] += 1
                        bins[768 + Int(source[i + 3])] += 1
                        i += 4
                    }
                    while i < end { bins[Int(source[i])] += 1; i += 1 }
                    offset = end
                }
            }
        }
        return (0..<(256 * channels)).map { k in
            let (c, v) = k.quotientAndRemainder(dividingBy: 256)
            return (0..<4).reduce(0) { $0 + counts[4 * 256 * c + 256 * $1 + v] }
        }
    }

    private static func checkLayout(_ count: Int, channels: Int, plane: Int) {
        precondition(channels > 0 && plane > 0 && count % (channels * plane) == 0,
                     "\(count) bytes are not whole images of \(channels) channels × \(plane) pixels")
    }
}

/// A raw pointer handed to the threads of `concurrentPerform`, which write disjoint ranges.
private struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}
