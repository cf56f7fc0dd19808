import Foundation

/// A recipe the artifact cache stores its result under: everything that determines the result,
/// encoded as canonical JSON (sorted keys), names the entry. The key is a readable prefix (what it
/// is, the network, the seeds) and a 64-bit FNV-1a hash of that JSON, so two recipes that differ in
/// any field never share an entry, and a field left nil (omitted from the JSON) keeps older keys.
public protocol CacheableRecipe: Encodable {
    /// The readable part of the key, e.g. "tinyten-seed1" or "fge-tinyten-seed1".
    var keyPrefix: String { get }
}

extension CacheableRecipe {
    /// The recipe as JSON with sorted keys: what the key hashes and what checkpoints record.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// The entry's folder name under the cache root.
    public var cacheKey: String { keyPrefix + "-" + fnv1a(canonicalJSON) }
}

/// 64-bit FNV-1a of a string, in hex (the cache keys' hash).
public func fnv1a(_ text: String) -> String {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
    return String(h, radix: 16)
}
