import Foundation
import Testing
@testable import Plotting

/// The PDF as written: header, page size, embedded font subsets, no date, and the same bytes for
/// the same figure. Never pixels (those are looked at by hand with pdftoppm).
@Suite("PDF")
struct PDFTests {
    /// Lines with a legend and a text annotation beside a contour field and a heatmap.
    static func figure() -> Figure {
        let figure = Figure(size: .doubleColumn(aspect: 0.35), grid: Grid(rows: 1, columns: 3), title: "Loss surface")
        let t = (0...20).map { Double($0) / 20 }
        figure[0, 0].line(x: t, y: t.map { 1 + sin(6 * $0) }, label: "Bezier")
        figure[0, 0].line(x: t, y: t.map { 1 + 4 * $0 * (1 - $0) }, label: "segment")
        figure[0, 0].text("barrier", at: 0.5, 2, anchor: .center)
        figure[0, 0].xAxis.label = "t"
        let grid = (0...24).map { Double($0) / 12 - 1 }
        let values = grid.map { y in grid.map { x in x * x + 2 * y * y + 0.3 * sin(5 * x) } }
        figure[0, 1].field(xs: grid, ys: grid, values: values, levels: [-0.3, 0.2, 0.5, 1, 1.5, 2, 3.5],
                           overflowLabel: "> 3.5", colorbarLabel: "train loss")
        let matrix = (0..<8).map { i in (0..<8).map { j in i == j ? 0.9 : 0.1 * Double((i + j) % 5) } }
        figure[0, 2].heatmap(xs: (0..<8).map(Double.init), ys: (0..<8).map(Double.init), values: matrix,
                             levels: [0, 0.2, 0.4, 0.6, 0.8, 1], colorbarLabel: "correlation")
        return figure
    }

    static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    @Test("the PDF starts with %PDF-1.5, ends with %%EOF and has one page of the figure's size in points")
    func header() throws {
        let data = try Self.figure().pdfData()
        let pdf = Self.text(data)
        #expect(pdf.hasPrefix("%PDF-1.5"))
        #expect(pdf.hasSuffix("%%EOF\n"))
        #expect(pdf.contains("/Type /Page\n") || pdf.contains("/Type /Page "))
        #expect(pdf.contains("/MediaBox [ 0 0 496.8 173.88 ]"), "6.9 × 2.415 in is 496.8 × 173.88 pt")
    }

    @Test("the PDF writes no creation or modification date")
    func noDate() throws {
        let pdf = Self.text(try Self.figure().pdfData())
        #expect(!pdf.contains("/CreationDate") && !pdf.contains("/ModDate"))
        #expect(pdf.range(of: #"\(D?:?(19|20)\d{6}"#, options: .regularExpression) == nil, "no PDF date string")
        #expect(pdf.contains("/Producer (cairo "))
    }

    @Test("fonts are embedded as subsets")
    func fontsEmbedded() throws {
        let pdf = Self.text(try Self.figure().pdfData())
        // A subset's name is six capitals and a plus sign; its program is a FontFile stream.
        #expect(pdf.range(of: #"/BaseFont /[A-Z]{6}\+"#, options: .regularExpression) != nil)
        #expect(pdf.contains("/FontFile2") || pdf.contains("/FontFile3") || pdf.contains("/FontFile "))
    }

    @Test("the same figure gives the same bytes in every format, whatever was drawn before")
    func sameBytes() throws {
        for format in FigureFormat.allCases {
            let first = try Self.figure().data(format, dpi: 100)
            _ = try RendererTests.figure().data(format, dpi: 72)  // advances Cairo's global counters
            let second = try Self.figure().data(format, dpi: 100)
            #expect(first == second, "\(format) differs between two renderings of the same figure")
        }
    }

    @Test("different data give different PDF bytes")
    func differentData() throws {
        let other = Self.figure()
        other[0, 0].hline(1.5)
        #expect(try other.pdfData() != Self.figure().pdfData())
    }

    @Test("write(pdf:) writes the PDF atomically, leaving no temporary file")
    func writePDF() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plotting-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.figure().write(pdf: folder + "/f.pdf")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["f.pdf"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/f.pdf")) == Self.figure().pdfData())
    }
}
