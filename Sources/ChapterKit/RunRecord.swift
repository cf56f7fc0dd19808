import Experiments
import AtomicFile
import Foundation
import Reporting

/// The parts of a report that describe the run rather than its numbers: the exact command and
/// the provenance rows. A replotted report states the original run's.
public struct RecordedReport: Codable, Sendable, Equatable {
    public var command: String
    public var provenance: [[String]]
}

/// What a chapter run measured, written beside its report as `run.json`, so that `--replot`
/// rebuilds the figures and the report from it alone: no cache, no training, no evaluation.
public struct RunRecord<Measured: Codable>: Codable {
    public var format = 1
    public var chapter: String
    public var budget: Budget
    public var report: RecordedReport
    public var measured: Measured

    public init(chapter: String, budget: Budget, report: RecordedReport, measured: Measured) {
        self.chapter = chapter
        self.budget = budget
        self.report = report
        self.measured = measured
    }

    public static func path(in folder: String) -> String { folder + "/run.json" }

    /// Writes `run.json` into `folder` (atomically).
    public func write(to folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: Self.path(in: folder))
    }

    /// Reads the record of `chapter` at `budget` from `folder`; a missing, damaged or foreign file
    /// is an error that names it and says what to do.
    public static func read(from folder: String, chapter: String, budget: Budget) throws -> RunRecord {
        let path = path(in: folder)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReplotError(path: path, problem: "there is no run record: run \(chapter) --budget \(budget.rawValue) once (it writes run.json beside its report), then replot")
        }
        let record: RunRecord
        do {
            record = try JSONDecoder().decode(RunRecord.self, from: data)
        } catch {
            throw ReplotError(path: path, problem: "the run record cannot be read (\(error)); rerun \(chapter) to write it again")
        }
        guard record.chapter == chapter, record.budget == budget else {
            throw ReplotError(path: path, problem: "it records \(record.chapter) at the \(record.budget.rawValue) budget, not \(chapter) at \(budget.rawValue)")
        }
        return record
    }
}

public struct ReplotError: Error, CustomStringConvertible {
    public let path: String
    public let problem: String
    public var description: String { "cannot replot from \(path): \(problem)" }
}

/// A pair of seeds as a run record stores it; `tuple` is what the chapters compute with.
public struct SeedPair: Codable, Sendable, Equatable {
    public let first: UInt64
    public let second: UInt64
    public init(_ seeds: (UInt64, UInt64)) { (first, second) = seeds }
    public var tuple: (UInt64, UInt64) { (first, second) }
}

extension ChapterOptions {
    /// The chapter's measurements: computed by `measure`, or — with `--replot` — read from the run
    /// record in the output folder without computing anything; then the record's command and
    /// provenance for the report to state.
    public func measurements<Measured: Codable>(chapter: String, _ measure: () throws -> Measured) throws
        -> (measured: Measured, replaying: RecordedReport?) {
        guard replot else { return (try measure(), nil) }
        let record = try RunRecord<Measured>.read(from: outputFolder(chapter), chapter: chapter, budget: budget)
        return (record.measured, record.report)
    }

    /// Writes the run record beside the report (`report` is what the report stated).
    public func record<Measured: Codable>(chapter: String, measured: Measured, report: RecordedReport) throws {
        try RunRecord(chapter: chapter, budget: budget, report: report, measured: measured).write(to: outputFolder(chapter))
    }
}
