import Foundation
import Testing
import Plotting
@testable import Reporting

/// A figure written through an output folder: PNG, SVG and PDF beside each other, atomically, and
/// the same bytes every time the same data are written.
@Suite("Figure files")
struct FigureFilesTests {
    static func temporaryFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("figures-\(UUID().uuidString)").path
    }

    /// Lines with a legend and a text annotation, a contour field with contour lines and a
    /// colorbar, and a heatmap, built anew from the same data each call.
    static func figure() -> Figure {
        let figure = Figure(size: .doubleColumn(aspect: 0.36), grid: Grid(rows: 1, columns: 3), title: "Same data, same bytes")
        let t = (0...30).map { Double($0) / 30 }
        let bezier: [Double] = t.map { 0.4 + 0.3 * cos(5 * $0) }
        let mean: [Double] = t.map { 0.5 + $0 * (1 - $0) }, std: [Double] = t.map { 0.05 + 0.05 * $0 }
        figure[0, 0].line(x: t, y: bezier, label: "Bezier")
        figure[0, 0].meanAndSpread(x: t, mean: mean, std: std, label: "segment")
        figure[0, 0].scatter(x: [0, 1], y: [0.7, 0.5], label: "endpoints")
        figure[0, 0].text("bend −0.1 ≤ θ₂", at: 0.5, 0.3, anchor: .center)
        figure[0, 0].xAxis.label = "t"
        figure[0, 0].yAxis.label = "test error"
        let u = (0...30).map { Double($0) / 15 - 0.5 }
        func surface(_ u: Double, _ v: Double) -> Double {
            let du = u - 0.5, dv = v - 0.3
            return 0.1 + du * du + 3 * dv * dv * (1 + u)
        }
        let loss = u.map { v in u.map { surface($0, v) } }
        figure[0, 1].field(xs: u, ys: u, values: loss, levels: ContourLevels.logSpaced(values: loss, vmax: 3, logAlpha: -2, count: 8),
                           overflowLabel: "> 3", colorbarLabel: "train loss")
        let curve: [Double] = t.map { 0.3 + 0.5 * sin(Double.pi * $0) }
        figure[0, 1].line(x: t, y: curve, label: "curve", style: LineStyle(color: .white, width: 2.5))
        let n = 10
        func entry(_ i: Int, _ j: Int) -> Double { i == j ? 0.95 : Double((3 * i + 7 * j) % 10) / 20 }
        let matrix = (0..<n).map { i in (0..<n).map { entry(i, $0) } }
        figure[0, 2].heatmap(xs: (0..<n).map(Double.init), ys: (0..<n).map(Double.init), values: matrix,
                             levels: [0, 0.25, 0.5, 0.75, 1], colorbarLabel: "correlation")
        return figure
    }

    @Test("write puts name.png, name.svg and name.pdf in the folder, returns the first two and records all three")
    func threeFormats() throws {
        let path = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let folder = try OutputFolder(path: path)
        let files = try folder.write(Self.figure(), name: "plane")
        #expect(files.png == "plane.png" && files.svg == "plane.svg")
        #expect(folder.written == ["plane.png", "plane.svg", "plane.pdf"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: path).sorted() == ["plane.pdf", "plane.png", "plane.svg"],
                "no temporary files left behind")
        let pdf = try Data(contentsOf: URL(fileURLWithPath: path + "/plane.pdf"))
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
        #expect(!String(decoding: pdf, as: UTF8.self).contains("Date"), "no /CreationDate or /ModDate")
    }

    @Test("formats: only the formats asked for are written, in the order PNG, SVG, PDF")
    func someFormats() throws {
        let path = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let folder = try OutputFolder(path: path)
        let files = try folder.write(Self.figure(), name: "f", formats: [.pdf, .svg])
        #expect(files == OutputFolder.FigureFiles(png: nil, svg: "f.svg", pdf: "f.pdf"))
        #expect(files.all == ["f.svg", "f.pdf"] && files[.pdf] == "f.pdf" && files[.png] == nil)
        #expect(folder.written == ["f.svg", "f.pdf"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: path).sorted() == ["f.pdf", "f.svg"])
    }

    @Test("the same figure written into two folders gives the same bytes in PNG, SVG and PDF")
    func sameBytesInTwoFolders() throws {
        let paths = [Self.temporaryFolder(), Self.temporaryFolder()]
        defer { for path in paths { try? FileManager.default.removeItem(atPath: path) } }
        for (k, path) in paths.enumerated() {
            let folder = try OutputFolder(path: path)
            if k == 1 { try folder.write(Figure(size: .inches(2, 1)), name: "other") }  // moves Cairo's global counters on
            try folder.write(Self.figure(), name: "figure")
        }
        for format in FigureFormat.allCases {
            let name = "figure." + format.fileExtension
            let bytes = try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0 + "/" + name)) }
            #expect(bytes[0].count > 1000, "\(name) is \(bytes[0].count) bytes")
            #expect(bytes[0] == bytes[1], "\(name) differs between the two folders")
        }
    }
}
