import Datasets
import Foundation
import Tensor
import Training

/// The training and test sets a run uses, with a name that enters artifact-cache keys.
public struct TrainingData {
    public let name: String
    public let train: Dataset
    public let test: Dataset
    /// Files read, for the provenance block (path → SHA-256 is computed by the report).
    public let files: [String]

    public init(name: String, train: Dataset, test: Dataset, files: [String] = []) {
        self.name = name
        self.train = train
        self.test = test
        self.files = files
    }

    /// Fashion-MNIST from `directory`, optionally cut to the first `trainLimit` / `testLimit` images.
    public static func fashionMNIST(directory: String = FashionMNIST.defaultDirectory, trainLimit: Int? = nil,
                                    testLimit: Int? = nil) throws -> TrainingData {
        let (train, test) = try FashionMNIST.load(directory: directory)
        let files = try FashionMNIST.resolveFiles(directory: directory)
        return TrainingData(name: "fashion-mnist", train: trainLimit.map { train.prefix($0) } ?? train,
                            test: testLimit.map { test.prefix($0) } ?? test, files: files)
    }

    /// The shuffled, augmented minibatches `recipe` trains on.
    public func trainingBatches(_ recipe: TrainingRecipe) -> BatchSource {
        let augmentation = Augmentation(cropPadding: recipe.cropPadding, horizontalFlip: recipe.horizontalFlip)
        return BatchLoader(dataset: train, batchSize: recipe.batchSize, shuffle: true, augmentation: augmentation,
                           seed: RandomGenerator.derive(seed: recipe.seed, "batches"))
    }
}
