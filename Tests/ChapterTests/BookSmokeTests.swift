import Foundation
import TestSupport
import Testing

/// `book` end to end at the smoke budget into a temporary folder: every chapter runs, and the
/// index links every chapter's report and thumbnail.
@Suite(.serialized) struct BookSmokeTests {

    @Test func writesAnIndexLinkingEveryChaptersReportAndThumbnail() throws {
        let runner = ChapterRunner("book")
        // The book's plan first: every chapter's jobs merged into one set of waves, run by `job`;
        // the book then trains nothing.
        let plan = runner.cache + "-plan"
        let (planned, planOutput) = try runner.run(["--plan", plan])
        #expect(planned == 0, "book --plan failed:\n\(planOutput)")
        let waves = try ScaleOutTests.waves(plan)
        #expect(waves.count == 2 && waves.joined().count == Set(waves.joined()).count, "\(waves)")
        for wave in waves {
            let (status, out) = try BuiltExecutable("job").run(["--cache", runner.cache, "--threads", "2"] + wave)
            #expect(status == 0, "\(out)")
        }
        let trained = try ScaleOutTests.trainingFiles(runner.cache)
        let (status, output) = try runner.run()
        #expect(status == 0, "book failed:\n\(output)")
        let changed = try ScaleOutTests.trainingFiles(runner.cache).filter { trained[$0.key] != $0.value }.keys.sorted()
        #expect(changed.isEmpty, "the book trained \(changed) after its plan's jobs")
        let index = try #require(try? String(contentsOfFile: runner.output + "/README.md", encoding: .utf8), "no README.md in \(runner.output)")
        for n in 1...6 {
            #expect(index.contains("](chapter\(n)/report.md)"), "index does not link chapter \(n)'s report")
            #expect(index.contains("<img src=\"chapter\(n)/"), "index has no thumbnail for chapter \(n)")
            #expect(output.contains("chapter\(n) … done"), "no progress line for chapter \(n):\n\(output)")
        }
        for link in runner.links(in: index) { #expect(runner.exists(link), "index links \(link), which does not exist") }
        var rest = Substring(index)
        while let src = rest.range(of: "<img src=\"") {
            let after = rest[src.upperBound...]
            let end = after.firstIndex(of: "\"")!
            #expect(runner.exists(String(after[..<end])), "thumbnail \(after[..<end]) does not exist")
            rest = after[end...]
        }
        #expect(index.contains("| chapter | claims | held | not shown | did not hold | contradicted | budget | date |")
                && index.contains("| smoke |"))

        // The index alone, from the reports now there, runs nothing and writes the same page.
        let (again, secondOutput) = try runner.run(["--index-only"])
        #expect(again == 0 && !secondOutput.contains("…"))
        #expect(try String(contentsOfFile: runner.output + "/README.md", encoding: .utf8) == index)
    }

    @Test func aChapterThatFailsIsReportedAndTheBookGoesOn() throws {
        let runner = ChapterRunner("book")
        // A data folder without Fashion-MNIST: every chapter fails with a clear error; the index says so.
        let empty = runner.scratch("no-data")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let (status, output) = try runner.run(["--data-path", empty])
        #expect(status != 0)
        #expect(output.contains("FAILED") && output.contains("failed: chapter2"))
        let index = try String(contentsOfFile: runner.output + "/README.md", encoding: .utf8)
        #expect(index.contains("**No report:**"))
    }
}
