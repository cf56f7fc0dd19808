import ChapterKit
import Experiments
import Foundation
import Networks
import Reporting
import Statistics
import WeightSpace

/// Claim · Setup · Results · Paper vs here · Deviations · Reproduce · Provenance of chapter 3.
struct Chapter3Report: ChapterReport {
    let plan: EnsemblePlan
    let replicates: [Replicate]
    let data: TrainingData
    let seconds: Double
    let replaying: RecordedReport?

    var title: String { "Chapter 3 — Fast Geometric Ensembling vs Snapshot Ensembles vs independent networks" }
    var budget: Budget { plan.budget }
    var seeds: [UInt64] { replicates.flatMap(\.independentSeeds) }

    var aggregate: Aggregate { Aggregate(replicates: replicates) }

    func write(to path: String) throws -> RecordedReport {
        let folder = try OutputFolder(path: path)
        let trajectory = try folder.write(trajectoryFigure(), name: "fge-trajectory")
        let ensembles = try folder.write(ensemblesFigure(), name: "ensembles")
        let files = [("every member and the running ensemble after it (CSV)", try folder.write(membersTable(), name: "members")),
                     ("ensembles at 1, 2, 3 budgets (CSV)", try folder.write(budgetsTable(), name: "budgets")),
                     ("diversity (CSV)", try folder.write(diversityTable(), name: "diversity")),
                     ("FGE trajectory, first seed (CSV)", try folder.write(trajectoryTable(), name: "trajectory")),
                     ("summary, claims and configuration (JSON)", try folder.write(json: summaryJSON(), name: "summary"))]
        var section = MarkdownDocument()
        fillResults(&section, trajectory: trajectory, ensembles: ensembles, files: files)
        return try write(results: section, to: folder)
    }

    func fillClaim(_ doc: inout MarkdownDocument) {
        switch plan.budget {
        case .smoke: warnIfSmoke(&doc, spending: "a few hundred images and a few epochs")
        case .quick:
            let full = EnsemblePlan(budget: .full, model: plan.model, seeds: nil)
            doc.paragraph("""
                **Quick budget: one seed, a \(data.train.count)-image training subset, B = \
                \(plan.budgetEpochs) epochs. The committed full report (`--budget full`) uses \
                \(full.trainLimit.map { "the first \($0)" } ?? "all 60 000") training images, B = \
                \(full.budgetEpochs) epochs and \(full.seeds.count) seeds.**
                """)
        case .full: break
        }
        doc.paragraph("""
            Garipov et al. (2018): ensembling networks collected along a low-loss path with a short cyclic \
            learning rate (Fast Geometric Ensembling) beats Snapshot Ensembles (Huang et al. 2017) and \
            independently trained networks at the same training budget; FGE's members are much closer in \
            weight space and agree more than independent networks, yet averaging them still gains. Verdicts \
            below are computed from this \
            run\(replicates.count > 1 ? " on the means over \(replicates.count) seeds" : "").
            """)
        doc.paragraph(Verdict.testedClaimsExplanation(over: "seeds (Ind, SSE and FGE of one seed share it)"))
        doc.verdicts(claims)
    }

    func fillSetup(_ doc: inout MarkdownDocument) {
        let base = plan.baseRecipe(seed: replicates[0].seed, data: data)
        let fge = plan.fastGeometricRecipe(base: base), perEpoch = plan.iterationsPerEpoch(base)
        let sse = plan.snapshotRecipe(seed: base.seed, data: data)
        let sseCycle = plan.budgetEpochs / plan.snapshotsPerBudget
        doc.bullets([
            """
                Data: \(data.name), \(data.train.count) training images (\(perEpoch) iterations per epoch at \
                batch \(base.batchSize)) and \(data.test.count) test images, normalised with the training \
                set's mean and std; random crop (pad \(base.cropPadding)) and horizontal flip for training.
                """,
            "Network: `\(plan.model.rawValue)`, \(data.parameterCount(plan.model)) parameters.",
            """
                Budget B = \(plan.budgetEpochs) epochs, the conventional run: SGD momentum \(base.momentum), \
                lr \(base.learningRate), weight decay \(base.weightDecay), GAR's piecewise schedule (the \
                endpoints of chapters 1, 2 and 5). Every method is run for \(plan.budgets) budgets; its \
                ensemble at k budgets holds the members it collected within k·B epochs.
                """,
            """
                **Ind**: \(plan.budgets) conventional runs with different seeds (per replicate: \
                \(replicates.map { $0.independentSeeds.map(String.init).joined(separator: ", ") }.joined(separator: "; "))); \
                k networks at k budgets.
                """,
            """
                **SSE**: the first Ind network's initialisation, minibatches and optimizer with the rate \
                replaced by cosine restarts per iteration, α0 = \(plan.sseLearningRate), \
                \(plan.snapshotsPerBudget) cycles per budget (\(sseCycle) epochs \
                each\(plan.budgetEpochs % plan.snapshotsPerBudget != 0 ? ", the last absorbing the remainder" : "")), \
                a snapshot at the end of every cycle: \(sse.snapshotEpochs.count) snapshots over \
                \(plan.budgets) budgets.
                """,
            """
                **FGE**: from the first Ind network's checkpoint after \(plan.fgeStartEpoch) of its \
                \(plan.budgetEpochs) epochs, with its momentum buffer; triangular cyclic rate set every \
                iteration from lr1 = \(plan.lr1) to lr2 = \(plan.lr2) and back, cycle K = \
                \(fge.cycleIterations) iterations (\(format(Double(fge.cycleIterations) / Double(perEpoch))) \
                epoch; GAR: 2 epochs of a 200-epoch budget — a cycle this short gives \
                \(aggregate.members(.fge, budgets: 1)[0]) member(s) within 1 budget), a member after every lr2 \
                step (mid-cycle); same momentum and weight decay as the base run.
                """,
            """
                Ensembles average the members' softmax probabilities; before evaluation every member's BN \
                statistics are recomputed on the same fixed subset of \(batchNorm) training images (cumulative \
                average, no augmentation). Test error on all \(data.test.count) test images.
                """,
            """
                Budget: `\(plan.budget.rawValue)`; \(replicates.count) replicate(s), seeds \
                \(replicates.map { String($0.seed) }.joined(separator: ", ")).
                """,
        ])
    }

    var batchNorm: Int { min(plan.batchNormImages, data.train.count) }

    func fillResults(_ doc: inout MarkdownDocument, trajectory: (png: String, svg: String), ensembles: (png: String, svg: String),
                     files: [(String, String)]) {
        let a = aggregate
        let spread = replicates.count > 1 ? "mean ± std over \(replicates.count) seeds" : "one seed"
        doc.figure(trajectory.png, caption: """
            FGE trajectory over the 1-budget part of the run (seed \(replicates[0].seed)): the rate (top); \
            test error of the current network at \(plan.probesPerCycle) points per cycle and of the growing \
            ensemble, members circled, the conventional run's final error dashed (middle); distance from the \
            starting checkpoint (bottom).
            """)
        doc.vectorLinks(svg: trajectory.svg)
        doc.figure(ensembles.png, caption: """
            Ensemble test error against training budget (left) and against the number of members (right, log \
            scale) for Ind, SSE and FGE; \(spread).
            """)
        doc.vectorLinks(svg: ensembles.svg)
        doc.paragraph("Ensemble test error (%) at 1, 2, 3 budgets (\(spread)); members in the ensemble in parentheses.")
        doc.table(header: ["method"] + (1...plan.budgets).map { "\($0) budget\($0 > 1 ? "s" : "")" },
                  rows: Method.allCases.map { m in
                      [m.rawValue] + (1...plan.budgets).map { k in "\(a.error(m, budgets: k).formatted(2, scale: 100)) (\(a.members(m, budgets: k)[0]))" }
                  })
        doc.paragraph("""
            Diversity (\(spread)): Ind compares its \(plan.budgets) independent networks; SSE and FGE the \
            members each collects within 1 budget. Disagreement is the fraction of test images on which two \
            members predict different classes and distance the L2 norm of the difference of their parameter \
            vectors, both averaged over all pairs; single-member error is each member's own test error.
            """)
        doc.table(header: ["method", "members compared", "disagreement", "L2 distance", "single-member error (mean)", "best / worst member"],
                  rows: Method.allCases.map { m in
                      let d = replicates[0][m].diversity
                      let best = MeanStd(replicates.map { $0[m].diversity.bestMemberError }), worst = MeanStd(replicates.map { $0[m].diversity.worstMemberError })
                      return [m.rawValue, "\(d.members)", a.disagreement(m).map { percent($0) } ?? "—", a.distance(m)?.formatted(2) ?? "—",
                              percent(a.memberError(m)), "\(best.formatted(2, scale: 100)) / \(worst.formatted(2, scale: 100)) %"]
                  })
        let evaluation = MeanStd(replicates.map(\.evaluationSeconds))
        doc.paragraph("""
            Training wall time for all \(plan.budgets) budgets, from the runs' epoch logs (runs taken from the \
            artifact cache report the time they took when trained, on a machine shared with other jobs; Ind's \
            conventional runs also evaluate the test set after every epoch; FGE includes its base run's first \
            \(plan.fgeStartEpoch) epochs). Evaluating every member and trajectory probe (BN recomputation and \
            the test set) took \(evaluation.formatted(0)) s per seed. The wall time under Provenance is this \
            invocation's: runs and predictions found in the artifact cache are not recomputed, and the times \
            above are those recorded when they were computed.
            """)
        doc.table(header: ["method", "training, \(plan.budgets) budgets (s)", "per budget (s)"], rows: Method.allCases.map { m in
            let t = a.trainingSeconds(m)
            return [m.rawValue, t.formatted(0), MeanStd(replicates.map { $0[m].trainingSeconds / Double(plan.budgets) }).formatted(0)]
        })
        fillWhyNot(&doc)
        doc.paragraph("Data behind the figures and tables:")
        for (text, file) in files { doc.fileLink(text, to: file) }
    }

    /// FGE's 1-budget ensemble minus one conventional network, split into the members' shortfall
    /// against Ind and the ensemble's gain over its members: the "why not" when the claim does not
    /// hold, its anatomy when it does (written whenever FGE has two members within 1 budget).
    func fillWhyNot(_ doc: inout MarkdownDocument) {
        guard let d = oneBudgetDecomposition else { return }
        let failed = d.ensembleAgainstInd.outcome != .held
        doc.heading("\(failed ? "Why not: w" : "W")hat FGE's members give up against one conventional network", level: 3)
        doc.paragraph("""
            FGE's members share the conventional run's first \(plan.fgeStartEpoch) of its \(plan.budgetEpochs) epochs and \
            spend the rest on cycles instead of its decaying rate, so each member may be worse than the \
            conventional network; the ensemble beats Ind only if its gain over its own members exceeds that \
            shortfall (the paper: a single FGE member 78.0 % vs the conventional network's 78.5 % accuracy, \
            PreResNet164 on CIFAR-100). The ensemble's error minus Ind's is the sum of the two rows below, \
            each paired over \(replicates.count) seed(s), from this run's numbers (no further training). The \
            verdict above is unchanged.
            """)
        doc.table(header: ["part of FGE − Ind at 1 budget", "measured here", "test: n, estimate [95 % interval], p", "outcome (of the tested direction)"], rows: [
            ["the members' shortfall: mean single member − Ind (points; tested: members worse)",
             "members \(percent(d.members)) vs Ind \(percent(aggregate.error(.ind, budgets: 1)))",
             Verdict.statistics(of: d.shortfall), Verdict.outcomeCell(of: d.shortfall)],
            ["the ensemble's gain: ensemble − mean single member (points; tested: ensemble better)",
             "ensemble \(percent(aggregate.error(.fge, budgets: 1))) vs members \(percent(d.members))",
             Verdict.statistics(of: d.gain), Verdict.outcomeCell(of: d.gain)],
            ["the sum: ensemble − Ind (the claim above)", "", Verdict.statistics(of: d.ensembleAgainstInd),
             Verdict.outcomeCell(of: d.ensembleAgainstInd)],
        ])
    }

    func format(_ v: Double) -> String { String(format: "%.2f", v) }
}

/// The paper's numbers beside ours, and the deviations.
extension Chapter3Report {
    /// GAR's README, CIFAR-100 test accuracy (%) at 1, 2, 3 budgets: (network, Ind, FGE).
    static let paperAccuracy: [(String, [Double], [Double])] = [
        ("VGG16", [72.5, 74.8, 75.6], [74.6, 76.1, 76.6]),
        ("PreResNet164", [78.4, 80.5, 81.6], [80.3, 81.3, 81.7]),
        ("WRN28x10", [80.8, 82.4, 83.0], [82.3, 82.9, 83.2]),
    ]

    /// The seed slides, test error (%) at 1 budget: (setting, Ind, SSE, FGE).
    static let paperOneBudget: [(String, Double, Double, Double)] = [
        ("VGG16, CIFAR-100", 27.4, 26.4, 25.7),
        ("PreResNet164, CIFAR-100", 21.5, 20.9, 20.2),
        ("VGG16, CIFAR-10", 6.75, 6.57, 6.48),
    ]

    func fillPaperVsHere(_ doc: inout MarkdownDocument) {
        let a = aggregate
        let here = "here: \(plan.model.rawValue), \(data.name)"
        func accuracy(_ m: Method, _ k: Int) -> String {
            MeanStd(replicates.map { 1 - $0[m].errorAtBudget[k - 1] }).formatted(2, scale: 100)
        }
        doc.paragraph("""
            Test accuracy (%) of Ind and FGE at 1, 2, 3 budgets. Paper: CIFAR-100 (GAR's README, budget 200 \
            epochs); here: \(data.name), budget \(plan.budgetEpochs) epochs.
            """)
        var rows: [[String]] = Self.paperAccuracy.map { name, ind, fge in
            ["paper: \(name)"] + (0..<3).map { "\(ind[$0]) / \(fge[$0])" } + [String(format: "%+.1f", fge[0] - ind[0])]
        }
        let gain = 100 * (a.error(.ind, budgets: 1).mean - a.error(.fge, budgets: 1).mean)
        rows.append([here] + (1...plan.budgets).map { "\(accuracy(.ind, $0)) / \(accuracy(.fge, $0))" } + [String(format: "%+.2f", gain)])
        doc.table(header: ["setting", "1 budget Ind / FGE", "2 budgets Ind / FGE", "3 budgets Ind / FGE", "FGE gain at 1 budget (points)"], rows: rows)

        doc.paragraph("""
            Test error (%) at 1 budget, Ind / SSE / FGE (the seed slides of this project, from the paper's \
            Table 2).
            """)
        var oneBudget = Self.paperOneBudget.map { name, ind, sse, fge in ["paper: \(name)", "\(ind)", "\(sse)", "\(fge)"] }
        oneBudget.append([here] + Method.allCases.map { a.error($0, budgets: 1).formatted(2, scale: 100) })
        doc.table(header: ["setting", "Ind", "SSE", "FGE"], rows: oneBudget)

        let fge = a.memberError(.fge), base = a.error(.ind, budgets: 1)
        doc.table(header: ["diversity", "paper (PreResNet164, CIFAR-100)", "here"], rows: [
            ["independent networks disagree on", "≈ 20 % of test predictions", a.disagreement(.ind).map { percent($0) } ?? "—"],
            ["FGE members disagree on", "≈ 15 %", a.disagreement(.fge).map { percent($0) } ?? "—"],
            ["L2 distance between SSE snapshots", "≈ 40", a.distance(.sse)?.formatted(2) ?? "—"],
            ["L2 distance between FGE members", "≈ 7", a.distance(.fge)?.formatted(2) ?? "—"],
            ["L2 distance between independent networks", "—", a.distance(.ind)?.formatted(2) ?? "—"],
            ["single FGE member vs the conventional network (accuracy)", "78.0 vs 78.5 %",
             """
                 \(MeanStd(replicates.map { 1 - $0[.fge].diversity.memberError }).formatted(2, scale: 100)) vs \
                 \(MeanStd(replicates.map { 1 - $0[.ind].errorAtBudget[0] }).formatted(2, scale: 100)) %
                 """],
        ])
        doc.paragraph("""
            Distances depend on the network's size and its weight decay, so only the ratios compare across \
            settings: paper SSE/FGE ≈ 6; here SSE/FGE = \(ratio(a.distance(.sse), a.distance(.fge))), Ind/FGE \
            = \(ratio(a.distance(.ind), a.distance(.fge))). Mean single FGE member error \(percent(fge)) vs \
            conventional network \(percent(base)).
            """)
    }

    private func ratio(_ a: MeanStd?, _ b: MeanStd?) -> String {
        guard let a, let b, b.mean > 0 else { return "—" }
        return String(format: "%.1f", a.mean / b.mean)
    }

    func fillDeviations(_ doc: inout MarkdownDocument) {
        doc.bullets([
            """
                \(data.deviation(fromPaper: [.cifar100], detail: "28×28 grey")), and `\(plan.model.rawValue)` \
                instead of VGG16 / PreResNet164 / WRN28x10: the package runs on two CPU cores.
                """,
            """
                Budget B = \(plan.budgetEpochs) epochs instead of \
                200\(data.train.count < 60_000 ? ", on the first \(data.train.count) training images instead of all 60 000" : ""). \
                FGE starts after \(plan.fgeStartEpoch) epochs \
                (\(Int((100 * Double(plan.fgeStartEpoch) / Double(plan.budgetEpochs)).rounded())) % of B; GAR: \
                160 of 200) and its cycle is \(format(plan.cycleEpochs)) epoch instead of 2, so that FGE \
                collects several members within 1 budget (GAR collects 20 in its 40 FGE epochs).
                """,
            """
                FGE's rates lr1 = \(plan.lr1), lr2 = \(plan.lr2): GAR's ResNet ratio to the base rate (0.05, \
                0.01 for lr0 = 0.1) applied to ours (lr0 = 0.05). The cycle is counted in iterations, not \
                epochs, so cycles need not align with epochs; GAR collects at the end of the epoch where the \
                rate reaches lr2, here after the lr2 iteration itself.
                """,
            """
                SSE restarts at α0 = \(plan.sseLearningRate) (Huang et al.'s value) with \
                \(plan.snapshotsPerBudget) cycles per budget; the same cycles repeat in each budget, so the \
                cycle length stays fixed as the run grows. SSE's ensemble at k budgets averages all its \
                snapshots up to k·B epochs (Huang et al. also report ensembles of the last m snapshots; the \
                running ensemble in the CSV shows every prefix).
                """,
            """
                BN statistics of every member are recomputed on a fixed subset of \(batchNorm) training images \
                without augmentation (GAR: a full pass over the augmented training loader).
                """,
            """
                The seed slides' diversity numbers are for PreResNet164 on CIFAR-100; ours compare all pairs \
                of members collected within 1 budget (SSE, FGE) and all pairs of the \(plan.budgets) \
                independent networks.
                """,
        ])
    }
}
