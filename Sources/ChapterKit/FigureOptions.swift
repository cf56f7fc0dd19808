import ArgumentParser
import Plotting
import Reporting

/// Which figure files the chapters and tools write, and the PNGs' resolution.
public struct FigureOptions: ParsableArguments {
    @Option(help: "Figure formats besides the PNG the report embeds: comma-separated from png, svg, pdf (default: all three).",
            transform: FigureOptions.parseFormats)
    public var formats: Set<FigureFormat> = Set(FigureFormat.allCases)

    @Option(help: "Resolution of the PNG figures, dots per inch (default: 200).")
    public var dpi: Double = 200

    public init() {}

    public func validate() throws {
        guard formats.contains(.png) else { throw ValidationError("--formats must include png: every report embeds the PNG") }
        guard dpi >= 20 && dpi <= 2400 else { throw ValidationError("--dpi must lie in 20…2400, got \(dpi)") }
    }

    /// Makes every figure written from now on use these formats and this resolution.
    public func apply() { OutputFolder.figureOutput = OutputFolder.FigureOutput(formats: formats, dpi: dpi) }

    static func parseFormats(_ text: String) throws -> Set<FigureFormat> {
        var out = Set<FigureFormat>()
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            guard let f = FigureFormat.allCases.first(where: { $0.fileExtension == name }) else {
                throw ValidationError("--formats takes png, svg and pdf, got \(name)")
            }
            out.insert(f)
        }
        return out
    }
}
