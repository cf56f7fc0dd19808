import Datasets
import Foundation
import Networks
import Tensor
import Training
import WeightSpace

/// The training and test sets a run uses, with a name that enters artifact-cache keys.
public struct TrainingData {
    public let name: String
    public let train: Dataset
    public let test: Dataset
    /// Images in the whole test split `test` was cut from (its first `test.count` images).
    public let testSplitCount: Int
    /// Files read, for the provenance block (path → SHA-256 is computed by the report).
    public let files: [String]

    public init(name: String, train: Dataset, test: Dataset, testSplitCount: Int? = nil, files: [String] = []) {
        precondition((testSplitCount ?? test.count) >= test.count, "the test split cannot be smaller than its prefix")
        self.name = name
        self.train = train
        self.test = test
        self.testSplitCount = testSplitCount ?? test.count
        self.files = files
    }

    /// What the test metrics of a run on this data are measured on.
    public var testImages: MeasuredOn { MeasuredOn(data: name, split: "test", images: test.count, of: testSplitCount) }

    /// The one loader every plan and `train` call: `source`'s data set, optionally cut to the first
    /// `trainLimit` training and `testLimit` test images. Fashion-MNIST is named "fashion-mnist",
    /// CIFAR "cifar10" / "cifar100" (names that enter cache keys); CIFAR has no default folder.
    public static func load(_ source: DataSource, trainLimit: Int? = nil, testLimit: Int? = nil) throws -> TrainingData {
        try load(dataset: source.dataset, directory: source.directory, trainLimit: trainLimit, testLimit: testLimit)
    }

    public static func load(dataset: DatasetName, directory: String?, trainLimit: Int? = nil,
                            testLimit: Int? = nil) throws -> TrainingData {
        guard let directory = directory ?? dataset.defaultDirectory else { throw MissingDataPathError(dataset: dataset) }
        let (train, test): (Dataset, Dataset)
        let files: [String]
        if let variant = dataset.cifarVariant {
            (train, test) = try CIFAR.load(variant, directory: directory)
            files = try CIFAR.resolveFiles(variant, directory: directory)
        } else {
            (train, test) = try FashionMNIST.load(directory: directory)
            files = try FashionMNIST.resolveFiles(directory: directory)
        }
        return TrainingData(name: dataset.rawValue, train: trainLimit.map { train.prefix($0) } ?? train,
                            test: testLimit.map { test.prefix($0) } ?? test, testSplitCount: test.count, files: files)
    }

    /// Fashion-MNIST from `directory`, optionally cut to the first `trainLimit` / `testLimit` images.
    public static func fashionMNIST(directory: String = FashionMNIST.defaultDirectory, trainLimit: Int? = nil,
                                    testLimit: Int? = nil) throws -> TrainingData {
        try load(dataset: .fashionMNIST, directory: directory, trainLimit: trainLimit, testLimit: testLimit)
    }

    /// The shuffled, augmented minibatches `recipe` trains on.
    public func trainingBatches(_ recipe: TrainingRecipe) -> BatchSource {
        let augmentation = Augmentation(cropPadding: recipe.cropPadding, horizontalFlip: recipe.horizontalFlip)
        return BatchLoader(dataset: train, batchSize: recipe.batchSize, shuffle: true, augmentation: augmentation,
                           seed: RandomGenerator.derive(seed: recipe.seed, "batches"))
    }
}

extension TrainingData {
    /// The data every evaluated point of weight space is measured on: BN statistics recomputed on
    /// a fixed subset of `batchNorm` training images (drawn with seed 17), train metrics on a fixed
    /// subset of `train` training images (seed 29), test metrics on the first `test` test images
    /// (nil: all loaded). The same subsets for the chapters and the tools.
    public func evaluationData(batchNorm: Int, train trainImages: Int, test testImages: Int? = nil) -> EvaluationData {
        EvaluationData(batchNorm: train.fixedSubset(count: min(batchNorm, train.count), seed: 17),
                       train: train.fixedSubset(count: min(trainImages, train.count), seed: 29),
                       test: testImages.map { test.prefix(min($0, test.count)) } ?? test)
    }

    /// Parameters of `model` built for this data's input shape and classes (what the reports state).
    public func parameterCount(_ model: ModelName, width: Int = 1) -> Int {
        Network.make(model, inputShape: train.shape, classes: train.classes, width: width).layout.parameterCount
    }
}

extension TrainingData {
    /// The data part of a report's Deviations: "Fashion-MNIST instead of CIFAR-10/100" (with
    /// `detail` in brackets after the name, e.g. "28×28 grey", when it is not a paper's data), or
    /// "CIFAR-10, as the paper" when the run uses one of `paper`'s data sets.
    public func deviation(fromPaper paper: [DatasetName], detail: String? = nil) -> String {
        let title = DatasetName(rawValue: name)?.title ?? name
        if let dataset = DatasetName(rawValue: name), paper.contains(dataset) { return "\(title), as the paper" }
        let papers = paper.map(\.title).joined(separator: "/").replacingOccurrences(of: "CIFAR-10/CIFAR-100", with: "CIFAR-10/100")
        return title + (detail.map { " (\($0))" } ?? "") + " instead of " + papers
    }
}
