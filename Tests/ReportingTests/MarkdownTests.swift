import Testing
@testable import Reporting

@Suite("Markdown")
struct MarkdownTests {
    @Test("a table renders as GFM with escaped cells")
    func table() {
        var doc = MarkdownDocument()
        doc.table(header: ["method", "error (%)"], rows: [["Bezier", "6.79"], ["a|b", "line 1\nline 2"], ["short"]],
                  alignments: [.left, .right])
        #expect(doc.render() == """
        | method | error (%) |
        | --- | ---: |
        | Bezier | 6.79 |
        | a\\|b | line 1<br>line 2 |
        | short |  |

        """)
    }

    @Test("a figure embeds the image with a relative link and an italic caption, and records the link")
    func figure() {
        var doc = MarkdownDocument()
        doc.heading("Results")
        doc.figure("plane train loss.png", caption: "Train loss on the plane.", alt: "plane")
        #expect(doc.render() == """
        ## Results

        ![plane](plane%20train%20loss.png)

        *Train loss on the plane.*

        """)
        #expect(doc.links == ["plane train loss.png"])
    }

    @Test("code blocks are fenced, with a longer fence when the code holds one")
    func code() {
        var doc = MarkdownDocument()
        doc.code("swift run chapter1 --budget quick\n", language: "sh")
        doc.code("```\ninner\n```")
        #expect(doc.render() == "```sh\nswift run chapter1 --budget quick\n```\n\n````\n```\ninner\n```\n````\n")
    }

    @Test("paragraphs, bullets and headings are separated by blank lines")
    func blocks() {
        var doc = MarkdownDocument()
        doc.heading("Title", level: 1)
        doc.paragraph("Some *text*.")
        doc.bullets(["one", "two\nlines"])
        #expect(doc.render() == "# Title\n\nSome *text*.\n\n- one\n- two lines\n")
    }
}

@Suite("Report skeleton")
struct ReportSkeletonTests {
    @Test("sections appear in the fixed order, empty ones marked")
    func order() {
        var report = ReportSkeleton(title: "Chapter 1")
        report.claim.paragraph("Curves connect minima.")
        report.setReproduce(command: "swift run chapter1")
        report.provenance = Provenance(git: GitState(commit: "abc", dirty: false), swiftVersion: "6.3",
                                       cairoVersion: "1.16.0", seeds: [1, 2], commandLine: ["chapter1"])
        let text = report.document().render()
        let positions = ReportSkeleton.sectionTitles.map { text.range(of: "## " + $0)!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(text.hasPrefix("# Chapter 1\n\n## Claim\n\nCurves connect minima.\n\n## Setup\n\n*Not filled in.*"))
        #expect(text.contains("```sh\nswift run chapter1\n```"))
        #expect(text.contains("| seeds | 1, 2 |"))
    }
}
