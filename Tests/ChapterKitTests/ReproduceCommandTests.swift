import Testing
@testable import ChapterKit

/// A report's Reproduce line is what a reader types on their own machine: the options that change
/// the numbers, not this machine's folders, threads or figure formats.
@Suite struct ReproduceCommandTests {
    @Test func machineOptionsAreLeftOut() {
        let command = "swift run chapter2 --budget full --cache /tmp/full-cache --output=/tmp/out --threads 2 --seeds 1,2,3,4 "
            + "--formats png,pdf --dpi 300 --replot --bends 4"
        #expect(ChapterOptions.reproducible(command) == "swift run chapter2 --budget full --seeds 1,2,3,4 --bends 4")
    }

    @Test func aDataFolderBecomesAPlaceholderAndQuotedWordsStayWhole() {
        let command = "swift run chapter3 --dataset cifar10 --data-path '/home/me/my data' --model preresnet20"
        #expect(ChapterOptions.reproducible(command) == "swift run chapter3 --dataset cifar10 --data-path DATA_FOLDER --model preresnet20")
        #expect(ChapterOptions.shellWords("a 'b c' d") == ["a", "b c", "d"])
    }

    @Test func cleaningIsIdempotent() {
        let once = ChapterOptions.reproducible("swift run chapter6 --cache /c --budget quick --convolutions engine")
        #expect(once == "swift run chapter6 --budget quick --convolutions engine")
        #expect(ChapterOptions.reproducible(once) == once)
    }
}
