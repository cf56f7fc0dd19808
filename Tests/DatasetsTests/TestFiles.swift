import Foundation
import TestSupport
@testable import Datasets

extension TemporaryFolder {
    /// Writes raw bytes, gzip-compressed if `name` ends in ".gz".
    @discardableResult
    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let p = file(name)
        if name.hasSuffix(".gz") { try GzipFile.write(bytes, to: p) } else { try Data(bytes).write(to: URL(fileURLWithPath: p)) }
        return p
    }
}

/// Pixel `k` of image `i` in the tiny fake sets: deterministic, covers 0 and 255.
func fakePixel(_ i: Int, _ k: Int) -> UInt8 { UInt8((i * 37 + k * 11) % 256) }

/// Writes a Fashion-MNIST-shaped folder: `train` and `test` images of 28×28 with labels `i % 10`.
func writeFakeFashionMNIST(in folder: TemporaryFolder, train: Int = 5, test: Int = 3, compressed: Bool = true) throws {
    let suffix = compressed ? ".gz" : ""
    for (stem, n) in [("train", train), ("t10k", test)] {
        let pixels = (0..<n).flatMap { i in (0..<784).map { fakePixel(i, $0) } }
        try IDXFile(elementType: .uint8, dimensions: [n, 28, 28], payload: pixels).write(to: folder.file("\(stem)-images-idx3-ubyte" + suffix))
        try IDXFile(elementType: .uint8, dimensions: [n], payload: (0..<n).map { UInt8($0 % 10) })
            .write(to: folder.file("\(stem)-labels-idx1-ubyte" + suffix))
    }
}

/// `n` CIFAR records: label bytes then 3 072 pixel bytes (R, G, B planes).
func cifarRecords(_ variant: CIFAR.Variant, count n: Int, firstLabel: Int = 0) -> [UInt8] {
    (0..<n).flatMap { i -> [UInt8] in
        let fine = UInt8((firstLabel + i) % variant.classes)
        let labels: [UInt8] = variant == .cifar10 ? [fine] : [fine / 5, fine]
        return labels + (0..<3072).map { fakePixel(i, $0) }
    }
}

extension DatasetError {
    /// Runs `body` and returns the DatasetError it throws (nil if none or another error).
    static func caught(_ body: () throws -> Void) -> DatasetError? {
        do { try body(); return nil } catch let e as DatasetError { return e } catch { return nil }
    }
}
