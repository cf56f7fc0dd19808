import ArgumentParser
import Datasets
import Foundation
import Networks
import Testing
import TestSupport
@testable import ChapterKit
import Experiments

/// `--dataset`: the options, the one loader every plan calls, CIFAR recipes and their cache keys.
@Suite struct DatasetChoiceTests {
    static func cifarFolder(classes: Int = 10, trainPerFile: Int = 40, test: Int = 30) throws -> String {
        try SyntheticCIFAR.write(to: NSTemporaryDirectory() + "/cifar-\(classes)-\(UUID().uuidString)", classes: classes,
                                 trainPerFile: trainPerFile, test: test)
    }

    @Test func theDataPathFollowsTheDataset() throws {
        let fashion = try EngineOptions.parse([])
        #expect(fashion.dataset == .fashionMNIST && fashion.dataSource == DataSource(dataset: .fashionMNIST, directory: nil))
        #expect(fashion.dataDirectory == FashionMNIST.defaultDirectory)
        #expect(fashion.arguments == ["--dataset", "fashion-mnist"])
        let cifar = try EngineOptions.parse(["--dataset", "cifar100", "--data-path", "/data/c100", "--threads", "1"])
        #expect(cifar.dataSource == DataSource(dataset: .cifar100, directory: "/data/c100"))
        #expect(cifar.arguments == ["--dataset", "cifar100", "--data-path", "/data/c100", "--threads", "1"])
        #expect(try EngineOptions.parse(cifar.arguments).dataSource == cifar.dataSource)
    }

    @Test func cifarWithoutADataPathIsOneClearError() throws {
        for (name, files) in [("cifar10", ["data_batch_1.bin", "data_batch_5.bin", "test_batch.bin", "cifar-10-batches-bin"]),
                              ("cifar100", ["train.bin and test.bin", "cifar-100-binary"])] {
            do {
                _ = try EngineOptions.parse(["--dataset", name])
                Issue.record("--dataset \(name) without --data-path parsed")
            } catch {
                let message = EngineOptions.message(for: error)
                #expect(message.contains("--dataset \(name) needs --data-path") && message.contains("Nothing is downloaded"), "\(message)")
                for file in files { #expect(message.contains(file), "\(message)") }
            }
        }
        #expect(throws: MissingDataPathError.self) { _ = try TrainingData.load(DataSource(dataset: .cifar10)) }
        #expect(throws: (any Error).self) { _ = try EngineOptions.parse(["--dataset", "cifar"]) }
    }

    @Test func loadsCIFARThroughTheOneLoader() throws {
        let ten = try Self.cifarFolder(); defer { try? FileManager.default.removeItem(atPath: ten) }
        let data = try TrainingData.load(DataSource(dataset: .cifar10, directory: ten), trainLimit: 150, testLimit: 20)
        #expect(data.name == "cifar10" && data.train.count == 150 && data.test.count == 20 && data.testSplitCount == 30)
        #expect(data.train.shape == [3, 32, 32] && data.train.classes == 10 && data.train.normalization.channels == 3)
        #expect(data.files.map { ($0 as NSString).lastPathComponent }
            == ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"])
        #expect(data.testImages == MeasuredOn(data: "cifar10", split: "test", images: 20, of: 30))

        let hundred = try Self.cifarFolder(classes: 100, trainPerFile: 30, test: 10); defer { try? FileManager.default.removeItem(atPath: hundred) }
        let c100 = try TrainingData.load(dataset: .cifar100, directory: hundred)
        #expect(c100.name == "cifar100" && c100.train.count == 150 && c100.train.classes == 100 && c100.testImages.isWholeSplit)
        // A CIFAR-100 folder read as CIFAR-10 is the loader's clear error, not a crash.
        #expect(throws: DatasetError.self) { _ = try TrainingData.load(dataset: .cifar10, directory: hundred) }
    }

    @Test func cifarRecipesCropWithPaddingFourAndKeyOnTheDataset() {
        let fashion = TrainingRecipe(model: .tinyten, data: "fashion-mnist", trainImages: 10_000, seed: 1, epochs: 10)
        #expect(fashion.cropPadding == 2 && fashion.horizontalFlip)
        #expect(fashion.cacheKey == "tinyten-seed1-18d1394a4fe147c5")  // unchanged by --dataset
        var cifar = TrainingRecipe(model: .tinyten, data: "cifar10", trainImages: 10_000, seed: 1, epochs: 10)
        #expect(cifar.cropPadding == 4 && cifar.horizontalFlip)
        cifar.cropPadding = 2  // otherwise equal fields: only the data differs
        var same = fashion
        same.data = "cifar10"
        #expect(cifar == same && cifar.cacheKey != fashion.cacheKey)
        same.data = "cifar100"
        #expect(same.cacheKey != cifar.cacheKey && same.cacheKey != fashion.cacheKey)
        #expect(TrainingRecipe(model: .mlp, data: "cifar100", trainImages: 10, seed: 1, epochs: 1).cropPadding == 4)
        #expect(TrainingRecipe(model: .mlp, data: "blobs", trainImages: 10, seed: 1, epochs: 1).cropPadding == 2)
    }

    @Test func otherDatasetsWriteFoldersOfTheirOwn() throws {
        let fashion = try ChapterOptions.parse(["--budget", "full"]), cifar = try ChapterOptions.parse(["--dataset", "cifar10", "--data-path", "/d"])
        #expect(fashion.outputFolder("chapter2") == ArtifactCache.packageRoot + "/figures/chapter2")
        #expect(cifar.outputFolder("chapter2") == ArtifactCache.packageRoot + "/figures/quick/cifar10/chapter2")
        #expect(ChapterOptions.figuresRoot(budget: .full, dataset: .cifar100) == ArtifactCache.packageRoot + "/figures/cifar100")
    }

    @Test func measuredOnSaysWhichImages() {
        #expect(MeasuredOn(data: "fashion-mnist", split: "test", images: 10_000, of: 10_000).description == "all 10 000 test images")
        #expect(MeasuredOn(data: "fashion-mnist", split: "test", images: 5_000, of: 10_000).description
            == "the first 5 000 of the 10 000 test images")
        #expect(MeasuredOn.grouped(999) == "999" && MeasuredOn.grouped(1_000) == "1 000" && MeasuredOn.grouped(1_234_567) == "1 234 567")
    }
}
