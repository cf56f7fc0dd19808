import Datasets
import Experiments
import ArgumentParser
import Foundation
import Networks
import Plotting
import Reporting

/// The options every chapter takes (docs/chapters.md): budget, network, seeds, output folder, plus the
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

    @Flag(help: "Rebuild the figures and the report from the run record (run.json) in the output folder alone: no cache, no training, no evaluation.")
    public var replot = false

    @Option(help: """
        Write the run's jobs (trainings, curves, SSE/FGE/SWA runs) in waves into this folder, with GNU parallel \
        and Slurm scripts to run them into the cache, and stop; the same command without --plan then assembles \
        the report.
        """)
    public var plan: String?

    @OptionGroup public var figures: FigureOptions

    @OptionGroup public var slurm: SlurmOptions

    @OptionGroup public var engine: EngineOptions

    public init() {}

    /// Picks BLAS kernels and threads and sets the figure output; call before any other work.
    public func prepare() {
        Provenance.recordStartingGitState()
        engine.prepareRuntime()
        figures.apply()
    }

    public func validate() throws {
        if plan != nil && replot { throw ValidationError("--plan writes jobs to run; --replot rebuilds a finished run's report: give one of them") }
        try engine.validate(model: model)
    }

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

    /// The command a reader runs to reproduce this run: the options that change its numbers, without
    /// this machine's folders, thread count or figure formats (`reproducible(_:)`).
    public static var reproduceCommand: String { reproducible(commandLine(dropping: nil)) }

    /// Options that do not change what a run measures or are this machine's own (its folders, its
    /// threads — the provenance states them), left out of a report's Reproduce line.
    static let machineOptions: Set<String> = ["--cache", "--output", "--threads", "--plan", "--formats", "--dpi", "--slurm-partition",
                                              "--slurm-account", "--slurm-time", "--slurm-cpus-per-task"]
    static let machineFlags: Set<String> = ["--replot"]

    /// `command` (as `commandLine` writes it) without `machineOptions` and `machineFlags`, and with
    /// a data folder written as `DATA_FOLDER`: what a reader can type on their own machine. A
    /// recorded command is cleaned the same way when a report is replotted.
    public static func reproducible(_ command: String) -> String {
        var words = shellWords(command), out: [String] = []
        while !words.isEmpty {
            let word = words.removeFirst()
            let name = String(word.split(separator: "=", maxSplits: 1).first ?? "")
            let inline = word.contains("=")
            if machineFlags.contains(word) { continue }
            if machineOptions.contains(name) {
                if !inline && !words.isEmpty { words.removeFirst() }
                continue
            }
            if name == "--data-path" {
                if !inline && !words.isEmpty { words.removeFirst() }
                out += ["--data-path", "DATA_FOLDER"]
                continue
            }
            out.append(word)
        }
        return out.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    }

    /// The words of a command line as `commandLine` quotes them (single quotes around a word with spaces).
    static func shellWords(_ command: String) -> [String] {
        var words: [String] = [], current = "", quoted = false, started = false
        for c in command {
            if c == "'" { quoted.toggle(); started = true } else if c == " " && !quoted {
                if started { words.append(current) }
                current = ""; started = false
            } else { current.append(c); started = true }
        }
        if started { words.append(current) }
        return words
    }

    /// The command line without `option` and its value (e.g. the run a plan's jobs prepare).
    public static func commandLine(dropping option: String?) -> String {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if let option {
            while let i = arguments.firstIndex(where: { $0 == option || $0.hasPrefix(option + "=") }) {
                arguments.removeSubrange(i..<min(arguments.count, arguments[i] == option ? i + 2 : i + 1))
            }
        }
        let args = arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }
        let name = URL(fileURLWithPath: CommandLine.arguments[0]).lastPathComponent
        return (["swift", "run", name] + args).joined(separator: " ")
    }
}
