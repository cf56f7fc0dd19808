import ChapterKit
import Experiments
import Foundation
import TestSupport
import Networks
import Safetensors
import Testing
import Training

/// A user's checkpoint is recognised from its tensors alone, and every way it can fail to fit
/// names the file and what is wrong.
struct CheckpointFileTests {
    let scratch = TemporaryFolder("checkpoint-files")
    var folder: String { scratch.path }

    /// Writes `network`'s tensors (distinct values) with `prefixes`, plus `extra` tensors.
    func write(_ network: Network, _ name: String, prefixes: [String] = [""], metadata: [String: String] = [:],
               extra: [NamedTensor] = []) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let p = network.layout.parameterCount * prefixes.count
        let snapshot = TrainingSnapshot(parameters: (0..<p).map { Float($0 % 97) / 97 }, state: [Float](repeating: 1, count: network.layout.stateCount),
                                        momentum: [], epochsDone: 1)
        let path = folder + "/" + name + ".safetensors"
        try Safetensors.write(CheckpointFormat(layout: network.layout, prefixes: prefixes).tensors(of: snapshot) + extra, metadata: metadata, to: path)
        return path
    }

    func read(_ path: String, shape: [Int] = [1, 28, 28], classes: Int = 10, model: ModelName? = nil) throws -> CheckpointFile {
        try CheckpointFile.read(path, inputShape: shape, classes: classes, dataName: "fashion-mnist", model: model)
    }

    func failure(_ body: () throws -> CheckpointFile) -> String {
        do {
            _ = try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: ModelName.smallNetworks, [1, 2])
    func theNetworkAndItsWidthAreReadFromTheTensors(model: ModelName, width: Int) throws {
        let network = Network.make(model, width: width)
        let file = try read(try write(network, "\(model.rawValue)-\(width)", extra: [NamedTensor(name: "momentum.x", shape: [1], values: [0])]))
        #expect(file.network.model == model && file.network.width == width && file.content == .network)
        #expect(file.snapshot.parameters.count == network.layout.parameterCount && file.sha256.count == 64)
        // CIFAR's shape: the same names, 3 input channels.
        let cifar = Network.make(model, inputShape: [3, 32, 32], classes: 100, width: width)
        let onCIFAR = try read(try write(cifar, "\(model.rawValue)-\(width)-cifar"), shape: [3, 32, 32], classes: 100)
        #expect(onCIFAR.network.model == model && onCIFAR.network.width == width)
    }

    /// The papers' networks on CIFAR's shape: told apart by their names (VGG16's are a subset of
    /// VGG16BN's, PreResNet-110's of PreResNet-164's); one that cannot read Fashion-MNIST is refused.
    @Test(arguments: ModelName.allCases.filter(\.isPaperNetwork))
    func aPaperNetworkIsReadFromItsTensors(model: ModelName) throws {
        let network = Network.make(model, inputShape: [3, 32, 32])
        let path = try write(network, model.rawValue)
        let file = try read(path, shape: [3, 32, 32])
        #expect(file.network.model == model && file.network.width == 1)
        let message = failure { try read(path) }
        if model == .resnet32 {
            #expect(message.contains("channels"), "\(message)")
        } else {
            #expect(message.contains(path) && message.contains("holds a \(model.rawValue)") && message.contains("32×32"), "\(message)")
        }
    }

    @Test func aCurveIsReadWithItsBends() throws {
        let network = Network.make(.tinyten)
        let file = try read(try write(network, "curve", prefixes: ["bend0.", "bend1.", "bend2."], metadata: ["curve": "polychain"]))
        #expect(file.content == .curve(bends: 3) && file.curveKind == .polychain && file.snapshot.parameters.count == 3 * network.layout.parameterCount)
        #expect(failure { try file.network(for: "sharpness") }.contains("holds a curve"))
    }

    @Test func aCheckpointForOtherDataIsRefusedNamingTheTensor() throws {
        let cifar = try write(Network.make(.tinyten, inputShape: [3, 32, 32]), "cifar-tinyten")
        let message = failure { try read(cifar) }
        #expect(message.contains(cifar) && message.contains("layers.0.conv.weight") && message.contains("3 channels") && message.contains("--dataset"), "\(message)")
        let mlp = try write(Network.make(.mlp, inputShape: [3, 32, 32]), "cifar-mlp")
        #expect(failure { try read(mlp) }.contains("3072 values"))
        let hundred = try write(Network.make(.preresnet20, classes: 100), "hundred")
        let classes = failure { try read(hundred) }
        #expect(classes.contains("fc.bias") && classes.contains("100 classes") && classes.contains("has 10"), "\(classes)")
    }

    @Test func aNamedModelThatDoesNotFitIsRefused() throws {
        let path = try write(Network.make(.mlp), "mlp")
        let message = failure { try read(path, model: .tinyten) }
        #expect(message.contains("not a tinyten checkpoint") && message.contains("layers.0.conv.weight"), "\(message)")
        let unknown = try write(Network.make(.mlp), "renamed", prefixes: ["model."])
        #expect(failure { try read(unknown) }.contains("match no supported network"))
    }

    @Test func theRecordedRecipeIsKeptAndTheDigestIdentifiesTheFile() throws {
        let network = Network.make(.tinyten)
        var recipe = TrainingRecipe(model: .tinyten, data: "fashion-mnist", trainImages: 512, seed: 7, epochs: 3)
        let file = try read(try write(network, "recorded", metadata: ["recipe": recipe.canonicalJSON]))
        #expect(file.recipe == recipe)
        let identified = file.identifyingRecipe(fallback: TrainingRecipe(model: .tinyten, data: "x", trainImages: 1, seed: 1, epochs: 1))
        recipe.checkpoint = file.sha256
        #expect(identified == recipe && identified.cacheKey != file.recipe!.cacheKey)
        // Without a checkpoint digest, the key is the chapters' (nil fields stay out of the JSON).
        #expect(!file.recipe!.canonicalJSON.contains("checkpoint"))
    }
}
