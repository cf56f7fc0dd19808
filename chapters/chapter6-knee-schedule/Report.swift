import ChapterKit
import Experiments
import Foundation
import Networks
import Reporting
import Statistics
import WeightSpace

/// Claim · Setup · Results · Paper vs here · Deviations · Reproduce · Provenance of chapter 6.
struct KneeReport: ChapterReport {
    let findings: KneeFindings
    let data: TrainingData
    let seconds: Double
    let replaying: RecordedReport?

    var title: String { "Chapter 6 — The Knee schedule: explore at a high rate, exploit with a linear decay" }
    var budget: Budget { plan.budget }
    var seeds: [UInt64] { Array(Set(plan.comparisonSeeds + plan.densitySeeds)).sorted() }
    var plan: KneePlan { findings.plan }

    func write(to path: String) throws -> RecordedReport {
        let folder = try OutputFolder(path: path)
        let figures = KneeFigures(findings: findings)
        let schedules = try folder.write(figures.schedulesFigure(), name: "schedules")
        let density = try folder.write(figures.densityFigure(), name: "density")
        let tables = KneeData(findings: findings)
        let files = [("every run: schedule, budget, seed, final test accuracy, sharpness (CSV)", try folder.write(tables.runsTable(), name: "runs")),
                     ("test error after every epoch of every run (CSV)", try folder.write(tables.curvesTable(), name: "curves")),
                     ("summaries, correlations and verdicts (JSON)", try folder.write(json: tables.summary(), name: "summary"))]
        var section = MarkdownDocument()
        fillResults(&section, schedules: schedules, density: density, files: files)
        return try write(results: section, to: folder)
    }

    func fillClaim(_ doc: inout MarkdownDocument) {
        warnIfSmoke(&doc, spending: "a few hundred images, a few epochs, a few ascent steps")
        doc.paragraph("""
            Iyer et al. (2020): wide minima are rarer than narrow ones, so a long phase at a high learning \
            rate (explore) before a linear decay to zero (exploit) lands in wider minima — lower Keskar \
            sharpness — and generalises better than step, cosine, linear or one-cycle schedules at the same \
            budget. Verdicts are computed from this run.
            """)
        doc.paragraph(Verdict.testedClaimsExplanation(over: "seeds (every schedule of one seed shares its initialisation and batches)")
            + " The trends are Spearman's ρ over every run of the sweep, with a one-sided permutation test (exact up to 8 runs, "
            + "else \(KneeFindings.permutationDraws) random pairings from seed \(KneeFindings.permutationSeed)).")
        doc.verdicts(findings.verdicts)
    }

    func fillSetup(_ doc: inout MarkdownDocument) {
        let r = plan.recipe(.knee, explore: 0.5, seed: plan.comparisonSeeds[0], epochs: plan.budgetEpochs, data: data)
        let s = plan.sharpness
        doc.bullets([
            """
                Data: \(data.name), \(data.train.count) training and \(data.test.count) test images, \
                normalised with the training set's mean and std; random crop (pad \(r.cropPadding)) and flip \
                for training.
                """,
            """
                Network: `\(plan.model.rawValue)`, \(data.parameterCount(plan.model)) parameters; batch \
                \(r.batchSize), SGD momentum \(r.momentum), weight decay \(r.weightDecay); every schedule \
                peaks at \(plan.peak).
                """,
            """
                Budgets: \(plan.budgetEpochs) epochs (\(r.totalIterations) iterations) and the short budget \
                \(plan.shortEpochs) epochs (the paper's 150 of 200). Schedules, all set every iteration except \
                step: step decay ×0.1 at 50 % and 75 % of the epochs; cosine to 0; linear decay to 0 (the Knee \
                schedule with no explore phase); Smith's one-cycle (from peak/10 up over 45 %, down over 45 %, \
                annihilation to peak/1000 over the last 10 %); Knee: 50 % of the iterations at the peak, then \
                linear to 0 at the last iteration, no warmup.
                """,
            """
                Comparison: each schedule × seeds \
                \(plan.comparisonSeeds.map(String.init).joined(separator: ", ")) at both budgets. Density \
                experiment: Knee with explore fractions \
                \(plan.fractions.map { "\(Int((100 * $0).rounded())) %" }.joined(separator: ", ")) × seeds \
                \(plan.densitySeeds.map(String.init).joined(separator: ", ")) at \(plan.budgetEpochs) epochs; \
                runs with equal recipes are trained once and shared through the artifact cache.
                """,
            """
                Final test accuracy on all \(data.test.count) test images with each network's own BN \
                statistics; the training curves' per-epoch test error on the first \
                \(min(plan.curveTestImages, data.test.count)).
                """,
            """
                Keskar sharpness: L0 = mean cross-entropy at w0 on a fixed subset of \
                \(min(plan.sharpnessImages, data.train.count)) training images in eval mode; \(s.steps) steps \
                of projected gradient ascent (rate \(s.ascentRate), minibatches of \(s.batchSize) training \
                images without augmentation) on the cross-entropy inside |w − w0| ≤ ε·(|w0| + 1), ε = \
                \(s.epsilon), parameters only, BN frozen at the network's running statistics; L1 = the largest \
                subset loss measured every \(s.evaluateEvery) steps and after the last; sharpness = 100·(L1 − \
                L0)/(1 + L0).
                """,
            "Budget: `\(plan.budget.rawValue)`.",
        ])
    }

    func fillResults(_ doc: inout MarkdownDocument, schedules: (png: String, svg: String), density: (png: String, svg: String), files: [(String, String)]) {
        let spread = plan.comparisonSeeds.count > 1 ? "mean ± std over \(plan.comparisonSeeds.count) seeds" : "one seed"
        doc.paragraph("Final test accuracy (%), \(spread):")
        doc.table(header: ["schedule", "\(plan.budgetEpochs) epochs", "\(plan.shortEpochs) epochs"], rows: KneePlan.schedules.indices.map { s in
            [KneePlan.schedules[s].name, findings.accuracy(s, budget: 0).formatted(2, scale: 100), findings.accuracy(s, budget: 1).formatted(2, scale: 100)]
        })
        doc.figure(schedules.png, caption: """
            Left: the learning rate of every schedule against iteration (\(plan.budgetEpochs) epochs). Right: \
            test accuracy after every epoch (first \(min(plan.curveTestImages, data.test.count)) test images), \
            \(spread).
            """)
        doc.vectorLinks(svg: schedules.svg)
        doc.paragraph("Density experiment (\(plan.densitySeeds.count) seeds per fraction; mean ± std):")
        doc.table(header: ["explore", "sharpness", "L0", "L1", "test accuracy (%)", "Hessian λ_max", "Hessian trace"],
                  rows: zip(plan.fractions, findings.density).map { f, runs in
            let curvature = runs.compactMap(\.curvature)
            return ["\(Int((100 * f).rounded())) %", MeanStd(runs.map { $0.sharpness!.sharpness }).formatted(3), MeanStd(runs.map { $0.sharpness!.l0 }).formatted(4),
                    MeanStd(runs.map { $0.sharpness!.l1 }).formatted(4), MeanStd(runs.map(\.accuracy)).formatted(2, scale: 100),
                    curvature.isEmpty ? "—" : MeanStd(curvature.map { $0.top.values[0] }).formatted(3),
                    curvature.isEmpty ? "—" : MeanStd(curvature.map(\.trace.estimate)).formatted(1)]
        })
        if !findings.curvaturePoints.isEmpty {
            doc.paragraph("""
                The Hessian columns: the training loss's Hessian (mean cross-entropy on a fixed \
                \(min(plan.curvature.images, data.train.count))-image training subset, BN in eval mode on the network's own \
                statistics, no weight decay) of the density runs of seed(s) \(plan.curvatureSeeds.map(String.init).joined(separator: ", ")) \
                (\(findings.curvaturePoints.count) networks): \(plan.curvature.settings); products by central differences of gradients with \
                every ReLU's mask frozen at the network (docs/algorithms.md, "Curvature"). Their trends and their rank \
                correlations with test accuracy are the last four claims above.
                """)
        }
        doc.figure(density.png, caption: """
            Keskar sharpness (left) and test accuracy (right) of every density run against its explore \
            fraction; the line joins the means over seeds.
            """)
        doc.vectorLinks(svg: density.svg)
        fillWhyNot(&doc)
        doc.paragraph("Data behind the figures and tables:")
        for (text, file) in files { doc.fileLink(text, to: file) }
    }

    /// Why not: the explore-fraction trends against the spread between seeds and the measurements' own noise.
    func fillWhyNot(_ doc: inout MarkdownDocument) {
        fillResolvableGaps(&doc)
        guard let noise = findings.noise, let trends = findings.trendsAgainstNoise else { return }
        doc.heading("Why not: the trend against its noise", level: 3)
        let n = plan.densitySeeds.count, f = "\(Int((100 * noise.fraction).rounded())) %"
        var text = """
            A trend over explore fractions can only be seen if it is larger than the noise it is read against: \
            the spread between seeds at one fraction (\(n) seeds at \(f)), and for sharpness the measurement's \
            own — the same network (seed \(noise.seed) at \(f)) measured again on \(noise.subsets.count) other \
            fixed \(min(plan.sharpnessImages, data.train.count))-image training subsets (same ascent order) and with \
            \(noise.draws.count) other ascent orders (same subset).
            """
        if let c = findings.curvatureNoise {
            text += """
                 The Hessian's the same way: the spread between the \(plan.curvatureSeeds.count) curvature seeds at \(f), and \
                the same network measured again on \(c.subsets.count) other fixed \(min(plan.curvature.images, data.train.count))-image \
                training subsets (same random draws) and with \(c.draws.count) other draws of the Lanczos start vector and the \
                Rademacher probes (same subset). The rank correlations of λ_max and the trace with test accuracy (the last two \
                claims) need both their rows and test accuracy's to stand above the noise.
                """
        }
        text += " The trend is the mean at the largest fraction minus the mean at the smallest. The trend verdicts above stay as they are."
        doc.paragraph(text)
        func row(_ name: String, _ t: TrendAgainstNoise, digits: Int) -> [String] {
            func std(_ m: MeanStd?) -> String { m.map { String(format: "%.\(digits)f (n = \($0.count))", $0.std) } ?? "— (every test image)" }
            return [name, String(format: "%+.\(digits)f", t.trend), std(t.seedSpread), std(t.subsetSpread), std(t.orderSpread),
                    t.exceedsNoise ? "yes" : "**no**"]
        }
        var rows = [row("Keskar sharpness", trends.sharpness, digits: 3), row("test accuracy (points)", trends.accuracy, digits: 2)]
        if let top = trends.top { rows.append(row("Hessian λ_max", top, digits: 1)) }
        if let trace = trends.trace { rows.append(row("Hessian trace", trace, digits: 1)) }
        doc.table(header: ["quantity", "trend (largest − smallest fraction)", "std over seeds at \(f)", "std over training subsets",
                           "std over the measurement's random draws", "trend larger than every std?"], rows: rows)
        var repeats = """
            The repeated measurements. Sharpness (random draws: ascent orders): subsets \
            \(noise.subsets.map { String(format: "%.3f", $0.sharpness) }.joined(separator: ", ")); orders \
            \(noise.draws.map { String(format: "%.3f", $0.sharpness) }.joined(separator: ", ")); the run's own \
            \(String(format: "%.3f", noise.primary.sharpness)).
            """
        if let c = findings.curvatureNoise {
            func values(_ r: [CurvatureResult], _ v: (CurvatureResult) -> Double) -> String { r.map { String(format: "%.1f", v($0)) }.joined(separator: ", ") }
            repeats += """
                 λ_max: subsets \(values(c.subsets) { $0.top.values[0] }); draws \(values(c.draws) { $0.top.values[0] }); the run's own \
                \(values([c.primary]) { $0.top.values[0] }). Trace: subsets \(values(c.subsets, \.trace.estimate)); draws \
                \(values(c.draws, \.trace.estimate)); the run's own \(values([c.primary], \.trace.estimate)) (± \
                \(String(format: "%.1f", c.primary.trace.standardError)), the probes' standard error).
                """
        }
        doc.paragraph(repeats)
    }

    /// Why not, for the schedule comparisons that are not held: the gaps against what the seeds resolve.
    func fillResolvableGaps(_ doc: inout MarkdownDocument) {
        let gaps = findings.resolvableGaps
        guard !gaps.isEmpty else { return }
        let n = plan.comparisonSeeds.count, power = Int((100 * KneeFindings.power).rounded())
        doc.heading("Why not: the schedule gaps against what \(n) seeds resolve", level: 3)
        doc.paragraph("""
            A schedule comparison that is not held may have a gap smaller than \(n) seeds can \
            resolve. From this run's own paired differences (Knee − the other schedule, one per seed): the smallest gap a \
            one-sided paired t-test at 5 % detects with \(power) % power at n = \(n) (noncentral t), and the seeds the \
            paper's gap (its CIFAR-10 accuracies, Knee − the other schedule at the matching budget) and this run's gap \
            would need at the same spread. The verdicts above stay as they are.
            """)
        func seeds(_ k: Int?, _ gap: Double?) -> String {
            guard let gap else { return "—" }
            guard gap > 0 else { return "none (not in Knee's favour)" }
            return k.map { "\($0)" } ?? "more than a million"
        }
        doc.table(header: ["claim", "outcome", "gap here (points)", "std of the paired differences", "smallest gap \(n) seeds detect",
                           "paper's gap", "seeds for the paper's gap", "seeds for this run's gap"],
                  rows: gaps.map { g in
                      [g.claim, g.outcome == .held ? g.outcome.rawValue : "**\(g.outcome.rawValue)**", String(format: "%+.3f", g.gap),
                       String(format: "%.3f", g.sd), String(format: "%.3f", g.detectable),
                       g.paperGap.map { String(format: "%+.2f", $0) } ?? "—", seeds(g.seedsForPaperGap, g.paperGap), seeds(g.seedsForThisGap, g.gap)]
                  })
        // Where the run had the seeds to see the paper's gap, the seeds are not why the claim is not held.
        let resolved = gaps.filter { g in g.seedsForPaperGap.map { $0 <= g.n } ?? false }
        let unresolved = gaps.filter { g in (g.paperGap ?? 0) > 0 && (g.seedsForPaperGap.map { $0 > g.n } ?? true) }
        var reading: [String] = []
        if !unresolved.isEmpty {
            reading.append("The paper's gap is below what \(n) seeds resolve for " + unresolved.map { "“\($0.claim)”" }.joined(separator: "; ") + ".")
        }
        if !resolved.isEmpty {
            reading.append("\(n) seeds would have detected the paper's gap (with \(power) % power, at this run's spread), so the seeds are not "
                + "why these are not held; the gap itself is smaller here than in the paper: "
                + resolved.map { "“\($0.claim)” (" + String(format: "%+.3f here against %+.2f", $0.gap, $0.paperGap!) + ")" }.joined(separator: "; ") + ".")
        }
        if !reading.isEmpty { doc.paragraph(reading.joined(separator: " ")) }
    }

    func fillPaperVsHere(_ doc: inout MarkdownDocument) {
        doc.paragraph("Test accuracy (%). Paper: CIFAR-10, ResNet-18, 200 and 150 epochs (Iyer et al. 2020).")
        // Knee first, then the others in the comparison's order.
        let order = [findings.kneeIndex] + (0..<findings.kneeIndex)
        doc.table(header: ["schedule", "paper, 200 epochs", "paper, 150 epochs", "here, \(plan.budgetEpochs) epochs", "here, \(plan.shortEpochs) epochs"],
                  rows: order.map { s in
            let paper = KneeFindings.paperAccuracy[s]
            return [s == findings.kneeIndex ? "Knee" : KneePlan.schedules[s].name, String(format: "%.2f", paper.long),
                    paper.short.map { String(format: "%.2f", $0) } ?? "—",
                    findings.accuracy(s, budget: 0).formatted(2, scale: 100), findings.accuracy(s, budget: 1).formatted(2, scale: 100)]
        })
        let first = findings.density.first!, last = findings.density.last!
        doc.paragraph("""
            Density experiment. Paper: explore 0 epochs — sharpness mode ≈ 10, accuracy ≈ 94.3 %; explore \
            60–100 epochs — sharpness ≈ 3.5, accuracy ≈ 95.0–95.1 %. Here: explore 0 — sharpness \
            \(MeanStd(first.map { $0.sharpness!.sharpness }).formatted(3)), accuracy \
            \(MeanStd(first.map(\.accuracy)).formatted(2, scale: 100)) %; explore \
            \(Int((100 * plan.fractions.last!).rounded())) % — sharpness \
            \(MeanStd(last.map { $0.sharpness!.sharpness }).formatted(3)), accuracy \
            \(MeanStd(last.map(\.accuracy)).formatted(2, scale: 100)) %.
            """)
    }

    /// The ascent's length against the reference's, with this run's check that it reached its plateau.
    var ascentLength: String {
        var text = "\(plan.sharpness.steps) ascent steps, where the reference's code takes 1 000 at rate 0.001, "
            + "to keep the chapter's full run within the hour on two cores."
        if let p = findings.ascentPlateau {
            text += String(format: """
                 The check that the ascent reached its plateau: over this run's %d measurements, the ascent's second half \
                raised the largest measured loss above its first half's by at most %.4f (mean %.4f), against a mean rise \
                L1 − L0 of %.4f.
                """, p.measurements, p.largestGain, p.meanGain, p.meanRise)
        }
        return text
    }

    func fillDeviations(_ doc: inout MarkdownDocument) {
        doc.bullets([
            """
                \(data.deviation(fromPaper: [.cifar10])), `\(plan.model.rawValue)` instead of ResNet-18, \
                \(plan.budgetEpochs) \
                epochs\(plan.trainLimit.map { " on the first \($0) training images" } ?? "") instead of 200: \
                the package runs on two CPU cores.
                """,
            """
                Sharpness clamps the parameters only and keeps BN at the network's running statistics (eval \
                mode) during the ascent, where the reference clamps the whole state dict, running statistics \
                included: the box is a neighbourhood of the function the network computes at test time, and \
                clamping statistics that the ascent never changes would be a no-op anyway.
                """,
            """
                L1 is the maximum of the subset loss seen every \(plan.sharpness.evaluateEvery) steps (and at \
                the end), not only the loss after the last step.
                """,
            """
                The ascent is plain projected gradient ascent at rate \(plan.sharpness.ascentRate); Keskar et \
                al. used L-BFGS-B.
                """,
            ascentLength,
            """
                Linear decay is the Knee schedule with explore 0 (so the density experiment's 0 % runs are the \
                linear baseline's); no warmup for any schedule.
                """,
        ])
    }
}
