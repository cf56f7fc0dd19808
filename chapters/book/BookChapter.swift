/// One chapter of the book: its executable, its folder under the figures root, the paper it
/// reproduces and the figure shown as its thumbnail in the index.
struct BookChapter {
    let number: Int
    let executable: String
    let paper: String
    /// File stem of the main figure (PNG beside the report).
    let mainFigure: String

    var folder: String { "chapter\(number)" }

    /// In the order their shared networks want: chapter 2 trains the endpoints and curves that
    /// chapters 1 and 5 take from the cache (and whose endpoints are chapter 3's independent
    /// networks); chapter 4 continues chapter 3's runs; chapter 6 trains its own.
    static let all: [BookChapter] = [
        BookChapter(number: 2, executable: "chapter2", paper: "Garipov et al. 2018, *Loss Surfaces, Mode Connectivity, and Fast Ensembling of DNNs*", mainFigure: "curves"),
        BookChapter(number: 1, executable: "chapter1", paper: """
            Garipov et al. 2018 (loss-surface planes); Li et al. 2018, *Visualizing the Loss Landscape of \
            Neural Nets*
            """, mainFigure: "planes"),
        BookChapter(number: 5, executable: "chapter5", paper: """
            Tatro et al. 2020, *Optimizing Mode Connectivity via Neuron Alignment*; Ainsworth et al. 2023, \
            *Git Re-Basin*
            """, mainFigure: "paths"),
        BookChapter(number: 3, executable: "chapter3", paper: "Garipov et al. 2018 (Fast Geometric Ensembling); Huang et al. 2017, *Snapshot Ensembles*", mainFigure: "ensembles"),
        BookChapter(number: 4, executable: "chapter4", paper: "Izmailov et al. 2018, *Averaging Weights Leads to Wider Optima and Better Generalization*", mainFigure: "rays"),
        BookChapter(number: 6, executable: "chapter6", paper: """
            Iyer et al. 2020, *Wide-minima Density Hypothesis and the Explore-Exploit Learning Rate Schedule*; \
            Keskar et al. 2017 (sharpness)
            """, mainFigure: "schedules"),
    ]
}
