/// Makes Cairo's SVG byte-stable. Cairo names groups `surfaceN` (and a few other ids) from
/// process-global counters, so the same drawing gets different ids depending on what was drawn
/// before. This renumbers every id of the form `<prefix><digits>` — where it is defined
/// (`id="…"`) and where it is used (`#…`) — per prefix, in order of first appearance.
/// Ids of other shapes (Cairo's `glyph0-1`, which are already per document) are left alone.
enum SVGIdentifiers {
    static let prefixes = ["surface", "clip", "mask", "pattern", "image", "source", "linear", "radial", "filter"]

    static func renumbered(_ svg: String) -> String {
        var mapping: [String: String] = [:]
        var next: [String: Int] = [:]
        var out = ""
        out.reserveCapacity(svg.utf8.count)
        let chars = Array(svg.unicodeScalars)
        var i = 0
        while i < chars.count {
            // An id starts right after `id="` or `#`.
            let startsId = chars[i] == "#" || (i >= 4 && chars[i - 1] == "\"" && chars[i - 2] == "=" &&
                                                chars[i - 3] == "d" && chars[i - 4] == "i")
            let start = chars[i] == "#" ? i + 1 : i
            if startsId, let (prefix, end) = match(chars, at: start) {
                let old = String(String.UnicodeScalarView(chars[start..<end]))
                let new: String
                if let known = mapping[old] { new = known } else {
                    let n = next[prefix, default: 1]
                    next[prefix] = n + 1
                    new = prefix + String(n)
                    mapping[old] = new
                }
                if chars[i] == "#" { out.unicodeScalars.append("#") }
                out += new
                i = end
                continue
            }
            out.unicodeScalars.append(chars[i])
            i += 1
        }
        return out
    }

    /// If `<prefix><digits>` starts at `start` and ends at a non-identifier character,
    /// returns the prefix and the end index.
    private static func match(_ chars: [Unicode.Scalar], at start: Int) -> (String, Int)? {
        for prefix in prefixes {
            let p = Array(prefix.unicodeScalars)
            guard start + p.count < chars.count, Array(chars[start..<(start + p.count)]) == p else { continue }
            var end = start + p.count
            while end < chars.count, ("0"..."9").contains(chars[end]) { end += 1 }
            guard end > start + p.count else { continue }
            if end < chars.count, chars[end].properties.isAlphabetic || chars[end] == "-" || chars[end] == "_" { continue }
            return (prefix, end)
        }
        return nil
    }
}
