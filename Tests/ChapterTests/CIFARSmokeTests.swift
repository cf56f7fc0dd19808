import Foundation
import Testing
import TestSupport

/// `--dataset cifar10` end to end on a synthetic folder in CIFAR's binary format (the real data is
/// never downloaded): `train`, a chapter at the smoke budget, and the errors for a missing folder.
@Suite(.serialized) struct CIFARSmokeTests {
    static func folder(classes: Int = 10, trainPerFile: Int = 120, test: Int = 300) throws -> String {
        try SyntheticCIFAR.write(to: NSTemporaryDirectory() + "/cifar-smoke-\(UUID().uuidString)", classes: classes,
                                 trainPerFile: trainPerFile, test: test)
    }

    @Test func trainOnCIFAR10ThenReturnsTheCachedNetwork() throws {
        let data = try Self.folder(); defer { try? FileManager.default.removeItem(atPath: data) }
        let runner = ChapterRunner("train")
        let arguments = ["--dataset", "cifar10", "--data-path", data, "--model", "tinyten", "--epochs", "2", "--batch-size", "64",
                         "--cache", runner.cache, "--threads", "2"]
        let (status, output) = try runner.execute(arguments)
        #expect(status == 0, "train failed:\n\(output)")
        #expect(output.contains("tinyten on CIFAR-10 (3×32×32, 10 classes): 86778 parameters"), "\(output)")
        #expect(output.contains("epoch  2/2") && output.contains("on all 300 test images"), "\(output)")
        // The recipe holds the dataset and CIFAR's crop padding.
        let recipes = try FileManager.default.contentsOfDirectory(atPath: runner.cache)
            .compactMap { try? String(contentsOfFile: runner.cache + "/" + $0 + "/recipe.json", encoding: .utf8) }
        #expect(recipes.count == 1 && recipes[0].contains("\"data\":\"cifar10\"") && recipes[0].contains("\"cropPadding\":4"), "\(recipes)")

        let (again, second) = try runner.execute(arguments)
        #expect(again == 0 && !second.contains("epoch  1/2"), "second run trained again:\n\(second)")
        #expect(second.contains("after 2 epochs, on all 300 test images"), "\(second)")
    }

    @Test func aMissingOrEmptyFolderIsOneClearError() throws {
        let runner = ChapterRunner("train")
        let (status, output) = try runner.execute(["--dataset", "cifar10", "--epochs", "1", "--cache", runner.cache])
        #expect(status != 0 && output.contains("--dataset cifar10 needs --data-path") && output.contains("test_batch.bin"), "\(output)")
        let empty = NSTemporaryDirectory() + "/cifar-empty-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let (missing, text) = try runner.execute(["--dataset", "cifar100", "--data-path", empty, "--epochs", "1", "--cache", runner.cache])
        #expect(missing != 0 && text.contains("dataset not found at \(empty)/train.bin") && text.contains("train.bin and test.bin"), "\(text)")
    }

    @Test func chapter2RunsOnCIFAR10AtTheSmokeBudget() throws {
        let data = try Self.folder(); defer { try? FileManager.default.removeItem(atPath: data) }
        let runner = ChapterRunner("chapter2")
        let (status, output) = try runner.run(["--dataset", "cifar10", "--data-path", data])
        #expect(status == 0, "chapter2 failed:\n\(output)")
        let report = try #require(runner.report, "no report.md in \(runner.output)")
        for section in ChapterRunner.sections { #expect(report.contains(section), "report lacks \(section)") }
        #expect(report.contains("cifar10"), "the report does not name the data")
        #expect(report.contains("CIFAR-10, as the paper") && !report.contains("Fashion-MNIST"), "the Deviations must name the data the run used")
        for link in runner.links(in: report) { #expect(runner.exists(link), "report links \(link), which does not exist") }
        // Its networks are keyed on the data set: the cache holds cifar10 recipes only.
        let recipes = try FileManager.default.contentsOfDirectory(atPath: runner.cache)
            .compactMap { try? String(contentsOfFile: runner.cache + "/" + $0 + "/recipe.json", encoding: .utf8) }
        #expect(!recipes.isEmpty && recipes.allSatisfy { $0.contains("cifar10") }, "\(recipes)")
    }

    /// A paper's network end to end (issue: the papers' networks): VGG16-BN, 15 million parameters,
    /// trained, connected and evaluated by chapter 2 at the smoke budget on the synthetic folder.
    @Test func chapter2RunsVGG16BNOnCIFAR10AtTheSmokeBudget() throws {
        let data = try Self.folder(); defer { try? FileManager.default.removeItem(atPath: data) }
        let runner = ChapterRunner("chapter2")
        let (status, output) = try runner.run(["--dataset", "cifar10", "--data-path", data, "--model", "vgg16bn"])
        #expect(status == 0, "chapter2 --model vgg16bn failed:\n\(output)")
        let report = try #require(runner.report, "no report.md in \(runner.output)")
        for section in ChapterRunner.sections { #expect(report.contains(section), "report lacks \(section)") }
        #expect(report.contains("vgg16bn"), "the report does not name the network")
        for link in runner.links(in: report) { #expect(runner.exists(link), "report links \(link), which does not exist") }
        let recipes = try FileManager.default.contentsOfDirectory(atPath: runner.cache)
            .compactMap { try? String(contentsOfFile: runner.cache + "/" + $0 + "/recipe.json", encoding: .utf8) }
        #expect(!recipes.isEmpty && recipes.allSatisfy { $0.contains("vgg16bn") }, "\(recipes)")
    }

    @Test func aNetworkThatCannotReadTheDataIsRefusedBeforeAnyWork() throws {
        let runner = ChapterRunner("chapter2")
        let (status, output) = try runner.run(["--model", "vgg16"])
        #expect(status != 0 && output.contains("--model vgg16") && output.contains("32×32"), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: runner.output + "/report.md"))
    }
}
