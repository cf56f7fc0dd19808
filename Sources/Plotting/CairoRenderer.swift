import CCairo
import AtomicFile
import Foundation

/// The Cairo library this package draws with.
public enum CairoLibrary {
    /// Cairo's run-time version, e.g. "1.16.0" (for report provenance).
    public static var version: String { String(cString: cairo_version_string()) }
}

/// Font options set explicitly on every context so metrics do not depend on the machine's
/// fontconfig defaults: grey anti-aliasing, no hinting, unhinted metrics.
private func applyFontOptions(_ cr: OpaquePointer) {
    let options = cairo_font_options_create()
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
    cairo_set_font_options(cr, options)
    cairo_font_options_destroy(options)
}

private func selectFont(_ cr: OpaquePointer, _ font: Font) {
    cairo_select_font_face(cr, font.family, CAIRO_FONT_SLANT_NORMAL,
                           font.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
    cairo_set_font_size(cr, font.size)
}

/// Measures text with Cairo's text and font extents, under the same font options the renderer
/// uses. Results are cached per string and font.
public final class CairoTextMeasurer: TextMeasuring {
    private let surface: OpaquePointer
    private let cr: OpaquePointer
    private var cache: [String: TextMetrics] = [:]

    public init() {
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)
        cr = cairo_create(surface)
        applyFontOptions(cr)
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    public func measure(_ text: String, font: Font) -> TextMetrics {
        let key = "\(font.family)|\(font.size)|\(font.bold)|\(text)"
        if let hit = cache[key] { return hit }
        selectFont(cr, font)
        var te = cairo_text_extents_t(), fe = cairo_font_extents_t()
        cairo_text_extents(cr, text, &te)
        cairo_font_extents(cr, &fe)
        let metrics = TextMetrics(width: te.x_advance, ascent: fe.ascent, descent: fe.descent)
        cache[key] = metrics
        return metrics
    }
}

/// Replays a `Scene` on a Cairo context; the same code draws PNG, SVG and PDF.
struct CairoRenderer {
    let cr: OpaquePointer

    func render(_ scene: Scene) {
        applyFontOptions(cr)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        for item in scene.items { render(item) }
    }

    private func setColor(_ c: Color) { cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha) }

    private func build(_ path: Path) {
        cairo_new_path(cr)
        for element in path.elements {
            switch element {
            case .move(let p): cairo_move_to(cr, p.x, p.y)
            case .line(let p): cairo_line_to(cr, p.x, p.y)
            case .close: cairo_close_path(cr)
            case .circle(let c, let r):
                cairo_new_sub_path(cr)
                cairo_arc(cr, c.x, c.y, r, 0, 2 * Double.pi)
                cairo_close_path(cr)
            }
        }
    }

    private func render(_ item: SceneItem) {
        switch item {
        case .fill(let path, let color):
            build(path)
            setColor(color)
            cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING)
            cairo_fill(cr)
        case .stroke(let path, let stroke):
            build(path)
            setColor(stroke.color)
            cairo_set_line_width(cr, stroke.width)
            cairo_set_line_cap(cr, stroke.round ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT)
            cairo_set_line_join(cr, stroke.round ? CAIRO_LINE_JOIN_ROUND : CAIRO_LINE_JOIN_MITER)
            stroke.dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32($0.count), 0) }
            cairo_stroke(cr)
        case .text(let t):
            selectFont(cr, t.font)
            setColor(t.color)
            cairo_save(cr)
            cairo_translate(cr, t.origin.x, t.origin.y)
            if t.quarterTurns == 1 { cairo_rotate(cr, -Double.pi / 2) }
            cairo_move_to(cr, 0, 0)
            cairo_show_text(cr, t.text)
            cairo_restore(cr)
        case .pushClip(let r):
            cairo_save(cr)
            cairo_new_path(cr)
            cairo_rectangle(cr, r.x, r.y, r.width, r.height)
            cairo_clip(cr)
        case .popClip:
            cairo_restore(cr)
        }
    }
}

/// Collects the bytes Cairo writes to a stream.
private final class ByteSink {
    var data = Data()
}

private let collectBytes: cairo_write_func_t = { closure, bytes, length in
    guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
    Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
    return CAIRO_STATUS_SUCCESS
}

/// A Cairo failure, with the status Cairo reported.
public struct CairoError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    init(_ what: String, _ status: cairo_status_t) {
        message = "\(what): \(String(cString: cairo_status_to_string(status)))"
    }
}

/// The file formats a figure is written in, all drawn by the one `CairoRenderer`.
public enum FigureFormat: String, CaseIterable, Sendable {
    case png, svg, pdf

    /// The file name extension, without the dot (the raw value).
    public var fileExtension: String { rawValue }
}

extension Figure {
    /// The figure as PNG bytes, `widthInches × dpi` by `heightInches × dpi` pixels (rounded),
    /// white background, with a pHYs chunk recording the resolution.
    public func pngData(dpi: Double = 200) throws -> Data {
        precondition(dpi > 0, "dpi must be positive, got \(dpi)")
        let width = Int32((size.widthInches * dpi).rounded()), height = Int32((size.heightInches * dpi).rounded())
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height)!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        cairo_scale(cr, Double(width) / size.widthPoints, Double(height) / size.heightPoints)
        CairoRenderer(cr: cr).render(layout(measurer: CairoTextMeasurer()))
        let status = cairo_status(cr)
        cairo_destroy(cr)
        guard status == CAIRO_STATUS_SUCCESS else { throw CairoError("drawing PNG", status) }
        let sink = ByteSink()
        let written = cairo_surface_write_to_png_stream(surface, collectBytes, Unmanaged.passUnretained(sink).toOpaque())
        guard written == CAIRO_STATUS_SUCCESS else { throw CairoError("encoding PNG", written) }
        return PNGChunks.addingResolution(to: sink.data, dpi: dpi)
    }

    /// The figure as SVG bytes, sized in points, with ids renumbered in order of appearance so
    /// the same figure always gives the same bytes on one machine.
    public func svgData() throws -> Data {
        let svg = try vectorData(format: "SVG") { write, closure in
            let surface = cairo_svg_surface_create_for_stream(write, closure, size.widthPoints, size.heightPoints)!
            cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT)
            return surface
        }
        return Data(SVGIdentifiers.renumbered(String(decoding: svg, as: UTF8.self)).utf8)
    }

    /// The figure as a one-page PDF (version 1.5), sized in points, fonts embedded as subsets,
    /// text kept as text and fields as vector paths. No creation or modification date is
    /// written, so the same figure always gives the same bytes on one machine.
    public func pdfData() throws -> Data {
        try vectorData(format: "PDF") { write, closure in
            let surface = cairo_pdf_surface_create_for_stream(write, closure, size.widthPoints, size.heightPoints)!
            // Cairo stamps /CreationDate with the current time unless told otherwise; a date that
            // is not ISO 8601 (here: empty) makes it write no date at all (checked on 1.16.0).
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "")
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, "")
            return surface
        }
    }

    /// The figure in `format` (`dpi` applies to PNG only).
    public func data(_ format: FigureFormat, dpi: Double = 200) throws -> Data {
        switch format {
        case .png: try pngData(dpi: dpi)
        case .svg: try svgData()
        case .pdf: try pdfData()
        }
    }

    /// Draws the figure on a stream surface made by `makeSurface` and returns what Cairo wrote.
    private func vectorData(format: String,
                            _ makeSurface: (cairo_write_func_t, UnsafeMutableRawPointer) -> OpaquePointer) throws -> Data {
        let sink = ByteSink()
        let surface = makeSurface(collectBytes, Unmanaged.passUnretained(sink).toOpaque())
        let cr = cairo_create(surface)!
        CairoRenderer(cr: cr).render(layout(measurer: CairoTextMeasurer()))
        let status = cairo_status(cr)
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        let surfaceStatus = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw CairoError("drawing \(format)", status) }
        guard surfaceStatus == CAIRO_STATUS_SUCCESS else { throw CairoError("writing \(format)", surfaceStatus) }
        return sink.data
    }

    /// Writes the PNG atomically to `path`.
    public func write(png path: String, dpi: Double = 200) throws {
        try AtomicFile.write(try pngData(dpi: dpi), to: path)
    }

    /// Writes the SVG atomically to `path`.
    public func write(svg path: String) throws {
        try AtomicFile.write(try svgData(), to: path)
    }

    /// Writes the PDF atomically to `path`.
    public func write(pdf path: String) throws {
        try AtomicFile.write(try pdfData(), to: path)
    }

    /// Writes `folder/name.png`, `folder/name.svg` and `folder/name.pdf`, each atomically;
    /// returns the paths of the PNG and the SVG (the PDF is the same path ending in `.pdf`).
    @discardableResult
    public func save(to folder: String, name: String, dpi: Double = 200) throws -> (png: String, svg: String) {
        let base = URL(fileURLWithPath: folder).appendingPathComponent(name).path
        for format in FigureFormat.allCases {
            try AtomicFile.write(try data(format, dpi: dpi), to: base + "." + format.fileExtension)
        }
        return (base + ".png", base + ".svg")
    }
}
