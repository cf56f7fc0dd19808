import ChapterKit
import Experiments
import Foundation
import Networks
import Reporting
import Statistics
import WeightSpace

/// Claim · Setup · Results · Paper vs here · Deviations · Reproduce · Provenance of chapter 4.
struct AveragingReport: ChapterReport {
    let findings: Findings
    let data: TrainingData
    let seconds: Double
    let replaying: RecordedReport?

    var title: String { "Chapter 4 — Stochastic Weight Averaging: wider optima, better generalisation" }
    var budget: Budget { plan.budget }
    var seeds: [UInt64] { plan.seeds }

    var plan: AveragingPlan { findings.plan }
    var spread: String { findings.seeds.count > 1 ? "mean ± std over \(findings.seeds.count) seeds" : "one seed" }

    func write(to path: String) throws -> RecordedReport {
        let folder = try OutputFolder(path: path)
        let figures = AveragingFigures(findings: findings)
        let rays = try folder.write(figures.raysFigure(), name: "rays")
        let segment = try folder.write(figures.segmentFigure(), name: "segment")
        let density = try figures.densityFigure().map { try folder.write($0, name: "hessian-density") }
        let tables = AveragingData(findings: findings)
        let files = [("test error of every solution (CSV)", try folder.write(tables.solutionsTable(), name: "solutions")),
                     ("every ray point of both solutions (CSV)", try folder.write(tables.raysTable(), name: "rays")),
                     ("every segment point (CSV)", try folder.write(tables.segmentTable(), name: "segment")),
                     ("every point of the swa_lr sweep (CSV)", try folder.write(tables.sweepTable(), name: "sweep")),
                     ("the Hessian at both solutions and at the sweep's SWA solutions: top eigenvalues, trace (CSV)", try folder.write(tables.curvatureTable(), name: "curvature")),
                     ("the Hessian's eigenvalue densities (CSV)", try folder.write(tables.densityTable(), name: "hessian-density")),
                     ("summaries, widths and verdicts (JSON)", try folder.write(json: tables.summary(), name: "summary"))]
        var section = MarkdownDocument()
        fillResults(&section, rays: rays, segment: segment, density: density, files: files)
        return try write(results: section, to: folder)
    }

    func fillClaim(_ doc: inout MarkdownDocument) {
        warnIfSmoke(&doc, spending: "a few hundred images and a few epochs")
        doc.paragraph("""
            Izmailov et al. (2018): averaging the weights SGD visits at a constant or cyclical rate (SWA) \
            finds a solution with lower test error than conventional SGD at the same budget, and that solution \
            sits in a wider region of low loss: along random directions its test error rises more slowly, \
            while on the segment towards SGD the SGD point lies near the valley's edge, with lower train loss \
            but higher test error. Verdicts are computed from this run (\(spread)).
            """)
        doc.paragraph(Verdict.testedClaimsExplanation(over: "seeds (over rays for the width)"))
        doc.verdicts(findings.verdicts)
    }

    func fillSetup(_ doc: inout MarkdownDocument) {
        let base = plan.ensemble.baseRecipe(seed: plan.seeds[0], data: data), swa = plan.recipe(base: base)
        let schedule = plan.anneal.map { """
            PyTorch's SWALR (\($0.rawValue)) from the base run's last rate to swa_lr over \
            \(swa.annealEpochs.formatted()) epoch
            """ } ?? "constant swa_lr"
        doc.bullets([
            """
                Data: \(data.name), \(data.train.count) training and \(data.test.count) test images, \
                normalised with the training set's mean and std; random crop (pad \(base.cropPadding)) and \
                flip for training.
                """,
            """
                Network: `\(base.model.rawValue)`, \(data.parameterCount(base.model)) parameters; seeds \
                \(plan.seeds.map(String.init).joined(separator: ", ")).
                """,
            """
                SGD (budget B = \(plan.budgetEpochs) epochs): batch \(base.batchSize), momentum \
                \(base.momentum), lr \(base.learningRate), weight decay \(base.weightDecay), GAR's piecewise \
                schedule to 0.01·lr — the conventional run of chapters 2 and 3, taken from the artifact cache.
                """,
            """
                SWA: from that run's checkpoint after \(plan.startEpoch) epochs (75 % of B, rounded), with its \
                momentum buffer, \(swa.epochs) more epochs at \(schedule) (swa_lr = \(plan.swaLR)); the \
                parameters averaged after epoch \(plan.startEpoch) of the base run and after every SWA epoch. \
                Budgets \(AveragingPlan.budgetFactors.map { $0.formatted() }.joined(separator: ", ")) B = \
                \(plan.budgetTotals.map(String.init).joined(separator: ", ")) epochs, averages of \
                \(findings.seeds[0].members.map(String.init).joined(separator: ", ")) networks.
                """,
            """
                Every solution evaluated with BN statistics recomputed on the same fixed \
                \(min(plan.ensemble.batchNormImages, data.train.count))-image training subset (SGD's too, so \
                both are measured alike); test error on all \(data.test.count) test images for the table.
                """,
            """
                Rays: \(plan.rays) directions per seed drawn uniformly on the unit sphere of parameter space \
                (normalised Gaussian), the same for SGD and SWA (at \
                \(AveragingPlan.budgetFactors.last!.formatted()) B); \(plan.rayPoints) distances from 0 to \
                \(findings.distances.last!.formatted()) (doubled from 1 until SGD's test error on the first \
                ray of seed \(plan.seeds[0]) was 30 points above its own). Width: the distance at which test \
                error first rises \(AveragingPlan.widthRise.formatted()) points above the solution's own, \
                interpolated linearly.
                """,
            """
                Segment: w_SWA + λ·(w_SGD − w_SWA) at \(plan.segment.count) λ in \
                [\(plan.segment.first!.formatted()), \(plan.segment.last!.formatted())]. Ray and segment \
                points: BN recomputed, train loss (NLL + ½·wd·‖θ‖²) and error on a fixed \
                \(min(plan.trainEvaluationImages, data.train.count))-image training subset, test error on the \
                first \(min(plan.probeTestImages, data.test.count)) test images.
                """,
            "Budget: `\(plan.budget.rawValue)`.",
        ])
    }

    func fillResults(_ doc: inout MarkdownDocument, rays: (png: String, svg: String), segment: (png: String, svg: String),
                     density: (png: String, svg: String)?, files: [(String, String)]) {
        doc.paragraph("Test error (%) at equal and longer budgets (\(spread)):")
        var header = ["SGD, 1 B"], row = [findings.sgdError.formatted(2, scale: 100)]
        for (k, f) in AveragingPlan.budgetFactors.enumerated() {
            header.append("SWA, \(f.formatted()) B (\(findings.seeds[0].members[k]) averaged)")
            row.append(findings.swaError(k).formatted(2, scale: 100))
        }
        doc.table(header: header, rows: [row])
        doc.figure(rays.png, caption: """
            Test error (left) and train loss (right, log scale) at distance s along random unit directions \
            from the SGD and the SWA solution, the same directions for both; mean ± std over \
            \(plan.rays * findings.seeds.count) rays (\(findings.seeds.count) seed(s) × \(plan.rays)).
            """)
        doc.vectorLinks(svg: rays.svg)
        let (sgdW, sgdC) = findings.widths(\.sgdRays), (swaW, swaC) = findings.widths(\.swaRays)
        doc.table(header: ["solution", "width (mean ± std over rays)", "min", "max", "rays not rising \(AveragingPlan.widthRise.formatted()) points within reach"], rows: [
            ["SGD", MeanStd(sgdW).formatted(2), String(format: "%.2f", sgdW.min()!), String(format: "%.2f", sgdW.max()!), "\(sgdC)"],
            ["SWA", MeanStd(swaW).formatted(2), String(format: "%.2f", swaW.min()!), String(format: "%.2f", swaW.max()!), "\(swaC)"],
        ])
        doc.figure(segment.png, caption: """
            Train loss (left, log scale) and test error (right) along w_SWA + λ·(w_SGD − w_SWA) (\(spread)); λ \
            = 0 is SWA, λ = 1 is SGD.
            """)
        doc.vectorLinks(svg: segment.svg)
        let sep = MeanStd(findings.seeds.map(\.separation))
        doc.paragraph("Distance ‖w_SGD − w_SWA‖: \(sep.formatted(2)).")
        fillCurvature(&doc, density: density)
        fillWhyNot(&doc)
        doc.paragraph("Data behind the figures and tables:")
        for (text, file) in files { doc.fileLink(text, to: file) }
    }

    /// Curvature: the Hessian at both solutions, beside the rays.
    func fillCurvature(_ doc: inout MarkdownDocument, density: (png: String, svg: String)?) {
        guard !findings.curvature.isEmpty else { return }
        doc.heading("Curvature", level: 3)
        doc.paragraph("""
            A second measure of width: the Hessian of the training loss (mean cross-entropy on a fixed \
            \(min(plan.curvature.images, data.train.count))-image training subset, BN in eval mode on statistics recomputed as \
            for every other point, no weight decay) at the SGD and the SWA solution of seed(s) \
            \(plan.curvatureSeeds.map(String.init).joined(separator: ", ")): \(plan.curvature.settings). Products by central \
            differences of gradients with every ReLU's mask frozen at the solution (docs/algorithms.md, "Curvature").
            """)
        var rows: [[String]] = []
        for pair in findings.curvature {
            for (name, r) in [("SGD", pair.sgd), ("SWA", pair.swa)] {
                rows.append(["\(pair.seed)", name, r.top.values.map { String(format: "%.3f", $0) }.joined(separator: ", "),
                             "\(r.top.steps)\(r.top.converged ? "" : " (not converged)")",
                             String(format: "%.1f ± %.1f", r.trace.estimate, r.trace.standardError), "\(r.products)"])
            }
        }
        doc.table(header: ["seed", "solution", "top eigenvalue(s)", "Lanczos products", "trace ± standard error", "products in all"], rows: rows)
        if let density {
            doc.figure(density.png, caption: """
                The Hessian's eigenvalue density at the SGD and the SWA solution of seed \(findings.curvature[0].seed) \
                (stochastic Lanczos quadrature, Gaussian smoothing; log scale).
                """)
            doc.vectorLinks(svg: density.svg)
        }
    }

    /// Why not: the claims at SWA's rate, swept. The primary verdicts stay those at swa_lr = \(plan.swaLR).
    func fillWhyNot(_ doc: inout MarkdownDocument) {
        let settings = findings.sweepSettings
        guard !settings.isEmpty else { return }
        doc.heading("Why not: SWA's learning rate", level: 3)
        let failing = findings.verdicts.filter { $0.evidence.map { $0.outcome != .held } ?? !$0.held }
        doc.paragraph("""
            The likeliest reason for a width, segment or flatness claim to fail is the averaging rate: the SWA repository uses \
            swa_lr from 0.2× to 0.5× of the initial rate depending on the network, and this chapter's default \
            (\(plan.swaLR.formatted()) with lr \(plan.ensemble.baseRecipe(seed: plan.seeds[0], data: data).learningRate.formatted())) \
            is the low end. \(failing.isEmpty ? "Every claim held at the default rate; the sweep shows how they depend on it." : "At the default rate \(failing.count) claim(s) did not hold (above).") \
            The same SWA from the same checkpoints at each swa_lr, on seed(s) \
            \(plan.sweepSeeds.map(String.init).joined(separator: ", ")) (n = \(plan.sweepSeeds.count)), tested as above \
            against the same SGD solutions: test error at \(AveragingPlan.budgetFactors.last!.formatted()) B (every test \
            image), width along each seed's first \(plan.sweepRays) ray(s) (paired by ray), and the segment's ends\
            \(settings.contains { $0.curvature != nil } ? "; on the curvature seeds, the Hessian's top eigenvalue and trace at each setting's solution (the settings above, without the density), against the same SGD solutions' (the flatness claims)" : ""). The \
            verdicts above stay those at the default rate; this is not a tuning of it.
            """)
        doc.table(header: ["swa_lr", "SWA test error (%)", "SGD test error (%)", "SWA − SGD: test", "outcome",
                           "width SWA", "width SGD", "SWA − SGD: width", "outcome"],
                  rows: settings.map { s in
                      [s.swaLR.formatted(), s.swaError.formatted(2), s.sgdError.formatted(2),
                       Verdict.statistics(of: s.errorTest), Verdict.outcomeCell(of: s.errorTest), s.swaWidth.formatted(2), s.sgdWidth.formatted(2),
                       Verdict.statistics(of: s.widthTest), Verdict.outcomeCell(of: s.widthTest)]
                  })
        doc.table(header: ["swa_lr", "segment: SGD − SWA train loss", "outcome (SGD lower)", "segment: SGD − SWA test error (points)",
                           "outcome (SGD higher)"],
                  rows: settings.map { s in
                      [s.swaLR.formatted(), Verdict.statistics(of: s.lossTest), Verdict.outcomeCell(of: s.lossTest),
                       Verdict.statistics(of: s.segmentErrorTest), Verdict.outcomeCell(of: s.segmentErrorTest)]
                  })
        let flatness = settings.compactMap { s in s.curvature.map { (s.swaLR, $0) } }
        guard !flatness.isEmpty else { return }
        doc.table(header: ["swa_lr", "λ_max SWA", "λ_max SGD", "SWA − SGD: λ_max", "outcome (SWA lower)", "trace SWA", "trace SGD",
                           "SWA − SGD: trace", "outcome (SWA lower)"],
                  rows: flatness.map { rate, c in
                      [rate.formatted(), c.swaTop.formatted(1), c.sgdTop.formatted(1), Verdict.statistics(of: c.topTest), Verdict.outcomeCell(of: c.topTest),
                       c.swaTrace.formatted(1), c.sgdTrace.formatted(1), Verdict.statistics(of: c.traceTest), Verdict.outcomeCell(of: c.traceTest)]
                  })
    }

    func fillPaperVsHere(_ doc: inout MarkdownDocument) {
        let here = [findings.sgdError] + AveragingPlan.budgetFactors.indices.map { findings.swaError($0) }
        doc.paragraph("Test accuracy (%), SGD / SWA at 1, 1.25, 1.5 budgets. Paper: Izmailov et al. 2018, Table 1.")
        doc.table(header: ["setting", "SGD", "SWA 1 B", "SWA 1.25 B", "SWA 1.5 B"], rows: [
            ["paper: VGG16, CIFAR-10", "93.25", "93.59", "93.70", "93.64"],
            ["paper: PreResNet164, CIFAR-10", "95.28", "95.56", "95.77", "95.83"],
            ["paper: WRN28x10, CIFAR-10", "96.18", "96.45", "96.64", "96.79"],
            ["paper: VGG16, CIFAR-100", "72.55", "73.91", "74.17", "74.27"],
            ["paper: PreResNet164, CIFAR-100", "78.49", "79.77", "80.18", "80.35"],
            ["here: \(plan.ensemble.model.rawValue), \(data.name)"] + here.map { m in
                MeanStd([1 - m.mean]).formatted(2, scale: 100) + (m.count > 1 ? " ± " + String(format: "%.2f", 100 * m.std) : "")
            },
        ])
        doc.paragraph("""
            A fast.ai reproduction (CIFAR-10 test error, %): VGG16 6.58 → 6.28, PreResNet110 4.47 → 3.85 with \
            SWA. Here: \(findings.sgdError.formatted(2, scale: 100)) → \
            \(findings.swaError(0).formatted(2, scale: 100)) at 1 B.
            """)
        doc.paragraph("""
            The paper's Fig. 4 (rays) and Fig. 5 (segment) are pictures; the widths and segment ends above are \
            this chapter's measurements of them. \(findings.verdicts.filter(\.held).count) of \
            \(findings.verdicts.count) verdicts held here.
            """)
    }

    func fillDeviations(_ doc: inout MarkdownDocument) {
        doc.bullets([
            """
                \(data.deviation(fromPaper: [.cifar10, .cifar100])), `\(plan.ensemble.model.rawValue)` instead \
                of VGG16 / PreResNet164 / WRN28x10, and B = \(plan.budgetEpochs) epochs instead of 150–300: \
                the package runs on two CPU cores.
                """,
            """
                SWA continues the SGD run's own checkpoint (GAR's piecewise schedule up to 75 % of B) instead \
                of a separate run with SWA's schedule from the start; in the paper's schedule the rate has \
                reached swa_lr by 90 % of swa_start anyway, so from the checkpoint on both are the constant \
                swa_lr.
                """,
            """
                Budgets are rounded to whole epochs (the average is collected once per epoch): \
                \(AveragingPlan.budgetFactors.map { $0.formatted() }.joined(separator: ", ")) B → \
                \(plan.budgetTotals.map(String.init).joined(separator: ", ")) epochs.
                """,
            """
                BN statistics from a fixed training subset without augmentation (SWA's `bn_update`: a pass \
                over the augmented training loader), for SGD's solution as well as SWA's.
                """,
            """
                Rays and the segment use the largest-budget SWA solution; train metrics on a fixed subset and \
                test metrics on \(min(plan.probeTestImages, data.test.count)) test images per point, to keep \
                \(2 * plan.rays * plan.rayPoints * findings.seeds.count) ray points within the budget.
                """,
        ])
    }
}
