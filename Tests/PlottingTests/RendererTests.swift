import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Plotting

/// Files as written: PNG signature and size, SVG well-formed and byte-stable (PDF: PDFTests). Never pixels.
@Suite("Cairo renderer")
struct RendererTests {
    static func figure() -> Figure {
        let figure = Figure(size: .inches(3, 2))
        figure.panel.line(x: [0, 1, 2], y: [1, 3, 2], label: "a")
        figure.panel.scatter(x: [0.5, 1.5], y: [2, 2.5], label: "b")
        figure.panel.xAxis.label = "x"
        return figure
    }

    @Test("PNG starts with the signature and has the requested pixel size", arguments: [72.0, 200.0])
    func png(dpi: Double) throws {
        let data = [UInt8](try Self.figure().pngData(dpi: dpi))
        #expect(Array(data[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(String(decoding: data[12..<16], as: UTF8.self) == "IHDR")
        func u32(_ at: Int) -> Int { data[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        #expect(u32(16) == Int(3 * dpi) && u32(20) == Int(2 * dpi))
        // pHYs right after IHDR records the resolution in pixels per metre.
        #expect(String(decoding: data[37..<41], as: UTF8.self) == "pHYs")
        #expect(u32(41) == Int((dpi / 0.0254).rounded()))
    }

    @Test("the pHYs CRC is the standard CRC-32")
    func crc() {
        #expect(PNGChunks.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test("SVG parses as XML with an <svg> root sized in points")
    func svgParses() throws {
        let data = try Self.figure().svgData()
        let delegate = RootElement()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        #expect(delegate.root == "svg")
        #expect(delegate.rootAttributes["width"] == "216pt")
    }

    @Test("the same figure gives the same SVG bytes twice in one process")
    func svgStable() throws {
        let first = try Self.figure().svgData()
        _ = try Figure(size: .inches(1, 1)).svgData()  // advances Cairo's global surface counter
        let second = try Self.figure().svgData()
        #expect(first == second)
        #expect(String(decoding: first, as: UTF8.self).contains("id=\"surface1\""))
    }

    @Test("SVG ids are renumbered per prefix in order of appearance, references included")
    func renumbering() {
        let svg = ##"<g id="surface42"><use xlink:href="#glyph0-1"/><path clip-path="url(#clip7)"/><clipPath id="clip7"/><g id="surface43"/></g>"##
        #expect(SVGIdentifiers.renumbered(svg) ==
                ##"<g id="surface1"><use xlink:href="#glyph0-1"/><path clip-path="url(#clip1)"/><clipPath id="clip1"/><g id="surface2"/></g>"##)
    }

    @Test("save writes PNG, SVG and PDF atomically")
    func save() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plotting-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let paths = try Self.figure().save(to: folder, name: "f", dpi: 100)
        #expect(FileManager.default.fileExists(atPath: paths.png) && FileManager.default.fileExists(atPath: paths.svg))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["f.pdf", "f.png", "f.svg"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/f.pdf")).starts(with: Array("%PDF-".utf8)))
    }

    @Test("Cairo reports its version and measures text with the requested font")
    func cairo() {
        #expect(CairoLibrary.version.hasPrefix("1."))
        let m = CairoTextMeasurer()
        let short = m.measure("1", font: Font(size: 10)), long = m.measure("1111", font: Font(size: 10))
        #expect(abs(long.width - 4 * short.width) < 1e-6)
        #expect(m.measure("1", font: Font(size: 20)).width > 1.9 * short.width)
        #expect(short.ascent > 5 && short.descent > 0)
    }
}

/// Records the name and attributes of the first element.
final class RootElement: NSObject, XMLParserDelegate {
    var root: String?
    var rootAttributes: [String: String] = [:]
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if root == nil { root = name; rootAttributes = attributes }
    }
}

@Suite("Colours")
struct ColorTests {
    @Test("viridis runs from dark purple to yellow and is monotone in luminance")
    func viridis() {
        let v = Colormap.viridis
        #expect(abs(v.color(at: 0).red - 0.267004) < 1e-9 && abs(v.color(at: 1).green - 0.906157) < 1e-9)
        let lum = (0...50).map { v.color(at: Double($0) / 50).luminance }
        #expect(zip(lum, lum.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test("the categorical palette has distinct colours and each series also varies its dash")
    func palette() {
        #expect(Set(Palette.okabeIto).count == Palette.okabeIto.count)
        #expect(Set((0..<4).map { "\(LineStyle.automatic($0).dash)" }).count == 4)
        #expect(Set((0..<4).map { MarkerShape.automatic($0) }).count == 4)
    }
}
