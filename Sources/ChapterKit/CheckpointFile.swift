import Foundation
import Networks
import Reporting
import Experiments
import Safetensors
import Training
import WeightSpace

/// A checkpoint a user hands to a tool: a network's state dict under the reference networks'
/// PyTorch names (written by `train`, found in the cache, or saved from PyTorch with
/// `safetensors`), or a curve's bends under `bend{i}.` prefixes (written by `surface curve`).
/// `momentum.*` tensors (a cache checkpoint's optimizer state) and PyTorch's
/// `num_batches_tracked` counters are not part of the network and are ignored.
///
/// Reading validates before any work: the architecture is inferred from the tensor names (or
/// named with `model`), the width from the first tensor's shape, and every tensor is checked
/// against the network built for the data's input and classes. Every failure is a
/// `CheckpointFileError` naming the file and the tensor.
public struct CheckpointFile {
    public enum Content: Equatable, Sendable {
        case network
        /// A curve's `bends` bend vectors, one after another in `snapshot.parameters`.
        case curve(bends: Int)
    }

    public let path: String
    /// SHA-256 of the file's bytes: what identifies the network in cache keys and reports.
    public let sha256: String
    public let network: Network
    public let content: Content
    /// Parameters (every bend's, for a curve), BN state and the momentum buffer when the file has one.
    public let snapshot: TrainingSnapshot
    /// The training recipe recorded in the metadata by `train` and the chapters (nil for a file from elsewhere).
    public let recipe: TrainingRecipe?
    /// The curve kind recorded in a curve file's metadata.
    public let curveKind: CurveKind?

    /// Reads and validates `path` for networks taking `inputShape` images of `classes` classes.
    public static func read(_ path: String, inputShape: [Int], classes: Int, dataName: String, model: ModelName? = nil) throws -> CheckpointFile {
        let (tensors, metadata) = try Safetensors.read(path: path)
        let names = Set(tensors.map(\.name))
        let bends = (0...).prefix { k in names.contains { $0.hasPrefix("bend\(k).") } }.count
        let prefix = bends > 0 ? "bend0." : ""
        let own = tensors.filter { $0.name.hasPrefix(prefix) && !$0.name.hasPrefix("momentum.") && !$0.name.hasSuffix("num_batches_tracked") }
        let stripped = Dictionary(own.map { (String($0.name.dropFirst(prefix.count)), $0) }, uniquingKeysWith: { a, _ in a })
        let chosen = try architecture(of: stripped, path: path, model: model ?? metadata["network"].flatMap(ModelName.init(rawValue:)),
                                      inputShape: inputShape, classes: classes, dataName: dataName)
        let format = CheckpointFormat(layout: chosen.layout, prefixes: bends > 0 ? (0..<bends).map { "bend\($0)." } : [""])
        let snapshot: TrainingSnapshot
        do {
            snapshot = try format.load(from: path)
        } catch let error as CheckpointError {
            throw CheckpointFileError(path: path, reason: error.reason)
        }
        // Every bend's tensors and the BN buffers (not an optimizer's state).
        for tensor in tensors where !tensor.name.hasPrefix("momentum.") && !tensor.values.allSatisfy(\.isFinite) {
            throw CheckpointFileError(path: path, reason: "tensor \(tensor.name) holds values that are not finite (NaN or ±∞)")
        }
        var recipe: TrainingRecipe?
        if bends == 0, let json = metadata["recipe"], let decoded = try? JSONDecoder().decode(TrainingRecipe.self, from: Data(json.utf8)),
           decoded.model == chosen.model, decoded.width == chosen.width {
            recipe = decoded
        }
        return CheckpointFile(path: path, sha256: try DatasetChecksum.of(file: path).sha256, network: chosen,
                              content: bends > 0 ? .curve(bends: bends) : .network, snapshot: snapshot, recipe: recipe,
                              curveKind: metadata["curve"].flatMap(CurveKind.init(rawValue:)))
    }

    /// The network whose parameter names `tensors` holds, at the width its first tensor says,
    /// checked against the data's input channels and classes.
    static func architecture(of tensors: [String: NamedTensor], path: String, model: ModelName?, inputShape: [Int], classes: Int,
                             dataName: String) throws -> Network {
        // Names are matched on a network of each kind built for input it takes (32×32 where the data's
        // does not fit it); a match whose network does not take the data is refused below.
        let candidates = (model.map { [$0] } ?? ModelName.allCases).map { m in
            Network.make(m, inputShape: m.inputProblem(inputShape) == nil ? inputShape : [inputShape[0], 32, 32], classes: classes)
        }
        let missing = candidates.map { n in n.layout.parameters.map(\.name).filter { tensors[$0] == nil } }
        // VGG16's names are a subset of VGG16BN's, PreResNet-110's of PreResNet-164's: of the networks
        // whose every tensor the file holds, the one that leaves fewest of the file's tensors unused.
        let unused = candidates.map { n in Set(tensors.keys).subtracting(n.layout.allEntries.map(\.name)).count }
        guard let index = missing.indices.filter({ missing[$0].isEmpty }).min(by: { unused[$0] < unused[$1] }) else {
            let closest = missing.indices.min { missing[$0].count < missing[$1].count }!
            let net = candidates[closest], lacking = missing[closest]
            let what = model == nil ? "its tensor names match no supported network (\(ModelName.allCases.map(\.rawValue).joined(separator: ", "))); the closest, \(net.model.rawValue),"
                                    : "it is not a \(net.model.rawValue) checkpoint:"
            throw CheckpointFileError(path: path, reason: "\(what) lacks \(lacking.count) of its \(net.layout.parameters.count) tensors, "
                                      + "e.g. \(lacking.prefix(3).joined(separator: ", "))")
        }
        if let problem = candidates[index].model.inputProblem(inputShape) {
            throw CheckpointFileError(path: path, reason: "it holds a \(candidates[index].model.rawValue), which cannot read \(dataName) images: \(problem)")
        }
        let base = candidates[index], first = base.layout.parameters[0], last = base.layout.parameters.last { $0.shape.count >= 1 }!
        let found = tensors[first.name]!.shape
        // The first layer reads the input: its axis 1 is the input's channels (or pixels, for the MLP).
        if found.count == first.shape.count, found.count >= 2, found[1] != first.shape[1] {
            throw CheckpointFileError(path: path, reason: "tensor \(first.name) has shape \(found): the network reads inputs of \(found[1]) "
                                      + "\(found.count == 2 ? "values" : "channels"), but \(dataName) images are \(inputShape.map(String.init).joined(separator: "×")) "
                                      + "(expected \(first.shape[1]); choose the data set the network was trained on with --dataset)")
        }
        if let outputs = tensors[last.name]?.shape.first, outputs != classes, last.name.hasSuffix("bias") || last.shape.count == 2 {
            throw CheckpointFileError(path: path, reason: "tensor \(last.name) has shape \(tensors[last.name]!.shape): the network has \(outputs) classes, "
                                      + "but \(dataName) has \(classes)")
        }
        guard found.count == first.shape.count, found[0] % first.shape[0] == 0, found[0] >= first.shape[0] else {
            throw CheckpointFileError(path: path, reason: "tensor \(first.name) has shape \(found), which no width of \(base.model.rawValue) has "
                                      + "(width 1: \(first.shape))")
        }
        let width = found[0] / first.shape[0]
        return width == 1 ? base : Network.make(base.model, inputShape: inputShape, classes: classes, width: width)
    }

    /// The file as a network (its first bend, for a curve), with `recipe` describing it.
    public func trainedNetwork(recipe: TrainingRecipe) -> TrainedNetwork {
        let p = network.layout.parameterCount
        return TrainedNetwork(recipe: recipe, network: network, parameters: Array(snapshot.parameters.prefix(p)), state: snapshot.state,
                              momentum: snapshot.momentum.isEmpty ? [] : Array(snapshot.momentum.prefix(p)), history: [], path: path)
    }

    /// The recipe that stands for this file in cache keys: the recorded one (or `fallback`, for a
    /// file without one) with the file's digest, so that two different files never share an entry.
    public func identifyingRecipe(fallback: TrainingRecipe) -> TrainingRecipe {
        var r = recipe ?? fallback
        r.checkpoint = sha256
        return r
    }

    /// "tinyten (width 1, 86 090 parameters)".
    public var architectureDescription: String {
        "\(network.model.rawValue) (width \(network.width), \(network.layout.parameterCount) parameters"
            + (content == .network ? ")" : ", \(bendCount) bends)")
    }

    /// The file's name without its folder and `.safetensors`.
    public var name: String {
        let last = URL(fileURLWithPath: path).lastPathComponent
        return last.hasSuffix(".safetensors") ? String(last.dropLast(".safetensors".count)) : last
    }

    /// This file, which `tool` needs to be a network's checkpoint, not a curve's.
    public func network(for tool: String) throws -> CheckpointFile {
        guard content == .network else {
            throw CheckpointFileError(path: path, reason: "holds a curve (\(bendCount) bends, tensors bend0. …); \(tool) takes one network's checkpoint")
        }
        return self
    }

    public var bendCount: Int {
        if case .curve(let bends) = content { return bends }
        return 1
    }
}

/// A file a tool was given that is not a usable checkpoint: which file, and what is wrong.
public struct CheckpointFileError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }
}
