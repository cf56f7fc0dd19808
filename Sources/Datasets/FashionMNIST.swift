import Foundation

/// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 60 000 training and 10 000 test images of 28×28
/// grey pixels in 10 clothing classes, as the four IDX files Debian's `dataset-fashion-mnist`
/// installs (gzip-compressed, or plain under the same names without `.gz`).
public enum FashionMNIST {
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
    public static let installHint = "install it with `apt-get install dataset-fashion-mnist` or pass --data-path"
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    public static let classes = 10
    /// The file stems, without `.gz`.
    public static let fileStems = (trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
                                   testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte")

    /// Loads both splits, normalised with the training set's per-channel mean and std (≈ 0.2860 /
    /// 0.3530); the test set is normalised with the same statistics. Datasets are named
    /// "fashion-mnist/train" and "fashion-mnist/test", shape [1, 28, 28], 10 classes.
    ///
    /// Validates each file fully (see `IDXFile.read`), that images are 28×28 uint8 (magic
    /// 0x00000803) and labels uint8 (0x00000801), that the image and label counts agree and that
    /// labels are in 0..<10. Throws `DatasetError` naming the file, with a fix.
    public static func load(directory: String = defaultDirectory) throws -> (train: Dataset, test: Dataset) {
        let files = try resolveFiles(directory: directory)
        let (train, test) = try concurrently({ try readSplit(images: files[0], labels: files[1]) },
                                             { try readSplit(images: files[2], labels: files[3]) })
        let normalization = train.fitNormalization()
        return (train.dataset(name: "fashion-mnist/train", classes: classes, normalization: normalization),
                test.dataset(name: "fashion-mnist/test", classes: classes, normalization: normalization))
    }

    /// The four files' paths (train images, train labels, test images, test labels), each the
    /// `.gz` file if present, else the uncompressed one; provenance can checksum them.
    /// Throws `.notFound` naming the `.gz` path when neither exists.
    public static func resolveFiles(directory: String = defaultDirectory) throws -> [String] {
        let stems = [fileStems.trainImages, fileStems.trainLabels, fileStems.testImages, fileStems.testLabels]
        return try stems.map { stem in
            let base = (directory as NSString).appendingPathComponent(stem)
            for candidate in [base + ".gz", base] where FileManager.default.fileExists(atPath: candidate) {
                return candidate
            }
            throw DatasetError(path: base + ".gz", kind: .notFound, problem: "no such file", hint: installHint)
        }
    }

    static func readSplit(images imagePath: String, labels labelPath: String) throws -> RawImages {
        do {
            let images = try IDXFile.read(path: imagePath, expectedMagic: IDXFile.magic(.uint8, rank: 3))
            guard images.dimensions[1] == 28, images.dimensions[2] == 28 else {
                throw DatasetError(path: imagePath, kind: .badHeader,
                                   problem: "images are \(images.dimensions[1])×\(images.dimensions[2]), Fashion-MNIST's are 28×28",
                                   hint: "point --data-path at a Fashion-MNIST folder")
            }
            let labelFile = try IDXFile.read(path: labelPath, expectedMagic: IDXFile.magic(.uint8, rank: 1))
            guard labelFile.dimensions[0] == images.dimensions[0] else {
                throw DatasetError(path: labelPath, kind: .mismatch,
                                   problem: "\(labelFile.dimensions[0]) labels for the \(images.dimensions[0]) images of \(imagePath)",
                                   hint: "the two files come from different releases or one is damaged; install them again")
            }
            let labels = labelFile.payload.map { Int32($0) }
            try RawImages.checkLabels(labels, classes: classes, path: labelPath, hint: DatasetError.damagedHint)
            return RawImages(pixels: images.payload, labels: labels, shape: [1, 28, 28])
        } catch let error as DatasetError where error.kind == .notFound {
            throw error.withHint(installHint)
        } catch let error as DatasetError where error.kind != .notFound && error.hint == DatasetError.damagedHint {
            throw error.withHint("the file is damaged or incomplete; replace it (Debian: `apt-get install --reinstall dataset-fashion-mnist`)")
        }
    }
}
