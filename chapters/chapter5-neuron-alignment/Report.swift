import ChapterKit
import Experiments
import Foundation
import Networks
import Reporting
import Statistics
import WeightSpace

/// Claim · Setup · Results · Paper vs here · Deviations · Reproduce · Provenance of chapter 5.
struct AlignmentReport: ChapterReport {
    let findings: AlignmentFindings
    let data: TrainingData
    let seconds: Double
    let replaying: RecordedReport?

    var title: String { "Chapter 5 — Neuron alignment: curves between networks up to a permutation of their units" }
    var budget: Budget { plan.budget }
    var seeds: [UInt64] { findings.pairs.flatMap { [$0.seeds.0, $0.seeds.1] } }
    var plan: AlignmentPlan { findings.plan }
    var spread: String { findings.pairs.count > 1 ? "mean ± std over \(findings.pairs.count) pairs" : "one pair" }
    /// The unit group whose matrix is drawn: the middle one.
    var shownGroup: Int { findings.pairs[0].groups.count / 2 }

    func write(to path: String) throws -> RecordedReport {
        let folder = try OutputFolder(path: path)
        let figures = AlignmentFigures(findings: findings)
        let paths = try folder.write(figures.pathsFigure(), name: "paths")
        let correlation = try folder.write(figures.correlationFigure(), name: "correlation")
        let matrix = try folder.write(figures.matrixFigure(group: shownGroup), name: "correlation-matrix")
        let tables = AlignmentData(findings: findings)
        let files = [("every evaluated point of every path (CSV)", try folder.write(tables.pointsTable(), name: "paths")),
                     ("matched correlation per unit group and method (CSV)", try folder.write(tables.correlationTable(), name: "correlation")),
                     ("summaries, permutations' objective and verdicts (JSON)", try folder.write(json: tables.summary(), name: "summary"))]
        var section = MarkdownDocument()
        fillResults(&section, paths: paths, correlation: correlation, matrix: matrix, files: files)
        return try write(results: section, to: folder)
    }

    func fillClaim(_ doc: inout MarkdownDocument) {
        warnIfSmoke(&doc, spending: "a few hundred images and one epoch")
        doc.paragraph("""
            Tatro et al. (2020): permuting the hidden units of one endpoint to match the other's by the \
            correlation of their post-activations, before training the curve between them, gives curves of \
            higher and flatter accuracy, close to the endpoints'; the straight segment's barrier shrinks too. \
            PAM, which learns the permutation together with the curve, lands near the same answer. Beyond the \
            paper: Git Re-Basin's weight matching (Ainsworth et al. 2023) as a further alignment. Verdicts are \
            computed from this run (\(spread)).
            """)
        doc.paragraph(Verdict.testedClaimsExplanation(over: "pairs (every path of a pair shares its endpoints)"))
        doc.verdicts(findings.verdicts)
    }

    func fillSetup(_ doc: inout MarkdownDocument) {
        let e = plan.curves.endpointRecipe(seed: findings.pairs[0].seeds.0, data: data), c = plan.curves
        doc.bullets([
            """
                Data: \(data.name), \(data.train.count) training and \(data.test.count) test images, \
                normalised with the training set's mean and std.
                """,
            """
                Network: `\(c.model.rawValue)`, \(data.parameterCount(c.model)) parameters; unit groups: \
                \(findings.pairs[0].groups.joined(separator: ", ")).
                """,
            """
                Endpoints: chapter 2's, \(e.epochs) epochs each (GAR's recipe); pairs \
                \(findings.pairs.map { "\($0.seeds.0)–\($0.seeds.1)" }.joined(separator: ", ")).
                """,
            """
                Correlation alignment (NA): post-activations of every unit group on the first \
                \(min(plan.alignmentImages, data.train.count)) training images without augmentation, eval \
                mode, every pixel a sample; z-scored with std + 1e-5; per group the assignment minimising \
                Σ(1.01 − corr) (this package's shortest-augmenting-path solver); residual streams, where the \
                network has them, matched on the mean of their reads' correlation matrices.
                """,
            """
                PAM (Tatro et al.'s proximal alternating minimisation), from B as trained and from B aligned \
                by correlation: one soft permutation per unit group (identity start) and the curve's middle \
                bend at ½θ_A + ½P(θ_B) + φ with φ = 0; \(plan.pam.epochs) epoch(s) of SGD on P alone (no \
                momentum, half the curve's rate, cross-entropy at t ~ U(0, 1)), after every step the proximal \
                pull P ← (P + (lr/ν)P₀)/(1 + lr/ν) with ν = \(Int(plan.pam.nu)) and \
                \(plan.pam.projectionRounds) rounds of clipping at 0 and projecting onto row and column sums \
                1; rounding: the assignment nearest to P, the start, and \(plan.pam.samples) permutations \
                sampled from the \(plan.pam.decompositionTerms) largest terms of each group's Birkhoff–von \
                Neumann decomposition, keeping the lowest training NLL along the curve (BN on batch \
                statistics, \(plan.pamScoringImages) images); then φ trained as the other curves, with the \
                proximal pull (ν = \(Int(plan.pam.nu))) towards the linear initialisation after every step.
                """,
            """
                Weight matching (Git Re-Basin): coordinate ascent over the unit groups in random order, each a \
                linear assignment maximising Σ⟨W_A, π(W_B)⟩ over every parameter tensor it touches, until a \
                sweep gains nothing.
                """,
            """
                Curves: Bezier, \(c.bends) bends, fixed ends, middle bend initialised on the segment, \
                \(c.curveEpochs) epochs with GAR's curve recipe — the unaligned one is chapter 2's curve; the \
                aligned ones are trained between A and the permuted B.
                """,
            """
                Evaluation: \(plan.points) points t along every curve and segment; at each, BN recomputed on a \
                fixed subset of \(min(c.batchNormImages, data.train.count)) training images; test accuracy on \
                the first \(c.pointTestCount(data)) test images; train loss on a fixed subset of \
                \(min(c.trainEvaluationImages, data.train.count)). Line-integrated accuracy: the \
                length-weighted trapezoid mean along the path (GAR's `int`).
                """,
            "Budget: `\(plan.budget.rawValue)`.",
        ])
    }

    func fillResults(_ doc: inout MarkdownDocument, paths: (png: String, svg: String), correlation: (png: String, svg: String),
                     matrix: (png: String, svg: String), files: [(String, String)]) {
        doc.figure(paths.png, caption: """
            Test accuracy (left) and train loss (right, log scale) along t for the curves (solid) and segments \
            (dashed) between A and B as trained, aligned by correlation, by weight matching and by PAM from \
            both starts; \(spread).
            """)
        doc.vectorLinks(svg: paths.svg)
        doc.paragraph("""
            The paper's table (test accuracy %, \(spread)): endpoints, then per method the line-integrated \
            (avg) and minimum accuracy along the curve; the straight segment's minimum and barrier (max − mean \
            of the ends) beside them.
            """)
        var rows = [["endpoints", findings.endpoints.formatted(2, scale: 100), "", "", "", ""]]
        for (m, name) in findings.methods.enumerated() {
            rows.append([name, findings.curveAverage(m).formatted(2, scale: 100), findings.curveMinimum(m).formatted(2, scale: 100),
                         findings.segmentMinimum(m).formatted(2, scale: 100), findings.segmentBarrier(m, \.testError).formatted(2, scale: 100),
                         findings.segmentBarrier(m, \.trainLoss).formatted(3)])
        }
        doc.table(header: ["method", "curve avg", "curve min", "segment min", "segment barrier, test error (points)", "segment barrier, train loss"], rows: rows)
        doc.figure(correlation.png, caption: """
            Mean correlation of matched units per unit group for pair \
            \(findings.pairs[0].seeds.0)–\(findings.pairs[0].seeds.1): units as trained (unit i of A with unit \
            i of B), after correlation alignment, after weight matching, after PAM from both starts.
            """)
        doc.vectorLinks(svg: correlation.svg)
        let matched = findings.methods.indices.map { "\(findings.methods[$0]) \(findings.meanCorrelation($0).formatted(3))" }
        doc.paragraph("Mean over groups of the matched correlation (\(spread)): " + matched.joined(separator: ", ") + ".")
        doc.figure(matrix.png, caption: """
            Correlation of A's and B's units in group \(findings.pairs[0].groups[shownGroup]) (pair \
            \(findings.pairs[0].seeds.0)–\(findings.pairs[0].seeds.1)): B's units in their trained order \
            (left) and permuted by the correlation alignment (right), where the matched pairs form the \
            diagonal.
            """)
        doc.vectorLinks(svg: matrix.svg)
        fillPAM(&doc)
        let sweeps = findings.pairs.map { $0.matchingObjective.count - 1 }
        doc.paragraph("""
            Weight matching took \(sweeps.map(String.init).joined(separator: ", ")) sweep(s) per pair; its \
            objective rose from \
            \(findings.pairs.map { String(format: "%.1f", $0.matchingObjective.first!) }.joined(separator: ", ")) \
            to \
            \(findings.pairs.map { String(format: "%.1f", $0.matchingObjective.last!) }.joined(separator: ", ")).
            """)
        fillWhyNot(&doc)
        fillMatchingWhyNot(&doc)
        doc.paragraph("Data behind the figures and tables:")
        for (text, file) in files { doc.fileLink(text, to: file) }
    }

    /// Why not: PAM from the unaligned start with a longer permutation step.
    func fillWhyNot(_ doc: inout MarkdownDocument) {
        guard !findings.longerPAMSteps.isEmpty else { return }
        doc.heading("Why not: PAM's permutation step at a longer budget", level: 3)
        let epochs = plan.pam.epochs, more = plan.longerAlignment.pam.epochs
        doc.paragraph("""
            PAM from the unaligned start can only improve on it if its soft permutations leave their start; at \
            \(epochs) epoch(s) of the permutation step the diagnostic above shows how far they got. The same step \
            from the same start for \(more) epochs (everything else as configured), the curve trained and evaluated \
            as the others, against the unaligned curve and segment of the same pairs (paired over \(findings.pairs.count) \
            pair(s)). The verdicts above stay those of the configured \(epochs) epoch(s).
            """)
        let units = findings.pairs[0].pam[0].permutations.map(\.count).reduce(0, +)
        let rows = findings.longerPAMSteps.map { s in
            [s.label, s.diagonal.formatted(4), "\(s.moved.formatted(1)) of \(units)", s.minimum.formatted(2), Verdict.statistics(of: s.raises),
             Verdict.outcomeCell(of: s.raises), s.barrier.formatted(2), Verdict.statistics(of: s.shrinks), Verdict.outcomeCell(of: s.shrinks)]
        }
        doc.table(header: ["permutation step", "mean diagonal", "units moved", "curve min accuracy (%)", "− unaligned: test", "outcome",
                           "segment barrier (points)", "− unaligned: test", "outcome"], rows: rows)
        let unaligned = findings.pairs.map { 100 * $0.paths[0][0].minimumAccuracy }
        let unalignedBarrier = findings.pairs.map { 100 * $0.paths[0][1].barrier(\.testError) }
        doc.paragraph("Unaligned curve minimum \(MeanStd(unaligned).formatted(2)) %, segment barrier \(MeanStd(unalignedBarrier).formatted(2)) points.")
    }

    /// Why not, for weight matching against correlation alignment: how different its alignment is.
    func fillMatchingWhyNot(_ doc: inout MarkdownDocument) {
        guard let m = findings.matchingAgainstCorrelation else { return }
        doc.heading("Why not: weight matching's alignment against correlation's", level: 3)
        doc.paragraph("""
            Weight matching can only reach correlation alignment's curve if it finds an alignment as good in the \
            units' terms; it maximises the inner product of the two networks' weights, not the correlation of their \
            units on data. From this run's permutations and paths, per pair: the share of units weight matching \
            matches to the partner correlation alignment matches them to (\(m.agreement.formatted(1)) %), and \
            weight matching − correlation, paired over \(findings.pairs.count) pairs, in the mean matched correlation \
            (the quantity correlation alignment maximises), the straight segment's barrier and the curve's minimum \
            (the claim's own test). No new measurement is trained for it; the verdict above stays as it is.
            """)
        func row(_ name: String, _ c: (matching: MeanStd, correlation: MeanStd, difference: Evidence), digits: Int) -> [String] {
            [name, c.matching.formatted(digits), c.correlation.formatted(digits), Verdict.statistics(of: c.difference)]
        }
        doc.table(header: ["quantity", "weight matching", "correlation", "weight matching − correlation"],
                  rows: [row("mean matched correlation (over groups)", m.matched, digits: 3),
                         row("segment barrier, test error (points)", m.barrier, digits: 2),
                         row("curve minimum accuracy (%)", m.minimum, digits: 2)])
    }

    /// PAM's permutation step and rounding, per pair and start.
    func fillPAM(_ doc: inout MarkdownDocument) {
        let starts = AlignmentPlan.methods.filter { $0.pamStart != nil }
        doc.paragraph("""
            PAM's permutation step and rounding, per pair and start: the step's training loss per epoch, the \
            mean diagonal entry of the trained soft permutations (1 = they never left their start), the \
            rounding candidates' training NLL along the curve (the nearest assignment, the start, the best of \
            the samples), the candidate kept, and the units the kept permutation moves relative to its start.
            """)
        var rows: [[String]] = []
        for pair in findings.pairs {
            for (k, outcome) in pair.pam.enumerated() {
                let samples = outcome.candidateNLL.dropFirst(2)
                rows.append(["\(pair.seeds.0)–\(pair.seeds.1)", starts[k].name,
                             outcome.epochLoss.map { String(format: "%.4f", $0) }.joined(separator: " → "),
                             String(format: "%.4f", outcome.diagonalMass.reduce(0, +) / Double(max(outcome.diagonalMass.count, 1))),
                             String(format: "%.4f", outcome.candidateNLL[0]), String(format: "%.4f", outcome.candidateNLL[1]),
                             samples.isEmpty ? "—" : String(format: "%.4f", samples.min()!), outcome.chosenKind,
                             "\(outcome.movedUnits.reduce(0, +)) of \(outcome.permutations.map(\.count).reduce(0, +))"])
            }
        }
        doc.table(header: ["pair", "method", "step loss per epoch", "mean diagonal", "NLL nearest", "NLL start", "NLL best sample", "kept", "units moved"], rows: rows)
    }

    func fillPaperVsHere(_ doc: inout MarkdownDocument) {
        doc.paragraph("Test accuracy (%), avg / min along the curve. Paper: Tatro et al. 2020, TinyTen.")
        func here(_ m: Int) -> String { """
            \(findings.curveAverage(m).formatted(2, scale: 100)) / \
            \(findings.curveMinimum(m).formatted(2, scale: 100))
            """ }
        doc.table(header: ["setting", "endpoints", "unaligned", "PAM unaligned", "PAM aligned", "aligned", "weight matching"], rows: [
            ["paper: TinyTen, CIFAR-10", "89.0", "87.4 / 82.8", "87.6 / 84.0", "88.4 / 87.6", "88.5 / 87.8", "—"],
            ["paper: TinyTen, CIFAR-100", "58.1", "56.0 / 53.2", "57.3 / 55.9", "58.8 / 57.7", "58.7 / 57.7", "—"],
            ["here: \(plan.curves.model.rawValue), \(data.name)", findings.endpoints.formatted(2, scale: 100), here(0),
             here(findings.index(.pamFromUnaligned)), here(findings.index(.pamFromCorrelation)), here(1), here(2)],
        ])
        doc.paragraph("\(findings.verdicts.filter(\.held).count) of \(findings.verdicts.count) verdicts held here.")
    }

    func fillDeviations(_ doc: inout MarkdownDocument) {
        doc.bullets([
            """
                \(data.deviation(fromPaper: [.cifar10, .cifar100])); TinyTen trained \
                \(plan.curves.endpointEpochs) epochs and curves \(plan.curves.curveEpochs) epochs (NA: 250 and \
                250) — chapter 2's networks and recipe.
                """,
            """
                PAM at a 2-core budget: its permutation step runs \(plan.pam.epochs) epoch(s) (NA: 20) and \
                rounds from \(plan.pam.samples) samples (NA: 32) scored on \(plan.pamScoringImages) training \
                images (NA: the whole training set); its φ step is the curves' \(plan.curves.curveEpochs) \
                epochs (NA: 250); one outer iteration, as the paper.
                """,
            """
                BN statistics at every point from a fixed training subset without augmentation; train metrics \
                on a fixed subset; curves evaluated at \(plan.points) points (NA: 61).
                """,
        ] + [fewerPairsDeviation(pairs: findings.pairs.count, unit: "five alignments of its two networks, a curve trained for each (and one more for the why-not), and every path's points with BN recomputed")].compactMap { $0 })
    }
}
