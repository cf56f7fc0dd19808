// The book: every chapter in the order their shared networks want, each through the artifact
// cache, one progress line per chapter, then `README.md` beside the chapters' folders — the index
// of titles, papers, verdicts, thumbnails, budgets and dates. A chapter that fails is reported
// in the index and the book goes on; the exit status says so.
import ArgumentParser
import AtomicFile
import ChapterKit
import Experiments
import Foundation
import Reporting

struct Book: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Runs every chapter and writes the book's index (figures/README.md).",
        discussion: """
            The chapters' options are passed on to each. The full budget writes figures/ (the committed book); \
            quick and smoke write figures/quick/ and figures/smoke/ (git-ignored). With --index-only nothing \
            runs: the index is written from the reports already in the folder.
            """)

    @OptionGroup var options: ChapterOptions

    @Flag(help: "Write the index from the reports already in the output folder; run no chapter.")
    var indexOnly = false

    func run() throws {
        if let plan = options.plan { return try writePlan(plan) }
        let root = options.output ?? ChapterOptions.figuresRoot(budget: options.budget, dataset: options.engine.dataset)
        var entries: [(BookChapter, BookIndex.Entry)] = []
        var failed: [String] = []
        for (k, chapter) in BookChapter.all.enumerated() {
            let folder = root + "/" + chapter.folder
            var why: String?
            if !indexOnly {
                let started = Date()
                print("[\(k + 1)/\(BookChapter.all.count)] \(chapter.executable) …", terminator: "")
                fflush(stdout)
                do {
                    try ChapterProcess(chapter: chapter, options: options).run(output: folder, log: ArtifactCache(root: options.engine.cache).root + "/logs/book-\(chapter.executable).log")
                } catch {
                    why = "\(error)"
                }
                let minutes = String(format: "%.1f", Date().timeIntervalSince(started) / 60)
                print(why == nil ? " done in \(minutes) min" : " FAILED after \(minutes) min: \(why!)")
            }
            if why == nil {
                do {
                    let digest = try ReportDigest.read(folder + "/report.md")
                    entries.append((chapter, .report(digest, date: digest.date ?? ChapterProcess.committedDate(of: folder + "/report.md"))))
                    if !indexOnly {
                        print("      claims: \(digest.outcomeSummary) → \(folder)/report.md")
                    }
                    continue
                } catch {
                    why = "\(error)"
                }
            }
            failed.append(chapter.executable)
            entries.append((chapter, .missing(why!)))
        }
        let index = BookIndex(root: root, entries: entries, dataTitle: options.engine.dataset.title)
        try AtomicFile.write(index.document().render(), to: root + "/README.md")
        print("index: \(root)/README.md" + (failed.isEmpty ? "" : " — failed: \(failed.joined(separator: ", "))"))
        if !failed.isEmpty { throw ExitCode(1) }
    }

    /// `--plan DIR`: every chapter writes its plan into `DIR/chapters/chapterN`; their jobs,
    /// merged (a network several chapters share is one job) and put in waves again, go to DIR.
    func writePlan(_ folder: String) throws {
        var merged = JobPlan()
        for chapter in BookChapter.all {
            let part = folder + "/chapters/" + chapter.executable
            try ChapterProcess(chapter: chapter, options: options).plan(into: part, log: part + ".log")
            for job in try JobPlan.read(from: part).jobs { merged.add(job) }
        }
        try options.publish(merged, to: folder, title: "book (\(options.budget.rawValue) budget)")
    }
}

Book.main()
