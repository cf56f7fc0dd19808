// The gallery: one example of every kind of series the Plotting library draws, and a plane-style
// contour figure as the mode-connectivity chapters draw theirs, written as PNG (200 DPI) and SVG
// with a report.md that embeds each PNG.
//
//     swift run gallery [--output figures/gallery]

import Foundation
import Plotting
import Reporting

/// Reads `--output <folder>`; anything else is a usage error.
func outputFolder(_ arguments: [String]) -> String {
    var folder = "figures/gallery"
    var rest = arguments.dropFirst()
    while let argument = rest.popFirst() {
        switch argument {
        case "--output":
            guard let value = rest.popFirst() else { fail("--output needs a folder") }
            folder = value
        case "-h", "--help":
            print("usage: gallery [--output <folder>]   (default: figures/gallery)")
            exit(0)
        default:
            fail("unknown argument \(argument); usage: gallery [--output <folder>]")
        }
    }
    return folder
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("gallery: \(message)\n".utf8))
    exit(2)
}

let started = Date()
let folder = try OutputFolder(path: outputFolder(CommandLine.arguments))
let examples = [linesExample(), scatterExample(), bandsExample(), barsExample(), logAndTextExample(),
                panelsExample(), planeExample(), planesRowExample()]

var report = MarkdownDocument()
report.heading("Figure gallery", level: 1)
report.paragraph("Every series type of the `Plotting` library, drawn by its Cairo renderer as PNG (200 DPI, shown here) and SVG (beside each PNG, same name). The data are synthetic.")
let measurer = CairoTextMeasurer()
for example in examples {
    // A reviewer rejects overlapping labels: check the layout before drawing.
    for (a, b) in example.figure.layout(measurer: measurer).overlappingTexts() {
        fail("\(example.name): text \"\(a.text)\" overlaps \"\(b.text)\"")
    }
    let files = try folder.write(example.figure, name: example.name)
    report.heading(example.name, level: 2)
    report.figure(files.png, caption: example.caption, alt: example.name)
}

let plane = planeData()
report.heading("Data behind the plane figure", level: 2)
report.fileLink("plane.csv — the grid (u, v, loss)", to: try folder.write(plane.table, name: "plane"))
report.fileLink("plane-levels.json — contour levels and overlays", to: try folder.write(jsonObject: plane.summary, name: "plane-levels"))

var provenance = Provenance.current()
provenance.wallTimeSeconds = Date().timeIntervalSince(started)
provenance.commandLine = ["swift", "run", "gallery"] + CommandLine.arguments.dropFirst()
report.heading("Provenance", level: 2)
report.provenance(provenance)
try folder.writeReport(report)
print("gallery: wrote \(folder.written.count) files to \(folder.path)")
