import Experiments
import ArgumentParser
import Datasets
import Networks

extension ModelName: ExpressibleByArgument {}
extension ScheduleKind: ExpressibleByArgument {}
extension DatasetName: ExpressibleByArgument {}
extension ConvolutionBackend: ExpressibleByArgument {}
extension Budget: ExpressibleByArgument {}

/// Options every executable shares: which data and where it is, where the cache is, and how many
/// BLAS threads.
public struct EngineOptions: ParsableArguments {
    @Option(name: .long, help: "Data set: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", ")).")
    public var dataset: DatasetName = .fashionMNIST

    @Option(name: .long, help: """
        Folder holding the data set's files. fashion-mnist: the four IDX files (train-images-idx3-ubyte.gz, ...; \
        default \(FashionMNIST.defaultDirectory)). cifar10: data_batch_1.bin ... data_batch_5.bin and test_batch.bin; \
        cifar100: train.bin and test.bin (the binary versions, or the folder above cifar-10-batches-bin/ or \
        cifar-100-binary/); no default, nothing is downloaded.
        """)
    public var dataPath: String?

    @Option(name: .long, help: "BLAS threads (default: all cores).")
    public var threads: Int?

    @Option(name: .long, help: """
        Convolution code: fastest (per layer, oneDNN or the engine's kernels; the default), onednn (every k × k \
        convolution) or engine (default: $LOSS_SURFACES_CONVOLUTIONS, else fastest).
        """)
    public var convolutions: ConvolutionBackend?

    @Option(name: .long, help: "Artifact cache folder (default: $LOSS_SURFACES_CACHE or cache/ in the package).")
    public var cache: String?

    public init() {}

    /// Refuses `--model` when its network cannot read the chosen data set's images (`ModelName.inputProblem`).
    public func validate(model: ModelName) throws {
        if let problem = model.inputProblem(dataset.imageShape) { throw ValidationError("--model \(model.rawValue): \(problem)") }
    }

    public func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if dataPath == nil, let message = dataset.missingPathMessage { throw ValidationError(message) }
        if let convolutions, convolutions != .engine, !ConvolutionBackend.oneDNNAvailable {
            throw ValidationError("--convolutions \(convolutions.rawValue) needs oneDNN (libdnnl-dev), whose CPU engine did not start")
        }
    }

    /// The data set and folder to load (`plan.loadData(options.engine.dataSource)`).
    public var dataSource: DataSource { DataSource(dataset: dataset, directory: dataPath) }

    /// The folder the data is read from: `--data-path`, else the data set's default (nil for CIFAR
    /// without `--data-path`, which `validate` refuses).
    public var dataDirectory: String? { dataPath ?? dataset.defaultDirectory }

    /// These options as command-line arguments (the book passes them on to every chapter).
    public var arguments: [String] {
        var a = ["--dataset", dataset.rawValue]
        if let dataPath { a += ["--data-path", dataPath] }
        if let threads { a += ["--threads", String(threads)] }
        if let cache { a += ["--cache", cache] }
        if let convolutions { a += ["--convolutions", convolutions.rawValue] }
        return a
    }

    /// Picks BLAS kernels and threads; call before any numeric work.
    public func prepareRuntime() {
        BLASRuntime.prepare(threads: threads)
        if let convolutions { ConvolutionBackend.standard = convolutions }
    }
}
