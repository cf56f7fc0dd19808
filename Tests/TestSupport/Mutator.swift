import Tensor

/// Deterministic mutations of a valid input for fuzzing the readers of outside bytes: bit flips,
/// byte overwrites, truncations, extensions with junk, and 32-bit fields set to huge or odd values
/// at a chosen offset (where headers keep their lengths and dimensions).
public struct Mutator {
    private var rng: RandomGenerator
    /// Offsets of 4- or 8-byte length/size fields worth setting to extremes.
    public var fieldOffsets: [Int]

    public init(seed: UInt64, fieldOffsets: [Int] = []) {
        rng = RandomGenerator(seed: seed)
        self.fieldOffsets = fieldOffsets
    }

    public enum Kind: String, CaseIterable { case bitFlips, overwrite, truncate, extend, hugeField }

    public mutating func mutate(_ input: [UInt8]) -> (kind: Kind, bytes: [UInt8]) {
        var b = input
        let kind = Kind.allCases[rng.uniformInt(below: Kind.allCases.count)]
        switch kind {
        case .bitFlips:
            for _ in 0..<(1 + rng.uniformInt(below: 4)) where !b.isEmpty {
                b[rng.uniformInt(below: b.count)] ^= UInt8(1 << rng.uniformInt(below: 8))
            }
        case .overwrite:
            for _ in 0..<(1 + rng.uniformInt(below: 8)) where !b.isEmpty {
                b[rng.uniformInt(below: b.count)] = UInt8(rng.uniformInt(below: 256))
            }
        case .truncate:
            b = Array(b.prefix(rng.uniformInt(below: max(b.count, 1))))
        case .extend:
            b += (0..<(1 + rng.uniformInt(below: 64))).map { _ in UInt8(rng.uniformInt(below: 256)) }
        case .hugeField:
            let offsets = fieldOffsets.isEmpty ? [0] : fieldOffsets
            let at = offsets[rng.uniformInt(below: offsets.count)]
            let values: [UInt64] = [0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0, 1, UInt64(Int64.max), 0xFFFF_FFFF_FFFF_FFFF, UInt64(input.count) * 3]
            let v = values[rng.uniformInt(below: values.count)]
            for k in 0..<8 where at + k < b.count { b[at + k] = UInt8(truncatingIfNeeded: v >> (8 * (rng.uniformInt(below: 2) == 0 ? k : 7 - k))) }
        }
        return (kind, b)
    }
}

/// Counts of what a fuzz run saw, for the note: inputs tried, accepted, errors by kind.
public struct FuzzTally: CustomStringConvertible {
    public var tried = 0
    public var accepted = 0
    public var errors: [String: Int] = [:]
    public var unnamed: [String] = []
    public init() {}

    /// Records one outcome; an error that does not name `path` is kept as a failure.
    public mutating func record(_ error: Error?, kind: String? = nil, path: String) {
        tried += 1
        guard let error else { accepted += 1; return }
        errors[kind ?? String(describing: type(of: error)), default: 0] += 1
        if !"\(error)".contains(path), unnamed.count < 5 { unnamed.append("\(error)") }
    }

    public var description: String {
        "tried \(tried), accepted \(accepted), errors " + errors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
    }
}
