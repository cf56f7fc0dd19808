import AtomicFile
import Foundation
import Plotting

/// A chapter's output folder. Every file is written atomically (temporary file + rename), and
/// the folder remembers what it wrote, so a report can link only files that exist: `writeReport`
/// refuses a document linking to a file this folder did not write (or did not adopt with
/// `adopt`) or that is no longer on disk.
public final class OutputFolder {
    /// A link the report would make to a file that was not written or does not exist.
    public struct DanglingLinks: Error, CustomStringConvertible {
        public let folder: String
        public let links: [String]
        public var description: String {
            "report in \(folder) links files that were not written here or do not exist: \(links.joined(separator: ", ")); "
                + "write them through the OutputFolder first (or adopt existing files with adopt(_:))"
        }
    }

    /// The folder's path.
    public let path: String
    /// Relative paths of the files written (or adopted), in order.
    public private(set) var written: [String] = []

    /// Creates the folder (and its parents) if needed.
    public init(path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    private func absolute(_ relative: String) -> String {
        precondition(!relative.hasPrefix("/") && !relative.split(separator: "/").contains(".."),
                     "output names are relative paths inside the folder, got \(relative)")
        return URL(fileURLWithPath: path).appendingPathComponent(relative).path
    }

    private func record(_ relative: String) {
        if !written.contains(relative) { written.append(relative) }
    }

    /// Writes raw bytes to `name` (relative to the folder); returns `name`.
    @discardableResult
    public func write(data: Data, name: String) throws -> String {
        try AtomicFile.write(data, to: absolute(name))
        record(name)
        return name
    }

    /// The files one figure was written to, relative to the folder; nil for a format not written.
    public struct FigureFiles: Equatable, Sendable {
        public var png: String?
        public var svg: String?
        public var pdf: String?

        /// The file of `format`, if written.
        public subscript(format: FigureFormat) -> String? {
            switch format {
            case .png: png
            case .svg: svg
            case .pdf: pdf
            }
        }

        /// Every file written, in the order PNG, SVG, PDF.
        public var all: [String] { [png, svg, pdf].compactMap { $0 } }
    }

    /// Writes `name.<ext>` for each of `formats` (PNG at `dpi`), each atomically, in the order
    /// PNG, SVG, PDF whatever the order given; returns their relative paths.
    @discardableResult
    public func write(_ figure: Figure, name: String, formats: [FigureFormat], dpi: Double = 200) throws -> FigureFiles {
        var files = FigureFiles()
        for format in FigureFormat.allCases where formats.contains(format) {
            let file = try write(data: figure.data(format, dpi: dpi), name: name + "." + format.fileExtension)
            switch format {
            case .png: files.png = file
            case .svg: files.svg = file
            case .pdf: files.pdf = file
            }
        }
        return files
    }

    /// What this process writes for every figure (set once from `--formats` and `--dpi`): the
    /// PNG always (reports embed it), SVG and PDF unless left out, the PNG at this resolution.
    public struct FigureOutput: Sendable, Equatable {
        public var formats: Set<FigureFormat> = Set(FigureFormat.allCases)
        public var dpi: Double = 200
        public init(formats: Set<FigureFormat> = Set(FigureFormat.allCases), dpi: Double = 200) {
            precondition(formats.contains(.png), "the PNG is always written: reports embed it")
            self.formats = formats
            self.dpi = dpi
        }
    }
    nonisolated(unsafe) public static var figureOutput = FigureOutput()

    /// Writes `name.png`, `name.svg` and `name.pdf` (those of `figureOutput`, the PNG at its dpi);
    /// returns the relative paths of the PNG and the SVG (the SVG's even when it is left out;
    /// `MarkdownDocument.vectorLinks` links only what was written).
    @discardableResult
    public func write(_ figure: Figure, name: String) throws -> (png: String, svg: String) {
        let output = Self.figureOutput
        let files = try write(figure, name: name, formats: FigureFormat.allCases.filter(output.formats.contains), dpi: output.dpi)
        return (files.png!, files.svg ?? name + ".svg")
    }

    /// Writes `name.csv`; returns its relative path.
    @discardableResult
    public func write(_ table: CSVTable, name: String) throws -> String {
        try write(data: Data(table.render().utf8), name: name + ".csv")
    }

    /// Writes `name.json` with sorted keys; returns its relative path.
    @discardableResult
    public func write<T: Encodable>(json value: T, name: String) throws -> String {
        try write(data: JSONOutput.encode(value), name: name + ".json")
    }

    /// Writes `name.json` from dictionaries and arrays, keys sorted; returns its relative path.
    @discardableResult
    public func write(jsonObject: Any, name: String) throws -> String {
        try write(data: JSONOutput.serialize(jsonObject), name: name + ".json")
    }

    /// Accepts a file that already exists (e.g. another chapter's figure) as a link target.
    public func adopt(_ relative: String) throws {
        guard FileManager.default.fileExists(atPath: absolute(relative)) else {
            throw DanglingLinks(folder: path, links: [relative])
        }
        record(relative)
    }

    /// Links of `document` that point at files not written here or missing on disk.
    public func danglingLinks(in document: MarkdownDocument) -> [String] {
        document.links.filter { !written.contains($0) || !FileManager.default.fileExists(atPath: absolute($0)) }
    }

    /// Writes the report (default `report.md`) after checking every link it makes.
    @discardableResult
    public func writeReport(_ document: MarkdownDocument, name: String = "report.md") throws -> String {
        let dangling = danglingLinks(in: document)
        guard dangling.isEmpty else { throw DanglingLinks(folder: path, links: dangling) }
        return try write(data: Data(document.render().utf8), name: name)
    }
}
