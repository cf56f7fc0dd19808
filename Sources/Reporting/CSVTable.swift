/// A table written as CSV: a header row, then data rows. Fields are quoted as RFC 4180 says —
/// a field containing a comma, a double quote, CR or LF is wrapped in double quotes and its
/// quotes doubled. Records end with LF (what pandas, R and spreadsheets read by default).
public struct CSVTable: Sendable {
    public let header: [String]
    public private(set) var rows: [[String]] = []

    public init(header: [String]) {
        precondition(!header.isEmpty, "a CSV table needs at least one column")
        self.header = header
    }

    /// A table from named numeric columns of equal length, e.g. `[("t", t), ("loss", loss)]`.
    public init(columns: [(String, [Double])]) {
        self.init(header: columns.map(\.0))
        let count = columns.first?.1.count ?? 0
        precondition(columns.allSatisfy { $0.1.count == count }, "CSV columns of different lengths")
        for i in 0..<count { append(columns.map { Self.format($0.1[i]) }) }
    }

    /// Appends a row of text fields (one per column).
    public mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "row has \(row.count) fields for \(header.count) columns")
        rows.append(row)
    }

    /// Appends a row of numbers (one per column).
    public mutating func append(numbers row: [Double]) { append(row.map(Self.format)) }

    /// Shortest text that reads back to the same Double ("nan", "inf", "-inf" for non-finite).
    public static func format(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        return "\(v)"
    }

    /// One field, quoted when it must be.
    public static func quote(_ field: String) -> String {
        let needsQuotes = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard needsQuotes else { return field }
        return "\"" + field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// The CSV text.
    public func render() -> String {
        ([header] + rows).map { $0.map(Self.quote).joined(separator: ",") + "\n" }.joined()
    }
}
