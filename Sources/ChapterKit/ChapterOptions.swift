import ArgumentParser
import Foundation
import Networks

/// The options every chapter takes (chapters.md): budget, network, seeds, output folder, plus the
/// engine's data path, threads and cache.
public struct ChapterOptions: ParsableArguments {
    @Option(help: "Compute budget: smoke (seconds, numbers meaningless), quick (default, ~10 min), full (the committed report).")
    public var budget: Budget = .quick

    @Option(help: "Network: \(ModelName.allCases.map(\.rawValue).joined(separator: ", ")).")
    public var model: ModelName = .tinyten

    @Option(help: "Comma-separated seeds (default depends on the budget).", transform: ChapterOptions.parseSeeds)
    public var seeds: [UInt64]?

    @Option(help: "Output folder (default: figures/chapterN in the package at the full budget, figures/quick/chapterN or figures/smoke/chapterN at the others).")
    public var output: String?

    @OptionGroup public var engine: EngineOptions

    public init() {}

    static func parseSeeds(_ text: String) throws -> [UInt64] {
        let seeds = text.split(separator: ",").map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !seeds.isEmpty, seeds.allSatisfy({ $0 != nil }) else { throw ValidationError("--seeds takes comma-separated integers, got \(text)") }
        return seeds.map { $0! }
    }

    /// The output folder for `chapter` (e.g. "chapter2").
    public func outputFolder(_ chapter: String) -> String {
        output ?? Self.figuresRoot(budget: budget, dataset: engine.dataset) + "/" + chapter
    }

    /// Where a budget's reports go by default: the full budget writes the committed `figures/`;
    /// quick and smoke write `figures/quick/` and `figures/smoke/` (git-ignored), so they never
    /// overwrite the committed reports. Another data set than Fashion-MNIST writes a folder of its
    /// own below them (`figures/cifar10/`, `figures/quick/cifar10/`, ...).
    public static func figuresRoot(budget: Budget, dataset: DatasetName = .fashionMNIST) -> String {
        ArtifactCache.packageRoot + "/figures" + (budget == .full ? "" : "/" + budget.rawValue)
            + (dataset == .fashionMNIST ? "" : "/" + dataset.rawValue)
    }

    /// A chapter's last line: where its report is, and where the committed full-budget one is.
    public func announce(report folder: String, chapter: String) {
        let committed = Self.figuresRoot(budget: .full, dataset: engine.dataset) + "/" + chapter + "/report.md"
        print("report: \(folder)/report.md (\(budget.rawValue) budget" + (budget == .full ? ")" : "; the committed full-budget report is \(committed))"))
    }

    /// The exact command line, for the report's Reproduce section.
    public static var commandLine: String {
        let args = CommandLine.arguments.dropFirst().map { $0.contains(" ") ? "'\($0)'" : $0 }
        let name = URL(fileURLWithPath: CommandLine.arguments[0]).lastPathComponent
        return (["swift", "run", name] + args).joined(separator: " ")
    }
}
