import Datasets
import Foundation
import Safetensors
import Training
import WeightSpace

extension ArtifactCache {
    /// `evaluator.predict(member, batchNorm:, test:)`, kept in `<root>/predictions/` so that a
    /// second run of a chapter re-evaluates nothing: the key hashes the member's parameters and
    /// state, the network and the names and sizes of both datasets (which name their subsets).
    /// The file holds the probabilities `[count, classes]`; error, NLL and the seconds the
    /// prediction took when computed are in its metadata.
    public func prediction(of member: EnsembleMember, evaluator: Evaluator, batchNorm: Dataset, test: Dataset) throws -> MemberPrediction {
        let path = root + "/predictions/" + predictionKey(member, evaluator: evaluator, batchNorm: batchNorm, test: test) + ".safetensors"
        if FileManager.default.fileExists(atPath: path), let cached = try? Safetensors.read(path: path),
           let tensor = cached.tensors.first(where: { $0.name == "probabilities" }), tensor.values.count == test.count * evaluator.network.classes,
           let error = cached.metadata["error"].flatMap(Double.init), let nll = cached.metadata["nll"].flatMap(Double.init),
           let seconds = cached.metadata["seconds"].flatMap(Double.init) {
            CacheUsage.shared.record(.predictions, entry: path, computed: 0, reused: 1)
            return MemberPrediction(error: error, nll: nll, probabilities: tensor.values, seconds: seconds)
        }
        CacheUsage.shared.record(.predictions, entry: path, computed: 1, reused: 0)
        let fresh = evaluator.predict(member, batchNorm: batchNorm, test: test)
        try FileManager.default.createDirectory(atPath: root + "/predictions", withIntermediateDirectories: true)
        try Safetensors.write([NamedTensor(name: "probabilities", shape: [test.count, evaluator.network.classes], values: fresh.probabilities)],
                              metadata: ["error": "\(fresh.error)", "nll": "\(fresh.nll)", "seconds": "\(fresh.seconds)", "member": member.label,
                                         "batch_norm": batchNorm.name, "test": test.name], to: path)
        return fresh
    }

    private func predictionKey(_ member: EnsembleMember, evaluator: Evaluator, batchNorm: Dataset, test: Dataset) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix<T>(_ values: [T]) {
            values.withUnsafeBytes { bytes in for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 } }
        }
        mix(member.parameters)
        mix(member.state)
        mix(Array("\(evaluator.network.model.rawValue) \(evaluator.network.width) | \(batchNorm.name) \(batchNorm.count) | \(test.name) \(test.count)".utf8))
        return "\(evaluator.network.model.rawValue)-\(String(h, radix: 16))"
    }
}
