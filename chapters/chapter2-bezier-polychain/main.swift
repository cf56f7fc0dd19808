// Chapter 2 — Bezier vs PolyChain: curves of low loss between two trained networks.
//
// Paper: T. Garipov, P. Izmailov, D. Podoprikhin, D. Vetrov, A. G. Wilson, "Loss Surfaces, Mode
// Connectivity, and Fast Ensembling of DNNs", NeurIPS 2018 (Fig. 2 and the README tables of
// timgaripov/dnn-mode-connectivity).
//
// Claim: the straight segment between two independently trained networks crosses a high loss
// barrier, but a simple curve — a quadratic Bezier curve or a polygonal chain with one bend,
// trained with the endpoints fixed — keeps test error within a few points of the endpoints' and
// reaches lower training loss than the endpoints in its middle; Bezier is at least as good as
// PolyChain.
//
// Deviations: Fashion-MNIST instead of CIFAR; TinyTen (86k parameters) instead of VGG16 /
// PreResNet164; tens of epochs instead of 200 (endpoints) and 600 (curves); BN statistics
// recomputed on a fixed 10 000-image training subset and train metrics measured on a fixed
// training subset (both sizes in the report).
import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import Networks
import Plotting
import Reporting
import Training
import WeightSpace

struct Chapter2: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapter2",
        abstract: "Bezier vs PolyChain: curves of low loss between two trained networks (Garipov et al. 2018).",
        discussion: "Writes figures (PNG + SVG), CSV/JSON and report.md to figures/chapter2/.")

    @OptionGroup var options: ChapterOptions
    @Option(help: "Bends of each curve, endpoints included (3: a quadratic Bezier / a chain with one bend).")
    var bends: Int = 3
    @Option(help: "Points t at which each curve is evaluated (default: 5 smoke, 21 quick, 61 full).")
    var points: Int?

    func validate() throws {
        guard bends >= 3 else { throw ValidationError("--bends must be at least 3 (2 is the segment, always evaluated), got \(bends)") }
        if let points, points < 3 { throw ValidationError("--points must be at least 3, got \(points)") }
    }

    func run() throws {
        options.prepare()
        let started = Date()
        let plan = CurvePlan(budget: options.budget, model: options.model, seeds: options.seeds, bends: bends, points: points)
        let data = try plan.loadData(options.engine.dataSource)
        if try options.writePlan(chapter: "chapter2", { plan.jobs(data: data, kinds: [.bezier, .polychain]) }) { return }
        let (pairs, replaying) = try options.measurements(chapter: "chapter2") {
            let cache = ArtifactCache(root: options.engine.cache)
            return try plan.seedPairs.map { try connect($0, plan: plan, data: data, cache: cache) }
        }
        let report = Chapter2Report(plan: plan, pairs: pairs, data: data, seconds: Date().timeIntervalSince(started), replaying: replaying)
        let folder = options.outputFolder("chapter2")
        try options.record(chapter: "chapter2", measured: pairs, report: try report.write(to: folder))
        options.announce(report: folder, chapter: "chapter2")
    }

    /// Endpoints, the segment, a Bezier and a PolyChain curve for one pair of seeds.
    func connect(_ seeds: (UInt64, UInt64), plan: CurvePlan, data: TrainingData, cache: ArtifactCache) throws -> PairResult {
        let a = try cache.trainedNetwork(plan.endpointRecipe(seed: seeds.0, data: data), data: data)
        let b = try cache.trainedNetwork(plan.endpointRecipe(seed: seeds.1, data: data), data: data)
        let evaluation = plan.evaluationData(data)
        let evaluator = Evaluator(network: a.network)
        let ts = CurveEvaluation.grid(points: plan.points)
        let segment = evaluator.evaluateCurve(Curve(.bezier, bends: 2), bendVector: a.parameters + b.parameters, state: a.state,
                                              at: ts, data: evaluation, weightDecay: plan.weightDecay, label: "segment")
        var curves: [CurveKind: CurveEvaluation] = [:]
        for kind in [CurveKind.bezier, .polychain] {
            let trained = try cache.trainedCurve(plan.curveRecipe(kind, a.recipe, b.recipe), start: a, end: b, data: data)
            curves[kind] = evaluator.evaluateCurve(trained.recipe.curve, bendVector: trained.bendVector, state: trained.state,
                                                   at: ts, data: evaluation, weightDecay: plan.weightDecay, label: kind.rawValue)
        }
        return PairResult(seedPair: SeedPair(seeds), segment: segment, bezier: curves[.bezier]!, polychain: curves[.polychain]!)
    }
}

// MARK: - Results

/// The three paths evaluated for one pair of endpoints.
struct PairResult: Codable {
    let seedPair: SeedPair
    var seeds: (UInt64, UInt64) { seedPair.tuple }
    let segment: CurveEvaluation
    let bezier: CurveEvaluation
    let polychain: CurveEvaluation

    var methods: [(name: String, evaluation: CurveEvaluation)] {
        [("Segment", segment), ("Bezier", bezier), ("PolyChain", polychain)]
    }

    /// The endpoints' values, read at t = 0 and t = 1 of the segment (BN recomputed like every point).
    func endpoints(_ series: KeyPath<CurvePoint, Double>) -> [Double] {
        [segment.points.first![keyPath: series], segment.points.last![keyPath: series]]
    }
}

/// GAR's table rows over all pairs: min/max train loss and test error, the length-weighted
/// test error, the curve length.
struct MethodRow {
    let name: String
    let minTrainLoss, maxTrainLoss, minTestError, maxTestError, averageTestError, length: MeanStd

    init(name: String, _ evaluations: [CurveEvaluation]) {
        self.name = name
        minTrainLoss = MeanStd(evaluations.map { $0.summary(\.trainLoss).min })
        maxTrainLoss = MeanStd(evaluations.map { $0.summary(\.trainLoss).max })
        minTestError = MeanStd(evaluations.map { $0.summary(\.testError).min })
        maxTestError = MeanStd(evaluations.map { $0.summary(\.testError).max })
        averageTestError = MeanStd(evaluations.map { $0.summary(\.testError).integral })
        length = MeanStd(evaluations.map(\.length))
    }

    init(endpointsOf pairs: [PairResult]) {
        name = "Endpoints"
        minTrainLoss = MeanStd(pairs.map { $0.endpoints(\.trainLoss).min()! })
        maxTrainLoss = MeanStd(pairs.map { $0.endpoints(\.trainLoss).max()! })
        minTestError = MeanStd(pairs.map { $0.endpoints(\.testError).min()! })
        maxTestError = MeanStd(pairs.map { $0.endpoints(\.testError).max()! })
        averageTestError = MeanStd(pairs.map { $0.endpoints(\.testError).reduce(0, +) / 2 })
        length = MeanStd([0])
    }

    var cells: [String] {
        [name, minTrainLoss.formatted(3), maxTrainLoss.formatted(3), minTestError.formatted(2, scale: 100),
         maxTestError.formatted(2, scale: 100), averageTestError.formatted(2, scale: 100),
         name == "Endpoints" ? "" : length.formatted(1)]
    }
}

// MARK: - Report

struct Chapter2Report: ChapterReport {
    let plan: CurvePlan
    let pairs: [PairResult]
    let data: TrainingData
    let seconds: Double
    let replaying: RecordedReport?

    var title: String { "Chapter 2 — Bezier vs PolyChain: curves of low loss between trained networks" }
    var budget: Budget { plan.budget }
    var seeds: [UInt64] { pairs.flatMap { [$0.seeds.0, $0.seeds.1] } }

    /// How far above the endpoints' max test error the segment must peak to count as "far above",
    /// and how close the curves must stay ("within a few points"), in percentage points.
    static let barrierMargin = 5.0, fewPoints = 3.0

    var rows: [MethodRow] {
        [MethodRow(endpointsOf: pairs), MethodRow(name: "Segment", pairs.map(\.segment)),
         MethodRow(name: "Bezier", pairs.map(\.bezier)), MethodRow(name: "PolyChain", pairs.map(\.polychain))]
    }

    /// Each claim with the numbers that decide it, computed from this run.
    var claims: [(claim: String, measured: String, held: Bool)] {
        let r = rows
        let (ends, segment, bezier, poly) = (r[0], r[1], r[2], r[3])
        func pct(_ m: MeanStd) -> String { m.formatted(2, scale: 100) + " %" }
        return [
            ("the segment's max test error is far above the endpoints' (by ≥ \(Self.barrierMargin) points)",
             "segment \(pct(segment.maxTestError)) vs endpoints \(pct(ends.maxTestError))",
             100 * (segment.maxTestError.mean - ends.maxTestError.mean) >= Self.barrierMargin),
            ("Bezier keeps max test error within \(Self.fewPoints) points of the endpoints'",
             "Bezier \(pct(bezier.maxTestError)) vs endpoints \(pct(ends.maxTestError))",
             100 * (bezier.maxTestError.mean - ends.maxTestError.mean) <= Self.fewPoints),
            ("PolyChain keeps max test error within \(Self.fewPoints) points of the endpoints'",
             "PolyChain \(pct(poly.maxTestError)) vs endpoints \(pct(ends.maxTestError))",
             100 * (poly.maxTestError.mean - ends.maxTestError.mean) <= Self.fewPoints),
            ("both curves reach lower train loss than the endpoints",
             "min train loss: Bezier \(bezier.minTrainLoss.formatted(3)), PolyChain \(poly.minTrainLoss.formatted(3)), endpoints \(ends.minTrainLoss.formatted(3))",
             bezier.minTrainLoss.mean < ends.minTrainLoss.mean && poly.minTrainLoss.mean < ends.minTrainLoss.mean),
            ("Bezier is at least as good as PolyChain (max test error)",
             "Bezier \(pct(bezier.maxTestError)) vs PolyChain \(pct(poly.maxTestError))",
             bezier.maxTestError.mean <= poly.maxTestError.mean),
        ]
    }

    func write(to path: String) throws -> RecordedReport {
        let folder = try OutputFolder(path: path)
        let figure = try folder.write(curvesFigure(), name: "curves")
        let csv = try folder.write(pointsTable(), name: "curves")
        let json = try folder.write(json: summaryJSON(), name: "summary")
        var section = MarkdownDocument()
        fillResults(&section, figure: figure.png, svg: figure.svg, csv: csv, json: json)
        return try write(results: section, to: folder)
    }

    func fillClaim(_ doc: inout MarkdownDocument) {
        if plan.budget == .smoke {
            doc.paragraph("**Smoke budget: a few hundred images and one epoch. The numbers below exercise the code and mean nothing.**")
        }
        doc.paragraph("Garipov et al. (2018): the optima found by SGD are connected by simple curves along which training loss and test error stay nearly constant, while the straight segment between them crosses a high barrier. A quadratic Bezier curve is at least as good as a polygonal chain with one bend.")
        doc.table(header: ["claim", "measured here", "held?"], rows: claims.map { [$0.claim, $0.measured, $0.held ? "yes" : "**no**"] })
    }

    func fillSetup(_ doc: inout MarkdownDocument) {
        let e = plan.endpointRecipe(seed: pairs[0].seeds.0, data: data)
        doc.bullets([
            "Data: \(data.name), \(data.train.count) training and \(data.test.count) test images, normalised with the training set's mean and std.",
            "Network: `\(plan.model.rawValue)`, \(data.parameterCount(plan.model)) parameters.",
            "Endpoints: \(pairs.count) pair(s) of independently trained networks, seeds \(pairs.map { "\($0.seeds.0)–\($0.seeds.1)" }.joined(separator: ", ")); \(e.epochs) epochs, batch \(e.batchSize), SGD momentum \(e.momentum), lr \(e.learningRate), weight decay \(e.weightDecay), GAR's piecewise schedule, random crop (pad \(e.cropPadding)) and horizontal flip.",
            "Curves: \(plan.bends) bends (endpoints fixed, middle bend initialised on the segment), \(plan.curveEpochs) epochs with the endpoints' optimizer and schedule, one t ~ U(0, 1) per minibatch, weight decay on θ(t).",
            "Evaluation: \(plan.points) evenly spaced t; at each, BN statistics recomputed on a fixed subset of \(min(plan.batchNormImages, data.train.count)) training images; train loss (NLL + ½·wd·‖θ‖²) and error on a fixed subset of \(min(plan.trainEvaluationImages, data.train.count)) training images; test NLL and error on \(data.test.count == 10_000 ? "all 10000" : "the first \(data.test.count) of the 10000") test images.",
            "Budget: `\(plan.budget.rawValue)`.",
        ])
    }

    func fillResults(_ doc: inout MarkdownDocument, figure: String, svg: String, csv: String, json: String) {
        let caption = pairs.count > 1 ? "Train loss (log scale) and test error along t, mean ± std over \(pairs.count) endpoint pairs." : "Train loss (log scale) and test error along t for one endpoint pair."
        doc.figure(figure, caption: caption + " Dashed: the straight segment; solid: the trained curves.")
        doc.vectorLinks(svg: svg)
        doc.paragraph("GAR's table: min/max over the path (errors in %, train loss NLL + ½·wd·‖θ‖²), the length-weighted mean test error and the path length in weight space\(pairs.count > 1 ? "; mean ± std over pairs" : "").")
        doc.table(header: ["path", "min train loss", "max train loss", "min test error", "max test error", "avg test error (length-weighted)", "length"],
                  rows: rows.map(\.cells))
        let segments = pairs.map(\.segment)
        doc.paragraph("Loss barrier of the segment, `max − ½(start + end)`: train loss \(MeanStd(segments.map { $0.summary(\.trainLoss).barrier }).formatted(3)), test error \(MeanStd(segments.map { $0.summary(\.testError).barrier }).formatted(2, scale: 100)) points.")
        doc.paragraph("Every series summarised as GAR's `eval_curve.py` prints it (first pair; test error in %):")
        var summaryRows: [[String]] = []
        for (name, evaluation) in pairs[0].methods {
            let s = evaluation.summary(\.testError), l = evaluation.summary(\.trainLoss)
            summaryRows.append([name, "test error"] + [s.start, s.end, s.min, s.max, s.mean, s.integral].map { String(format: "%.2f", 100 * $0) })
            summaryRows.append([name, "train loss"] + [l.start, l.end, l.min, l.max, l.mean, l.integral].map { String(format: "%.4f", $0) })
        }
        doc.table(header: ["path", "series", "start", "end", "min", "max", "avg", "int"], rows: summaryRows)
        doc.paragraph("Data behind the figure and tables:")
        doc.fileLink("every evaluated point (CSV)", to: csv)
        doc.fileLink("summaries (JSON)", to: json)
    }

    func fillPaperVsHere(_ doc: inout MarkdownDocument) {
        doc.paragraph("Test error (%), min / max along the path. Paper: CIFAR-10 (GAR's README); here: \(data.name) with `\(plan.model.rawValue)`.")
        let r = rows
        func here(_ m: MethodRow) -> String { "\(m.minTestError.formatted(2, scale: 100)) / \(m.maxTestError.formatted(2, scale: 100))" }
        doc.table(header: ["setting", "endpoints", "Bezier", "PolyChain"], rows: [
            ["paper: VGG16, CIFAR-10", "6.79 / 6.94", "6.79 / 7.75", "6.79 / 8.08"],
            ["paper: PreResNet164, CIFAR-10", "4.75 / 4.76", "4.45 / 4.97", "4.39 / 5.13"],
            ["paper: WRN28x10, CIFAR-10", "3.69 / 3.73", "3.49 / 3.88", "3.53 / 4.29"],
            ["here: \(plan.model.rawValue), \(data.name)", here(r[0]), here(r[2]), here(r[3])],
        ])
        doc.paragraph("Train loss min / max (paper, VGG16 CIFAR-10): endpoints 0.24, Bezier 0.14 / 0.24, PolyChain 0.16 / 0.27. Here: endpoints \(r[0].minTrainLoss.formatted(3)) / \(r[0].maxTrainLoss.formatted(3)), Bezier \(r[2].minTrainLoss.formatted(3)) / \(r[2].maxTrainLoss.formatted(3)), PolyChain \(r[3].minTrainLoss.formatted(3)) / \(r[3].maxTrainLoss.formatted(3)).")
    }

    func fillDeviations(_ doc: inout MarkdownDocument) {
        doc.bullets([
            "\(data.deviation(fromPaper: [.cifar10, .cifar100], detail: "28×28 grey")), and `\(plan.model.rawValue)` instead of VGG16 / PreResNet164 / WRN28x10: the package runs on two CPU cores.",
            "Endpoints trained \(plan.endpointEpochs) epochs and curves \(plan.curveEpochs) epochs (GAR: 200 and 600) with GAR's schedule shape scaled to the run.",
            data.train.count < 60_000 || data.test.count < 10_000
                ? "Networks and curves trained on the first \(data.train.count) training images; test metrics on the first \(data.test.count) test images (GAR: all). This keeps the budget's \(plan.seedPairs.count) pair(s) × 3 paths × \(plan.points) points within its time on two CPU cores; at the full budget the endpoints are chapter 3's independent networks (one recipe, trained once)."
                : "All 60 000 training and 10 000 test images.",
            "BN statistics at each t are recomputed on a fixed subset of \(min(plan.batchNormImages, data.train.count)) training images without augmentation (GAR: a full pass over the augmented training loader); train metrics on a fixed subset of \(min(plan.trainEvaluationImages, data.train.count)) images (GAR: all).",
            "Weight decay on the curve point θ(t) as ½·wd·‖θ(t)‖², as in GAR's curve training; the optimizer's own weight decay is 0.",
            "The segment's endpoint values (t = 0, 1) are measured with BN recomputed like every other point, so the endpoints row is comparable with the curves.",
        ])
    }

    // MARK: Figure and data

    func curvesFigure() -> Figure {
        let figure = Figure(size: .doubleColumn(aspect: 0.38), grid: Grid(rows: 1, columns: 2), sharedAxes: .x)
        let loss = figure[0, 0], error = figure[0, 1]
        loss.yAxis = Axis(label: "train loss", scale: .log)
        error.yAxis = Axis(label: "test error (%)")
        let ts = pairs[0].segment.points.map(\.t)
        for (index, name) in ["Segment", "Bezier", "PolyChain"].enumerated() {
            var style = LineStyle.automatic(index)
            style.dash = index == 0 ? .dashed : .solid
            style.width = index == 0 ? 1.3 : 1.7
            for (panel, series, scale) in [(loss, \CurvePoint.trainLoss, 1.0), (error, \CurvePoint.testError, 100.0)] {
                let values = pairs.map { pair in pair.methods[index].evaluation.points.map { $0[keyPath: series] * scale } }
                let stats = ts.indices.map { k in MeanStd(values.map { $0[k] }) }
                if pairs.count > 1 {
                    panel.meanAndSpread(x: ts, mean: stats.map(\.mean), std: stats.map(\.std), label: name, style: style)
                } else {
                    panel.line(x: ts, y: stats.map(\.mean), label: name, style: style)
                }
            }
        }
        for panel in [loss, error] { panel.xAxis = Axis(label: "t", limits: 0...1) }
        return figure
    }

    func pointsTable() -> CSVTable {
        var table = CSVTable(header: ["seed_a", "seed_b", "path", "t", "train_loss", "train_nll", "train_error", "test_nll", "test_loss", "test_error", "segment_length"])
        for pair in pairs {
            for (name, evaluation) in pair.methods {
                for p in evaluation.points {
                    table.append(["\(pair.seeds.0)", "\(pair.seeds.1)", name.lowercased()] +
                                 [p.t, p.trainLoss, p.trainNLL, p.trainError, p.testNLL, p.testLoss, p.testError, p.segmentLength].map(CSVTable.format))
                }
            }
        }
        return table
    }

    struct PathSummary: Encodable {
        let seeds: [UInt64]
        let path: String
        let length: Double
        let trainLoss, testError, testNLL: SeriesSummary
    }

    func summaryJSON() -> [PathSummary] {
        pairs.flatMap { pair in
            pair.methods.map { name, e in
                PathSummary(seeds: [pair.seeds.0, pair.seeds.1], path: name.lowercased(), length: e.length,
                            trainLoss: e.summary(\.trainLoss), testError: e.summary(\.testError), testNLL: e.summary(\.testNLL))
            }
        }
    }
}

Chapter2.main()
