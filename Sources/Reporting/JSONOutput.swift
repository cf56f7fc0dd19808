import Foundation

/// JSON for the data behind figures: keys sorted, pretty-printed, slashes unescaped, so the
/// same data always gives the same bytes and diffs stay readable.
public enum JSONOutput {
    /// Encodes an `Encodable` value. Non-finite doubles are written as the strings "NaN",
    /// "Infinity" and "-Infinity" (plain JSON has no such numbers).
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity",
                                                                      negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(value) + Data("\n".utf8)
    }

    /// Serializes a property-list-like object (dictionaries, arrays, strings, numbers, bools).
    public static func serialize(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object,
                                   options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]) + Data("\n".utf8)
    }
}
