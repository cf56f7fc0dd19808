import ChapterKit
import Datasets
import Experiments
import Foundation
import Plotting
import Reporting

/// What every tool leaves in its output folder: `report.md` (the checkpoints it was given, its
/// settings, its results with their figure and data files, the command, the provenance), the
/// files the results link, and the summary table it prints on stdout.
struct ToolReport {
    let title: String
    let inputs: [CheckpointFile]
    let settings: [(String, String)]
    let folder: OutputFolder
    var results = MarkdownDocument()
    private var summaries: [(header: [String], rows: [[String]])] = []

    init(title: String, inputs: [CheckpointFile], settings: [(String, String)], path: String) throws {
        self.title = title
        self.inputs = inputs
        self.settings = settings
        folder = try OutputFolder(path: path)
    }

    /// A table in the report that is also printed when the tool ends.
    mutating func summaryTable(header: [String], rows: [[String]]) {
        results.table(header: header, rows: rows)
        summaries.append((header, rows))
    }

    mutating func paragraph(_ text: String) { results.paragraph(text) }

    /// Writes `figure` (PNG and the vector formats asked for) and shows it with `caption`.
    mutating func figure(_ figure: Figure, name: String, caption: String) throws {
        let files = try folder.write(figure, name: name)
        results.figure(files.png, caption: caption)
        results.vectorLinks(svg: files.svg)
    }

    /// Writes `table` as CSV and links it.
    mutating func data(_ table: CSVTable, name: String, what: String) throws {
        results.fileLink(what + " (CSV)", to: try folder.write(table, name: name))
    }

    /// Writes `value` as JSON and links it.
    mutating func data<T: Encodable>(json value: T, name: String, what: String) throws {
        results.fileLink(what + " (JSON)", to: try folder.write(json: value, name: name))
    }

    /// Writes `report.md` last (after every file it links), prints the summary and where the report is.
    func finish(data: TrainingData, seconds: Double) throws {
        var doc = MarkdownDocument()
        doc.heading(title, level: 1)
        doc.heading("Inputs")
        doc.table(header: ["checkpoint", "network", "SHA-256"],
                  rows: inputs.map { [$0.path, $0.architectureDescription, "`\($0.sha256)`"] })
        doc.paragraph("Data: \(DatasetName(rawValue: data.name)?.title ?? data.name), \(data.train.count) training and \(data.test.count) test images.")
        if !settings.isEmpty {
            doc.heading("Settings")
            doc.table(header: ["setting", "value"], rows: settings.map { [$0.0, $0.1] })
        }
        doc.heading("Results")
        doc.append(results)
        doc.heading("Reproduce")
        doc.code(ChapterOptions.reproduceCommand, language: "sh")
        doc.heading("Provenance")
        let provenance = try Provenance.chapter(data: data, seeds: [], seconds: seconds)
        doc.table(header: ["item", "value"], rows: provenance.rows.map { [$0.0, $0.1] })
        let report = try folder.writeReport(doc)
        for summary in summaries { print(TextTable.render(header: summary.header, rows: summary.rows) + "\n") }
        print("report: \(folder.path)/\(report)")
    }
}

/// A plain-text table for the terminal: columns padded to their widest cell.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line)).joined(separator: "\n")
    }
}
