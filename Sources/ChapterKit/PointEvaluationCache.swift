import AtomicFile
import Foundation
import Training

/// Evaluated points of weight space (grid points, ray points, points along curves) kept in the
/// artifact cache, so that an interrupted evaluation resumes at the first missing point and a
/// second run evaluates nothing. The file `<root>/points/<key>.json` is rewritten atomically after
/// every point.
extension ArtifactCache {
    /// The values of points `0..<count` under `key`: read from the cache where present, the rest
    /// computed by `evaluate` in order. `identity` is a readable description of what the points are
    /// (stored beside the values and checked on reading: a key collision is an error, not a wrong answer).
    public func pointEvaluations<Value: Codable>(key: String, identity: String, count: Int, label: String,
                                                 _ evaluate: (Int) throws -> Value) throws -> [Value] {
        let path = root + "/points/" + key + ".json"
        var stored = try readPoints(Value.self, at: path, identity: identity)
        if stored.values.count >= count { return Array(stored.values.prefix(count)) }
        try FileManager.default.createDirectory(atPath: root + "/points", withIntermediateDirectories: true)
        let progress = ProgressBar(label: label, total: count)
        for _ in 0..<stored.values.count { progress.advance(status: "cached") }
        while stored.values.count < count {
            stored.values.append(try evaluate(stored.values.count))
            try AtomicFile.write(try JSONEncoder().encode(stored), to: path)
            progress.advance(status: "point \(stored.values.count)/\(count)")
        }
        progress.finish()
        return stored.values
    }

    private func readPoints<Value: Codable>(_ type: Value.Type, at path: String, identity: String) throws -> StoredPoints<Value> {
        guard let data = FileManager.default.contents(atPath: path) else { return StoredPoints(identity: identity, values: []) }
        let stored: StoredPoints<Value>
        do {
            stored = try JSONDecoder().decode(StoredPoints<Value>.self, from: data)
        } catch {
            throw CachedCheckpointError(underlying: "cannot read the evaluated points in \(path): \(error)", folder: path)
        }
        guard stored.identity == identity else {
            throw CachedCheckpointError(underlying: "\(path) holds points of \(stored.identity), not of \(identity)", folder: path)
        }
        return stored
    }

    /// A short stable key for `identity` (FNV-1a, 64 bits), prefixed by `name`.
    public static func pointsKey(_ name: String, identity: String) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in identity.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return name + "-" + String(h, radix: 16)
    }
}

private struct StoredPoints<Value: Codable>: Codable {
    var identity: String
    var values: [Value]
}
