import ArgumentParser
import Experiments
import Foundation

/// A chapter executable. It says what its budget runs (`plan`), which data it needs, what it
/// measures and how it reports; the run itself — prepare, plan (or write the jobs with `--plan`),
/// measure (or replay the run record with `--replot`), report, record, announce — is written once,
/// here. The chapter's name is its command name (`chapter4`), stated once in its configuration.
public protocol Chapter: ParsableCommand {
    associatedtype Plan
    associatedtype Measured: Codable
    associatedtype Report: ChapterReport

    var options: ChapterOptions { get }

    /// What this run does at its budget, from the options.
    func plan() throws -> Plan

    /// The training and test sets the plan runs on.
    func data(for plan: Plan) throws -> TrainingData

    /// Every training the plan needs, as jobs (for `--plan DIR`).
    func jobs(for plan: Plan, data: TrainingData) -> JobPlan

    /// The experiment: everything the report states, measured through the artifact cache.
    func measure(_ plan: Plan, data: TrainingData, cache: ArtifactCache) throws -> Measured

    /// The report on `measured`.
    func report(_ plan: Plan, measured: Measured, data: TrainingData, run: ChapterRun) -> Report
}

/// What a report states about the run that wrote it: its wall time and, for `--replot`, the
/// original run's command and provenance.
public struct ChapterRun {
    public let seconds: Double
    public let replaying: RecordedReport?
}

extension Chapter {
    /// The chapter's name, e.g. "chapter4": its command name.
    public static var name: String { configuration.commandName ?? String(describing: Self.self).lowercased() }

    public func run() throws {
        options.prepare()
        let started = Date()
        let plan = try plan()
        let data = try data(for: plan)
        if try options.writePlan(chapter: Self.name, { jobs(for: plan, data: data) }) { return }
        let (measured, replaying) = try options.measurements(chapter: Self.name) {
            try measure(plan, data: data, cache: ArtifactCache(root: options.engine.cache))
        }
        let folder = options.outputFolder(Self.name)
        let report = report(plan, measured: measured, data: data,
                            run: ChapterRun(seconds: Date().timeIntervalSince(started), replaying: replaying))
        try options.record(chapter: Self.name, measured: measured, report: try report.write(to: folder))
        options.announce(report: folder, chapter: Self.name)
    }
}

extension CommandConfiguration {
    /// The configuration of chapter `number`: its command name, its one-line abstract, and a help
    /// text that says what it writes and where, then `uses` (what it takes from other chapters).
    public static func chapter(_ number: Int, abstract: String, uses: String = "") -> CommandConfiguration {
        let writes = """
            Writes figures (PNG, SVG and PDF; --formats chooses), CSV/JSON, run.json and report.md to \
            figures/chapter\(number)/ at the full budget (figures/quick/chapter\(number)/ and \
            figures/smoke/chapter\(number)/ at the others).
            """
        return CommandConfiguration(commandName: "chapter\(number)", abstract: abstract,
                                    discussion: uses.isEmpty ? writes : writes + " " + uses)
    }
}
