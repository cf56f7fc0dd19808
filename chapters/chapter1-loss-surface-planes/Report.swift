import ChapterKit
import Experiments
import Foundation
import Networks
import Reporting
import Statistics
import WeightSpace

/// Claim · Setup · Results · Paper vs here · Deviations · Reproduce · Provenance of chapter 1.
struct PlanesReport: ChapterReport {
    let results: PlanesResults
    let data: TrainingData
    let seconds: Double
    let replaying: RecordedReport?

    var title: String { "Chapter 1 — Loss-surface planes: isolated optima, and the valleys curves follow" }
    var budget: Budget { plan.budget }
    var seeds: [UInt64] { plan.seeds }

    var plan: PlanesPlan { results.plan }
    var pairCount: Int { plan.pairs.count }
    var spread: String { pairCount > 1 ? "mean ± std over \(pairCount) pairs" : "one pair" }

    func write(to path: String) throws -> RecordedReport {
        let folder = try OutputFolder(path: path)
        let figures = PlaneFigures(results: results)
        let planes = try folder.write(figures.planesFigure(), name: "planes")
        let random = try folder.write(figures.randomPlaneFigure(), name: "random-plane")
        let tables = PlanesData(results: results, levels: PlaneSeries.allCases.map { figures.levels($0).levels })
        let files = [("every grid point of every drawn plane (CSV)", try folder.write(tables.gridTable(), name: "grids")),
                     ("""
                         every point measured for the tables: optima, midpoints, centroids, projected curves, \
                         segments (CSV)
                         """, try folder.write(tables.pointsTable(), name: "points")),
                     ("summaries, verdicts, plane geometry and contour levels (JSON)", try folder.write(json: tables.summary(), name: "summary"))]
        var section = MarkdownDocument()
        fillResults(&section, planes: planes, random: random, files: files)
        return try write(results: section, to: folder)
    }

    func fillClaim(_ doc: inout MarkdownDocument) {
        warnIfSmoke(&doc, spending: "a few hundred images, one epoch, a tiny grid")
        doc.paragraph("""
            Garipov et al. (2018, Fig. 1): on the plane through three independently trained networks the \
            optima are isolated, with high loss between them; on the plane through two of them and the middle \
            bend of a trained Bezier or PolyChain curve, a curved valley of low loss joins the endpoints, and \
            the curve stays at the endpoints' loss where the straight segment does not. Verdicts are computed \
            from this run (\(spread)).
            """)
        doc.paragraph(Verdict.testedClaimsExplanation(over: "pairs (a threshold claim: its one-sided bound, a one-sample t-test)"))
        doc.verdicts(results.verdicts)
    }

    func fillSetup(_ doc: inout MarkdownDocument) {
        let e = plan.curves.endpointRecipe(seed: plan.seeds[0], data: data)
        let ev = plan.curves
        doc.bullets([
            """
                Data: \(data.name), \(data.train.count) training and \(data.test.count) test images, \
                normalised with the training set's mean and std.
                """,
            """
                Network: `\(ev.model.rawValue)`, \(data.parameterCount(ev.model)) parameters; seeds \
                \(plan.seeds.map(String.init).joined(separator: ", ")), each trained \(e.epochs) epochs (batch \
                \(e.batchSize), SGD momentum \(e.momentum), lr \(e.learningRate), weight decay \
                \(e.weightDecay), GAR's piecewise schedule, crop + flip) — chapter 2's endpoints, shared \
                through the artifact cache.
                """,
            """
                Curves: chapter 2's Bezier and PolyChain curves with \(ev.bends) bends (fixed ends), \
                \(ev.curveEpochs) epochs, for the pairs \
                \(plan.pairs.map { "\($0.0)–\($0.1)" }.joined(separator: ", ")).
                """,
            """
                Three-optima planes: A and B the pair's endpoints, C the next seed (triples \
                \(plan.pairs.indices.map { let t = plan.triple($0); return "\(t.0)–\(t.1)–\(t.2)" }.joined(separator: ", "))); \
                A at (0, 0), B at (dx, 0), C above.
                """,
            """
                Planes (GAR `plane.py`): Gram–Schmidt on parameters only (BN buffers excluded), û along B − A, \
                v̂ towards the third point; grid \(plan.grid.points) × \(plan.grid.points), α, β ∈ \
                [\(plan.grid.lower), \(plan.grid.upper)], point A + α·dx·û + β·dy·v̂; drawn for the first \
                pair. Random plane (Li et al.): two filter-normalised Gaussian directions around network \
                \(results.random.seed), grid \(plan.randomGrid.points) × \(plan.randomGrid.points) over \
                [\(plan.randomGrid.lower), \(plan.randomGrid.upper)]².
                """,
            """
                At every point: BN statistics recomputed on a fixed subset of \
                \(min(ev.batchNormImages, data.train.count)) training images; train loss = NLL + ½·wd·‖θ‖² (wd \
                \(ev.weightDecay)) and train error on a fixed subset of \
                \(min(ev.trainEvaluationImages, data.train.count)) training images; test error on the first \
                \(ev.pointTestCount(data)) test images.
                """,
            """
                Numbers (tables, verdicts) are measured at the exact points, for every pair: the optima, the \
                midpoints of each two and the centroid; \(plan.pathPoints) points along each curve projected \
                into its plane and along the segment. The figure's curve is its \(plan.overlayPoints) points \
                projected into the plane.
                """,
            "Budget: `\(plan.budget.rawValue)`.",
        ])
    }

    func fillResults(_ doc: inout MarkdownDocument, planes: (png: String, svg: String), random: (png: String, svg: String), files: [(String, String)]) {
        let t = plan.triple(0)
        doc.figure(planes.png, caption: """
            Train loss (top) and test error (bottom) on three planes of pair \(t.0)–\(t.1): through networks \
            \(t.0), \(t.1) and \(t.2) (left); through the endpoints and the middle bend of the Bezier curve \
            (centre) and of the PolyChain curve (right). GAR's log-spaced levels (train loss: vmax 5, log α \
            −5; test error: vmax 40 %, log α −1; \(PlaneFigures.levelCount) levels), one colour scale per row. \
            Circles: networks; diamond: middle bend; thick line: the curve; dashed: the segment. Axes in \
            weight-space units.
            """)
        doc.vectorLinks(svg: planes.svg)
        doc.figure(random.png, caption: """
            Beyond the paper: the filter-normalised random plane around network \(results.random.seed) (Li et \
            al. 2018), θ + x·δ + y·η, on the same levels as the planes above.
            """)
        doc.vectorLinks(svg: random.svg)
        fillThreeOptimaTable(&doc)
        fillCurvePlaneTable(&doc)
        doc.paragraph("Data behind the figures and tables:")
        for (text, file) in files { doc.fileLink(text, to: file) }
    }

    func fillThreeOptimaTable(_ doc: inout MarkdownDocument) {
        doc.paragraph("""
            Three-optima planes (\(spread)): the three networks, the midpoint of each two, and the centroid \
            (train loss; test error in %).
            """)
        let tr = results.triples
        func row(_ name: String, _ values: (ThreeOptimaResult) -> [PointMetrics]) -> [String] {
            let loss = MeanStd(tr.map { t in values(t).map(\.trainLoss).reduce(0, +) / Double(values(t).count) })
            let error = MeanStd(tr.map { t in values(t).map(\.testError).reduce(0, +) / Double(values(t).count) })
            return [name, loss.formatted(3), error.formatted(2, scale: 100)]
        }
        var rows = [row("optima A, B, C (mean)", \.optima)]
        for (k, name) in ThreeOptimaResult.midpointNames.enumerated() { rows.append(row("midpoint \(name)", { [$0.midpoints[k]] })) }
        rows.append(row("centroid", { [$0.centroid] }))
        doc.table(header: ["point", "train loss", "test error (%)"], rows: rows)
    }

    func fillCurvePlaneTable(_ doc: inout MarkdownDocument) {
        doc.paragraph("""
            Curve planes (\(spread)): the worse endpoint, the maximum along the curve projected into its plane \
            and along the straight segment; the plane's size and the curve's largest distance from it.
            """)
        var rows: [[String]] = []
        for (name, r) in results.curvePlanes {
            func m(_ f: (CurvePlaneResult) -> Double) -> MeanStd { MeanStd(r.map(f)) }
            rows.append(["\(name) plane", m { $0.worseEndpoint(\.trainLoss) }.formatted(3), m { $0.maxAlongCurve(\.trainLoss) }.formatted(3),
                         m { $0.maxAlongSegment(\.trainLoss) }.formatted(3), m { $0.worseEndpoint(\.testError) }.formatted(2, scale: 100),
                         m { $0.maxAlongCurve(\.testError) }.formatted(2, scale: 100), m { $0.maxAlongSegment(\.testError) }.formatted(2, scale: 100),
                         m(\.dx).formatted(2), m(\.dy).formatted(2), String(format: "%.1e", r.map(\.relativeResidual).max()!)])
        }
        doc.table(header: ["plane", "endpoint train loss", "curve max train loss", "segment max train loss", "endpoint test error", "curve max test error",
                           "segment max test error", "dx", "dy", "max distance / dx"], rows: rows)
    }

    func fillPaperVsHere(_ doc: inout MarkdownDocument) {
        doc.paragraph("""
            Garipov et al.'s Fig. 1 is a picture (ResNet-164 on CIFAR-100); its curve numbers are GAR's README \
            table (CIFAR-10 test error, %). The rise of the curve's maximum over the endpoints is the quantity \
            both measure:
            """)
        let rise = results.curvePlanes.map { name, r in (name, MeanStd(r.map { 100 * ($0.maxAlongCurve(\.testError) - $0.worseEndpoint(\.testError)) })) }
        doc.table(header: ["setting", "endpoints max", "Bezier max (rise)", "PolyChain max (rise)"], rows: [
            ["paper: VGG16, CIFAR-10", "6.94", "7.75 (+0.81)", "8.08 (+1.14)"],
            ["paper: PreResNet164, CIFAR-10", "4.76", "4.97 (+0.21)", "5.13 (+0.37)"],
            ["paper: WRN28x10, CIFAR-10", "3.73", "3.88 (+0.15)", "4.29 (+0.56)"],
            ["here: \(plan.curves.model.rawValue), \(data.name)", MeanStd(results.bezier.map { 100 * $0.worseEndpoint(\.testError) }).formatted(2),
             "(+\(rise[0].1.formatted(2)))", "(+\(rise[1].1.formatted(2)))"],
        ])
        let held = results.verdicts.filter(\.held).count
        doc.paragraph("""
            Here \(held) of \(results.verdicts.count) verdicts held (table under Claim). The paper shows the \
            three-optima plane and the curve planes qualitatively; the midpoint and centroid numbers above are \
            this chapter's way of measuring \"isolated\".
            """)
    }

    func fillDeviations(_ doc: inout MarkdownDocument) {
        doc.bullets([
            """
                \(data.deviation(fromPaper: [.cifar10, .cifar100])) and `\(plan.curves.model.rawValue)` \
                instead of ResNet-164 / VGG16: the package runs on two CPU cores; networks and curves are \
                chapter 2's (\(plan.curves.endpointEpochs) and \(plan.curves.curveEpochs) epochs instead of \
                200 and 600).
                """,
            """
                GAR's plane loss adds a sum of *unsquared* parameter norms as its regulariser; here the same \
                ½·wd·‖θ‖² as curve training.
                """,
            """
                BN statistics at each point from a fixed \
                \(min(plan.curves.batchNormImages, data.train.count))-image training subset without \
                augmentation (GAR: a pass over the augmented training loader); train metrics on a fixed subset \
                (GAR: all).
                """,
            """
                The grids (\(plan.grid.points)² points per plane) are drawn for one pair; the tables and \
                verdicts use points measured exactly where they are defined (optima, midpoints, centroid, the \
                projected curve, the segment) for all \(pairCount) pair(s), not values read off a grid — more \
                precise, and within the budget's time.
                """,
            """
                The random plane uses LL's filter normalisation with biases and BN parameters' directions set \
                to zero (`ignore='biasbn'`), directions not orthogonalised (as LL).
                """,
        ] + [fewerPairsDeviation(pairs: pairCount, unit: "two trained networks and their Bezier and PolyChain curves (chapter 2's), and every point of its planes with BN recomputed")].compactMap { $0 })
    }
}
