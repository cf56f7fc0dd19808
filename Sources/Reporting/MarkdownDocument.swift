import Foundation
import Plotting

/// Column alignment in a GFM table.
public enum ColumnAlignment: Sendable {
    case left, center, right
    var marker: String {
        switch self { case .left: return "---"; case .center: return ":---:"; case .right: return "---:" }
    }
}

/// A Markdown document built block by block (GitHub-flavoured: tables and fenced code).
/// Blocks are separated by one blank line; the rendering ends with a newline. Every relative
/// file the document points at is recorded in `links`, so an `OutputFolder` can check them.
public struct MarkdownDocument: Sendable {
    public private(set) var blocks: [String] = []
    /// Targets of figure embeds and file links, in order.
    public private(set) var links: [String] = []

    public init() {}

    /// `#`-style heading; `level` 1…6. Newlines in `text` become spaces.
    public mutating func heading(_ text: String, level: Int = 2) {
        precondition((1...6).contains(level), "heading level must be 1…6, got \(level)")
        blocks.append(String(repeating: "#", count: level) + " " + Self.oneLine(text))
    }

    /// A paragraph of Markdown text (inline markup is kept).
    public mutating func paragraph(_ text: String) { blocks.append(text) }

    /// A bulleted list, one item per element.
    public mutating func bullets(_ items: [String]) {
        guard !items.isEmpty else { return }
        blocks.append(items.map { "- " + Self.oneLine($0) }.joined(separator: "\n"))
    }

    /// A GFM table. Cells are escaped (`|` → `\|`, newlines → `<br>`); short rows are padded.
    public mutating func table(header: [String], rows: [[String]], alignments: [ColumnAlignment]? = nil) {
        precondition(!header.isEmpty, "a table needs at least one column")
        let align = alignments ?? header.map { _ in .left }
        precondition(align.count == header.count, "\(align.count) alignments for \(header.count) columns")
        func line(_ cells: [String]) -> String {
            let padded = cells + Array(repeating: "", count: max(0, header.count - cells.count))
            return "| " + padded.map(Self.escapeCell).joined(separator: " | ") + " |"
        }
        var text = [line(header), "| " + align.map(\.marker).joined(separator: " | ") + " |"]
        text += rows.map(line)
        blocks.append(text.joined(separator: "\n"))
    }

    /// An embedded image with a caption below it; `path` is relative to the document.
    public mutating func figure(_ path: String, caption: String, alt: String? = nil) {
        links.append(path)
        let altText = Self.oneLine(alt ?? caption).replacingOccurrences(of: "]", with: "\\]")
        blocks.append("![\(altText)](\(Self.encodePath(path)))\n\n*\(Self.oneLine(caption))*")
    }

    /// A paragraph holding a link to a relative file (a CSV, a JSON, another figure).
    public mutating func fileLink(_ text: String, to path: String) {
        links.append(path)
        blocks.append("[\(Self.oneLine(text))](\(Self.encodePath(path)))")
    }

    /// "Vector versions: SVG · PDF" for a figure written in all three formats (`x.svg` beside `x.pdf`).
    /// Only the formats this process writes (`OutputFolder.figureOutput`) are linked.
    public mutating func vectorLinks(svg path: String) {
        precondition(path.hasSuffix(".svg"), "\(path) is not an SVG")
        let stem = String(path.dropLast(4)), formats = OutputFolder.figureOutput.formats
        let files = [(FigureFormat.svg, "SVG"), (.pdf, "PDF")].filter { formats.contains($0.0) }.map { (stem + "." + $0.0.fileExtension, $0.1) }
        guard !files.isEmpty else { return }
        links += files.map(\.0)
        blocks.append("Vector versions: " + files.map { "[\($0.1)](\(Self.encodePath($0.0)))" }.joined(separator: " · "))
    }

    /// A fenced code block; the fence grows when the code itself contains backtick fences.
    public mutating func code(_ code: String, language: String = "") {
        var fence = "```"
        while code.contains(fence) { fence += "`" }
        let body = code.hasSuffix("\n") ? String(code.dropLast()) : code
        blocks.append(fence + language + "\n" + body + "\n" + fence)
    }

    /// Appends all blocks (and links) of `other`.
    public mutating func append(_ other: MarkdownDocument) {
        blocks += other.blocks
        links += other.links
    }

    public var isEmpty: Bool { blocks.isEmpty }

    /// The Markdown text.
    public func render() -> String { blocks.joined(separator: "\n\n") + "\n" }

    /// Escapes a table cell: pipes and line breaks would end the cell or the row.
    public static func escapeCell(_ cell: String) -> String {
        cell.replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\r\n", with: "<br>")
            .replacingOccurrences(of: "\n", with: "<br>")
            .replacingOccurrences(of: "\r", with: "<br>")
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// Percent-encodes the characters that would break a Markdown link target.
    static func encodePath(_ path: String) -> String {
        path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: " ", with: "%20")
            .replacingOccurrences(of: "(", with: "%28").replacingOccurrences(of: ")", with: "%29")
    }
}
