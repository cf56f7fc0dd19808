import Foundation
import Tensor

/// Writes folders in CIFAR's binary format for tests (the real data is never downloaded):
/// CIFAR-10 as `data_batch_1.bin` … `data_batch_5.bin` + `test_batch.bin` (records of 1 label byte
/// + 3 072 pixel bytes, R, G, B planes of 32 × 32), CIFAR-100 as `train.bin` + `test.bin` (2 label
/// bytes, coarse then fine). Each class has its own colour and stripe, plus noise, so a network
/// can learn something in a smoke run.
public enum SyntheticCIFAR {
    /// Writes the files into `folder` (created if needed) and returns it: `trainPerFile` records in
    /// each training file (5 files for CIFAR-10, 1 for CIFAR-100 holding 5 × `trainPerFile`) and
    /// `test` test records. Labels cycle through the classes.
    @discardableResult
    public static func write(to folder: String, classes: Int = 10, trainPerFile: Int, test: Int, seed: UInt64 = 1) throws -> String {
        precondition(classes == 10 || classes == 100, "CIFAR has 10 or 100 classes")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var rng = RandomGenerator(seed: seed)
        func file(_ name: String, count: Int, first: Int) throws {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(count * 3074)
            for i in 0..<count {
                let label = (first + i) % classes
                bytes += classes == 10 ? [UInt8(label)] : [UInt8(label / 5), UInt8(label)]
                bytes += image(label: label, classes: classes, rng: &rng)
            }
            try Data(bytes).write(to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent(name)))
        }
        if classes == 10 {
            for b in 1...5 { try file("data_batch_\(b).bin", count: trainPerFile, first: (b - 1) * trainPerFile) }
            try file("test_batch.bin", count: test, first: 3)
        } else {
            try file("train.bin", count: 5 * trainPerFile, first: 0)
            try file("test.bin", count: test, first: 3)
        }
        return folder
    }

    /// 3 072 bytes: a class colour per channel, a horizontal stripe whose row depends on the class,
    /// and uniform noise.
    static func image(label: Int, classes: Int, rng: inout RandomGenerator) -> [UInt8] {
        (0..<3).flatMap { c -> [UInt8] in
            let base = 40 + (label * 53 + c * 97) % 150
            let stripe = (label * 7) % 28
            return (0..<1024).map { k -> UInt8 in
                let row = k / 32
                let value = base + (row >= stripe && row < stripe + 4 ? 50 : 0) + rng.uniformInt(below: 31) - 15
                return UInt8(max(0, min(255, value)))
            }
        }
    }
}
