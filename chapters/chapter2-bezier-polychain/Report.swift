import ChapterKit
import Experiments
import Foundation
import Networks
import Plotting
import Reporting
import Statistics
import Training
import WeightSpace

/// Claim · Setup · Results · Paper vs here · Deviations · Reproduce · Provenance of chapter 2.
struct Chapter2Report: ChapterReport {
    let plan: CurvePlan
    let pairs: [PairResult]
    let data: TrainingData
    let seconds: Double
    let replaying: RecordedReport?

    var title: String { "Chapter 2 — Bezier vs PolyChain: curves of low loss between trained networks" }
    var budget: Budget { plan.budget }
    var seeds: [UInt64] { pairs.flatMap { [$0.seeds.0, $0.seeds.1] } }

    func write(to path: String) throws -> RecordedReport {
        let folder = try OutputFolder(path: path)
        let figure = try folder.write(curvesFigure(), name: "curves")
        let csv = try folder.write(pointsTable(), name: "curves")
        let json = try folder.write(json: summaryJSON(), name: "summary")
        let curvature = try curvatureFigure().map { (figure: try folder.write($0, name: "curvature"), csv: try folder.write(curvatureTable(), name: "curvature")) }
        var section = MarkdownDocument()
        fillResults(&section, figure: figure.png, svg: figure.svg, csv: csv, json: json, curvature: curvature)
        return try write(results: section, to: folder)
    }

    func fillClaim(_ doc: inout MarkdownDocument) {
        warnIfSmoke(&doc, spending: "a few hundred images and one epoch")
        doc.paragraph("""
            Garipov et al. (2018): the optima found by SGD are connected by simple curves along which training \
            loss and test error stay nearly constant, while the straight segment between them crosses a high \
            barrier. A quadratic Bezier curve is at least as good as a polygonal chain with one bend.
            """)
        doc.paragraph(Verdict.testedClaimsExplanation(over: "pairs"))
        doc.verdicts(claims)
    }

    func fillSetup(_ doc: inout MarkdownDocument) {
        let e = plan.endpointRecipe(seed: pairs[0].seeds.0, data: data)
        doc.bullets([
            """
                Data: \(data.name), \(data.train.count) training and \(data.test.count) test images, \
                normalised with the training set's mean and std.
                """,
            "Network: `\(plan.model.rawValue)`, \(data.parameterCount(plan.model)) parameters.",
            """
                Endpoints: \(pairs.count) pair(s) of independently trained networks, seeds \
                \(pairs.map { "\($0.seeds.0)–\($0.seeds.1)" }.joined(separator: ", ")); \(e.epochs) epochs, \
                batch \(e.batchSize), SGD momentum \(e.momentum), lr \(e.learningRate), weight decay \
                \(e.weightDecay), GAR's piecewise schedule, random crop (pad \(e.cropPadding)) and horizontal \
                flip.
                """,
            """
                Curves: \(plan.bends) bends (endpoints fixed, middle bend initialised on the segment), \
                \(plan.curveEpochs) epochs with the endpoints' optimizer and schedule, one t ~ U(0, 1) per \
                minibatch, weight decay on θ(t).
                """,
            """
                Evaluation: \(plan.points) evenly spaced t; at each, BN statistics recomputed on a fixed \
                subset of \(min(plan.batchNormImages, data.train.count)) training images; train loss (NLL + \
                ½·wd·‖θ‖²) and error on a fixed subset of \(min(plan.trainEvaluationImages, data.train.count)) \
                training images; test NLL and error on \
                \(data.test.count == 10_000 ? "all 10000" : "the first \(data.test.count) of the 10000") test \
                images.
                """,
            "Budget: `\(plan.budget.rawValue)`.",
        ])
    }

    func fillResults(_ doc: inout MarkdownDocument, figure: String, svg: String, csv: String, json: String,
                     curvature: (figure: (png: String, svg: String), csv: String)? = nil) {
        let caption = pairs.count > 1
            ? "Train loss (log scale) and test error along t, mean ± std over \(pairs.count) endpoint pairs."
            : "Train loss (log scale) and test error along t for one endpoint pair."
        doc.figure(figure, caption: caption + " Dashed: the straight segment; solid: the trained curves.")
        doc.vectorLinks(svg: svg)
        doc.paragraph("""
            GAR's table: min/max over the path (errors in %, train loss NLL + ½·wd·‖θ‖²), the length-weighted \
            mean test error and the path length in weight \
            space\(pairs.count > 1 ? "; mean ± std over pairs" : "").
            """)
        doc.table(header: ["path", "min train loss", "max train loss", "min test error", "max test error", "avg test error (length-weighted)", "length"],
                  rows: rows.map(\.cells))
        let segments = pairs.map(\.segment)
        doc.paragraph("""
            Loss barrier of the segment, `max − ½(start + end)`: train loss \
            \(MeanStd(segments.map { $0.summary(\.trainLoss).barrier }).formatted(3)), test error \
            \(MeanStd(segments.map { $0.summary(\.testError).barrier }).formatted(2, scale: 100)) points.
            """)
        doc.paragraph("Every series summarised as GAR's `eval_curve.py` prints it (first pair; test error in %):")
        var summaryRows: [[String]] = []
        for (name, evaluation) in pairs[0].methods {
            let s = evaluation.summary(\.testError), l = evaluation.summary(\.trainLoss)
            summaryRows.append([name, "test error"] + [s.start, s.end, s.min, s.max, s.mean, s.integral].map { String(format: "%.2f", 100 * $0) })
            summaryRows.append([name, "train loss"] + [l.start, l.end, l.min, l.max, l.mean, l.integral].map { String(format: "%.4f", $0) })
        }
        doc.table(header: ["path", "series", "start", "end", "min", "max", "avg", "int"], rows: summaryRows)
        if let curvature { fillCurvature(&doc, figure: curvature.figure) }
        fillWhyNot(&doc)
        doc.paragraph("Data behind the figure and tables:")
        if let curvature { doc.fileLink("the Hessian's top eigenvalue at every point (CSV)", to: curvature.csv) }
        doc.fileLink("every evaluated point (CSV)", to: csv)
        doc.fileLink("summaries (JSON)", to: json)
    }

    /// Curvature along the paths: is a low-loss curve's middle flatter or sharper than its ends?
    func fillCurvature(_ doc: inout MarkdownDocument, figure: (png: String, svg: String)) {
        doc.heading("Curvature along the paths", level: 3)
        doc.paragraph("""
            The Hessian of the training loss (mean cross-entropy on a fixed \(min(plan.curvature.images, data.train.count))-image \
            training subset, BN recomputed as for every point and in eval mode, no weight decay) at the endpoints and at t = \
            \(plan.curvatureTs.map { $0.formatted() }.joined(separator: ", ")) of the segment and the Bezier curve: its top \
            eigenvalue by Lanczos (tolerance \(plan.curvature.settings.tolerance), at most \(plan.curvature.settings.maxSteps) products), products \
            by central differences of gradients with every ReLU's mask frozen at the point (docs/algorithms.md, "Curvature").
            """)
        doc.figure(figure.png, caption: "The Hessian's top eigenvalue along t, \(pairs.count > 1 ? "mean ± std over \(pairs.count) pairs" : "one pair"); t = 0 and 1 are the endpoints.")
        doc.vectorLinks(svg: figure.svg)
        let rows = middleAgainstEnds.map { r in
            [r.path, r.middle.formatted(3), r.ends.formatted(3), Verdict.statistics(of: r.test)]
        }
        if !rows.isEmpty {
            doc.paragraph("At the middle (t = 0.5) against the endpoints' mean, paired over pairs; the test asks whether the middle is sharper (its p) and its \"against\" p whether it is flatter:")
            doc.table(header: ["path", "λ_max at t = 0.5", "λ_max at the endpoints (mean)", "middle − ends: test"], rows: rows)
        }
    }

    /// Why not: Bezier against PolyChain with the curves trained longer.
    func fillWhyNot(_ doc: inout MarkdownDocument) {
        let rows = curveBudgetComparisons
        guard rows.count > 1 else { return }
        doc.heading("Why not: the curves' training budget", level: 3)
        doc.paragraph("""
            Which curve is better can depend on how far their training got: GAR trains curves as long as the \
            endpoints (here \(plan.curveEpochs) epochs), and either curve may still be improving when its \
            training stops. Both curves of every pair trained again for \(plan.curveEpochs * CurvePlan.longerCurveFactor) \
            epochs (same recipe otherwise), evaluated at the same t; Bezier − PolyChain max test error, paired over \
            \(pairs.count) pair(s). The verdict above stays that of the configured budget.
            """)
        doc.table(header: ["curve epochs", "Bezier max test error (%)", "PolyChain max test error (%)", "Bezier − PolyChain: test",
                           "outcome (Bezier at least as good)"],
                  rows: rows.map { [String($0.epochs), $0.bezier.formatted(2), $0.polychain.formatted(2), Verdict.statistics(of: $0.test), Verdict.outcomeCell(of: $0.test)] })
    }

    func fillPaperVsHere(_ doc: inout MarkdownDocument) {
        doc.paragraph("""
            Test error (%), min / max along the path. Paper: CIFAR-10 (GAR's README); here: \(data.name) with \
            `\(plan.model.rawValue)`.
            """)
        let r = rows
        func here(_ m: MethodRow) -> String { "\(m.minTestError.formatted(2, scale: 100)) / \(m.maxTestError.formatted(2, scale: 100))" }
        doc.table(header: ["setting", "endpoints", "Bezier", "PolyChain"], rows: [
            ["paper: VGG16, CIFAR-10", "6.79 / 6.94", "6.79 / 7.75", "6.79 / 8.08"],
            ["paper: PreResNet164, CIFAR-10", "4.75 / 4.76", "4.45 / 4.97", "4.39 / 5.13"],
            ["paper: WRN28x10, CIFAR-10", "3.69 / 3.73", "3.49 / 3.88", "3.53 / 4.29"],
            ["here: \(plan.model.rawValue), \(data.name)", here(r[0]), here(r[2]), here(r[3])],
        ])
        doc.paragraph("""
            Train loss min / max (paper, VGG16 CIFAR-10): endpoints 0.24, Bezier 0.14 / 0.24, PolyChain 0.16 / \
            0.27. Here: endpoints \(r[0].minTrainLoss.formatted(3)) / \(r[0].maxTrainLoss.formatted(3)), \
            Bezier \(r[2].minTrainLoss.formatted(3)) / \(r[2].maxTrainLoss.formatted(3)), PolyChain \
            \(r[3].minTrainLoss.formatted(3)) / \(r[3].maxTrainLoss.formatted(3)).
            """)
    }

    func fillDeviations(_ doc: inout MarkdownDocument) {
        doc.bullets([
            """
                \(data.deviation(fromPaper: [.cifar10, .cifar100], detail: "28×28 grey")), and \
                `\(plan.model.rawValue)` instead of VGG16 / PreResNet164 / WRN28x10: the package runs on two \
                CPU cores.
                """,
            """
                Endpoints trained \(plan.endpointEpochs) epochs and curves \(plan.curveEpochs) epochs (GAR: \
                200 and 600) with GAR's schedule shape scaled to the run.
                """,
            data.train.count < 60_000 || data.test.count < 10_000
                ? """
                    Networks and curves trained on the first \(data.train.count) training images; test metrics \
                    on the first \(data.test.count) test images (GAR: all). This keeps the budget's \
                    \(plan.seedPairs.count) pair(s) × 3 paths × \(plan.points) points within its time on two \
                    CPU cores; at the full budget the endpoints are chapter 3's independent networks (one \
                    recipe, trained once).
                    """
                : "All 60 000 training and 10 000 test images.",
            """
                BN statistics at each t are recomputed on a fixed subset of \
                \(min(plan.batchNormImages, data.train.count)) training images without augmentation (GAR: a \
                full pass over the augmented training loader); train metrics on a fixed subset of \
                \(min(plan.trainEvaluationImages, data.train.count)) images (GAR: all).
                """,
            """
                Weight decay on the curve point θ(t) as ½·wd·‖θ(t)‖², as in GAR's curve training; the \
                optimizer's own weight decay is 0.
                """,
            """
                The segment's endpoint values (t = 0, 1) are measured with BN recomputed like every other \
                point, so the endpoints row is comparable with the curves.
                """,
        ] + [fewerPairsDeviation(pairs: plan.seedPairs.count, unit: "two trained networks, a Bezier and a PolyChain curve between them (and both again at twice the budget for the why-not), and \(plan.points) points along every path with BN recomputed")].compactMap { $0 })
    }
}
