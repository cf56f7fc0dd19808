import Foundation

/// What this process computed and what it took from the artifact cache: trainings (networks,
/// curves, SWA, FGE and SSE runs), evaluated points and ensemble members' predictions, each entry
/// counted once however often it is asked for. A report rebuilt from a filled cache states it in
/// its provenance, so its wall time reads as what it is.
public final class CacheUsage: @unchecked Sendable {
    public static let shared = CacheUsage()

    init() {}

    public enum Kind: String, CaseIterable, Sendable {
        case trainings, points, predictions = "member predictions"
    }

    private let lock = NSLock()
    /// Per kind and entry: (values computed here, values read from the cache), from its first request.
    private var entries: [Kind: [String: (computed: Int, reused: Int)]] = [:]

    /// Records the first request of `entry`: `computed` values computed here, `reused` read from the cache.
    func record(_ kind: Kind, entry: String, computed: Int, reused: Int) {
        lock.lock()
        defer { lock.unlock() }
        if entries[kind]?[entry] == nil { entries[kind, default: [:]][entry] = (computed, reused) }
    }

    /// What the first request of `entry` recorded.
    func recorded(_ kind: Kind, entry: String) -> (computed: Int, reused: Int)? {
        lock.lock()
        defer { lock.unlock() }
        return entries[kind]?[entry]
    }

    /// Values computed here and in all, per kind with any.
    public var totals: [(kind: Kind, computed: Int, total: Int)] {
        lock.lock()
        defer { lock.unlock() }
        return Kind.allCases.compactMap { kind in
            guard let e = entries[kind], !e.isEmpty else { return nil }
            let computed = e.values.reduce(0) { $0 + $1.computed }, reused = e.values.reduce(0) { $0 + $1.reused }
            return (kind, computed, computed + reused)
        }
    }

    /// E.g. "3 of 15 trainings, 1100 of 1234 points; the rest from the artifact cache"; nil when the
    /// process asked the cache for nothing (a replot).
    public var summary: String? {
        let t = totals
        guard !t.isEmpty else { return nil }
        let parts = t.map { "\($0.computed) of \($0.total) \($0.kind.rawValue)" }.joined(separator: ", ")
        return parts + (t.allSatisfy { $0.computed == $0.total } ? "" : "; the rest from the artifact cache")
    }
}
