import Foundation
import TestSupport
import Testing
@testable import Datasets

@Suite struct FashionMNISTTests {
    @Test(arguments: [true, false])
    func loadsATinyFolderNormalisingTestWithTrainStatistics(compressed: Bool) throws {
        let folder = TemporaryFolder(); defer { folder.remove() }
        try writeFakeFashionMNIST(in: folder, train: 5, test: 3, compressed: compressed)
        let (train, test) = try FashionMNIST.load(directory: folder.path)
        #expect(train.count == 5 && test.count == 3)
        #expect(train.shape == [1, 28, 28] && train.classes == 10 && train.name == "fashion-mnist/train")
        #expect(train.labels == [0, 1, 2, 3, 4] && test.labels == [0, 1, 2])
        let trainPixels = (0..<5).flatMap { i in (0..<784).map { fakePixel(i, $0) } }
        let expected = Normalization.fit(pixels: trainPixels, channels: 1, plane: 784)
        #expect(train.normalization == expected && test.normalization == expected)
        // Test image 2, pixel 100, normalised with the training statistics, as PyTorch computes it.
        #expect(test.images[2 * 784 + 100] == (Float(fakePixel(2, 100)) / 255 - expected.mean[0]) / expected.std[0])
    }

    @Test func missingFolderNamesTheFileAndTheFix() {
        let error = DatasetError.caught { _ = try FashionMNIST.load(directory: "/x") }
        #expect(error?.kind == .notFound)
        #expect(error?.description
            == "dataset not found at /x/train-images-idx3-ubyte.gz; install it with `apt-get install dataset-fashion-mnist` or pass --data-path")
    }

    @Test func countMismatchBetweenImagesAndLabels() throws {
        let folder = TemporaryFolder(); defer { folder.remove() }
        try writeFakeFashionMNIST(in: folder)
        try IDXFile(elementType: .uint8, dimensions: [4], payload: [0, 1, 2, 3]).write(to: folder.file("train-labels-idx1-ubyte.gz"))
        let error = DatasetError.caught { _ = try FashionMNIST.load(directory: folder.path) }
        #expect(error?.kind == .mismatch && error?.path == folder.file("train-labels-idx1-ubyte.gz"))
        #expect("\(error!)".contains("4 labels for the 5 images"))
    }

    @Test func labelOutOfRange() throws {
        let folder = TemporaryFolder(); defer { folder.remove() }
        try writeFakeFashionMNIST(in: folder)
        try IDXFile(elementType: .uint8, dimensions: [3], payload: [0, 10, 2]).write(to: folder.file("t10k-labels-idx1-ubyte.gz"))
        let error = DatasetError.caught { _ = try FashionMNIST.load(directory: folder.path) }
        #expect(error?.kind == .labelOutOfRange && "\(error!)".contains("label 10 of record 1"))
    }

    @Test func swappedFilesAndWrongImageSize() throws {
        let folder = TemporaryFolder(); defer { folder.remove() }
        try writeFakeFashionMNIST(in: folder)
        try FileManager.default.copyItem(atPath: folder.file("train-labels-idx1-ubyte.gz"), toPath: folder.file("t10k-images-idx3-ubyte"))
        try FileManager.default.removeItem(atPath: folder.file("t10k-images-idx3-ubyte.gz"))
        let swapped = DatasetError.caught { _ = try FashionMNIST.load(directory: folder.path) }
        #expect(swapped?.kind == .badHeader && swapped?.path == folder.file("t10k-images-idx3-ubyte"))
        #expect("\(swapped!)".contains("swapped"))
        try IDXFile(elementType: .uint8, dimensions: [3, 32, 32], payload: Array(repeating: 0, count: 3072)).write(to: folder.file("t10k-images-idx3-ubyte"))
        #expect(DatasetError.caught { _ = try FashionMNIST.load(directory: folder.path) }?.kind == .badHeader)
    }

    @Test func truncatedFileSuggestsReinstalling() throws {
        let folder = TemporaryFolder(); defer { folder.remove() }
        try writeFakeFashionMNIST(in: folder)
        let images = try IDXFile.read(path: folder.file("train-images-idx3-ubyte.gz")).encoded()
        try folder.write(Array(images.dropLast(784)), to: "train-images-idx3-ubyte.gz")
        let error = DatasetError.caught { _ = try FashionMNIST.load(directory: folder.path) }
        #expect(error?.kind == .truncated && "\(error!)".contains("--reinstall dataset-fashion-mnist"), "\(String(describing: error))")
    }

    static let installed = FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory + "/train-images-idx3-ubyte.gz")

    @Test(.enabled(if: installed, "needs `apt-get install dataset-fashion-mnist`"))
    func theRealDataset() throws {
        let clock = ContinuousClock()
        var loaded: (train: Dataset, test: Dataset)?
        let elapsed = try clock.measure { loaded = try FashionMNIST.load() }
        let (train, test) = loaded!
        #expect(train.count == 60_000 && test.count == 10_000)
        #expect(abs(train.normalization.mean[0] - 0.2860) < 5e-4 && abs(train.normalization.std[0] - 0.3530) < 5e-4)
        // Normalised training pixels have mean 0 and std 1; the test set's are close to that.
        let (m, s) = moments(train.images)
        #expect(abs(m) < 1e-4 && abs(s - 1) < 1e-4)
        let (mt, st) = moments(test.images)
        #expect(abs(mt) < 0.02 && abs(st - 1) < 0.02)
        for c in 0..<10 { #expect(train.labels.filter { $0 == c }.count == 6000) }
        print("Fashion-MNIST: 70 000 images loaded in \(elapsed) (mean \(train.normalization.mean[0]), std \(train.normalization.std[0]))")
    }
}

func moments(_ values: [Float]) -> (mean: Double, std: Double) {
    var sum = 0.0, squares = 0.0
    for v in values { sum += Double(v); squares += Double(v) * Double(v) }
    let m = sum / Double(values.count)
    return (m, (squares / Double(values.count) - m * m).squareRoot())
}
