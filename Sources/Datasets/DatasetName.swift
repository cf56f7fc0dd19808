/// The data sets `--dataset` names. The raw value is the name that enters artifact-cache keys
/// (`TrainingRecipe.data`), so "fashion-mnist" must never change.
public enum DatasetName: String, CaseIterable, Codable, Sendable {
    case fashionMNIST = "fashion-mnist"
    case cifar10
    case cifar100

    /// "Fashion-MNIST", "CIFAR-10", "CIFAR-100".
    public var title: String {
        switch self {
        case .fashionMNIST: return "Fashion-MNIST"
        case .cifar10: return "CIFAR-10"
        case .cifar100: return "CIFAR-100"
        }
    }

    /// Where the data is when `--data-path` is not given: Debian's `dataset-fashion-mnist` folder
    /// for Fashion-MNIST; none for CIFAR (the user's own copy).
    /// Per-sample `[C, H, W]` of the data set's images.
    public var imageShape: [Int] { self == .fashionMNIST ? [1, 28, 28] : [3, 32, 32] }

    public var defaultDirectory: String? { self == .fashionMNIST ? FashionMNIST.defaultDirectory : nil }

    /// The random crop's zero padding of the usual recipe: 2 pixels on 28×28 Fashion-MNIST, the
    /// papers' 4 on 32×32 CIFAR (both with a horizontal flip).
    public var cropPadding: Int { self == .fashionMNIST ? 2 : 4 }

    public var cifarVariant: CIFAR.Variant? {
        switch self {
        case .fashionMNIST: return nil
        case .cifar10: return .cifar10
        case .cifar100: return .cifar100
        }
    }

    /// The error for a CIFAR run without `--data-path`: which folder to pass and what it holds.
    public var missingPathMessage: String? {
        cifarVariant.map { v in
            "--dataset \(rawValue) needs --data-path: the folder holding \(v.expectedFiles) (the binary version of "
                + "\(v.title), unpacked; its \(v.archiveFolder)/ folder or the folder above it). Nothing is downloaded."
        }
    }
}

/// Which data set to load and from where (`EngineOptions.dataSource`); a nil directory means the
/// data set's default folder.
public struct DataSource: Sendable, Equatable {
    public var dataset: DatasetName
    public var directory: String?

    public init(dataset: DatasetName = .fashionMNIST, directory: String? = nil) {
        self.dataset = dataset
        self.directory = directory
    }
}

/// `--dataset cifar10` without `--data-path`.
public struct MissingDataPathError: Error, CustomStringConvertible {
    public let dataset: DatasetName
    public init(dataset: DatasetName) { self.dataset = dataset }
    public var description: String { dataset.missingPathMessage ?? "--dataset \(dataset.rawValue) needs --data-path" }
}
