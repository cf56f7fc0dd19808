import ChapterKit
import Experiments
import Foundation
import Networks
import Reporting
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

    /// One claim: the paper's statement, our numbers, whether it held on the means over
    /// replicates, and whether the margin exceeds the replicates' spread (std).
    struct Claim {
        var claim: String
        let measured: String
        let held: Bool
        let margin: Double
        let spread: Double?
        /// False when this run cannot decide the claim (e.g. fewer than two members to compare).
        var decidable = true

        var verdict: String {
            guard decidable else { return "not decidable here" }
            let base = held ? "yes" : "**no**"
            guard let spread else { return base }
            return base + (abs(margin) > spread ? "" : " (within the seeds' spread)")
        }
    }

    /// FGE beats A when its error is lower (a − fge > 0); spread is the larger of the two stds.
    func lower(_ fge: MeanStd, than other: MeanStd) -> (Bool, Double, Double?) {
        (fge.mean < other.mean, other.mean - fge.mean, replicates.count > 1 ? max(fge.std, other.std) : nil)
    }

    var claims: [Claim] {
        let a = aggregate
        let fge1 = a.error(.fge, budgets: 1), sse1 = a.error(.sse, budgets: 1), ind1 = a.error(.ind, budgets: 1)
        var out: [Claim] = []
        func add(_ claim: String, _ measured: String, _ test: (Bool, Double, Double?)) {
            out.append(Claim(claim: claim, measured: measured, held: test.0, margin: test.1, spread: test.2))
        }
        add("at 1 budget FGE's ensemble has lower test error than SSE's", "FGE \(percent(fge1)) vs SSE \(percent(sse1))", lower(fge1, than: sse1))
        add("at 1 budget FGE's ensemble has lower test error than Ind (one conventional network)",
            "FGE \(percent(fge1)) vs Ind \(percent(ind1))", lower(fge1, than: ind1))
        for k in 2...plan.budgets {
            let f = a.error(.fge, budgets: k), i = a.error(.ind, budgets: k)
            add("at \(k) budgets FGE's ensemble has lower test error than Ind's \(k) networks", "FGE \(percent(f)) vs Ind \(percent(i))", lower(f, than: i))
        }
        if let fd = a.distance(.fge), let id = a.distance(.ind) {
            out.append(Claim(claim: "FGE members are much closer in weight space than independent networks (mean L2 distance at most half)",
                             measured: "FGE \(fd.formatted(2)) vs Ind \(id.formatted(2))", held: fd.mean <= 0.5 * id.mean,
                             margin: 0.5 * id.mean - fd.mean, spread: replicates.count > 1 ? max(fd.std, id.std) : nil))
        }
        if let fd = a.disagreement(.fge), let id = a.disagreement(.ind) {
            add("FGE members disagree on fewer test predictions than independent networks",
                "FGE \(percent(fd)) vs Ind \(percent(id))", lower(fd, than: id))
        } else {
            out.append(Claim(claim: "FGE members are closer and disagree less than independent networks",
                             measured: "fewer than two members to compare within 1 budget", held: false, margin: 0, spread: nil, decidable: false))
        }
        let member = a.memberError(.fge)
        add("yet FGE's 1-budget ensemble beats its own members (mean single-member error)",
            "ensemble \(percent(fge1)) vs members \(percent(member))", lower(fge1, than: member))
        if a.members(.fge, budgets: 1).contains(where: { $0 < 2 }) { out[out.count - 1].decidable = false }
        return out
    }

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
        case .smoke: doc.paragraph("**Smoke budget: a few hundred images and a few epochs. The numbers below exercise the code and mean nothing.**")
        case .quick:
            let full = EnsemblePlan(budget: .full, model: plan.model, seeds: nil)
            doc.paragraph("**Quick budget: one seed, a \(data.train.count)-image training subset, B = \(plan.budgetEpochs) epochs. The committed full report (`--budget full`) uses \(full.trainLimit.map { "the first \($0)" } ?? "all 60 000") training images, B = \(full.budgetEpochs) epochs and \(full.seeds.count) seeds.**")
        case .full: break
        }
        doc.paragraph("Garipov et al. (2018): ensembling networks collected along a low-loss path with a short cyclic learning rate (Fast Geometric Ensembling) beats Snapshot Ensembles (Huang et al. 2017) and independently trained networks at the same training budget; FGE's members are much closer in weight space and agree more than independent networks, yet averaging them still gains. Verdicts below are computed from this run\(replicates.count > 1 ? " on the means over \(replicates.count) seeds" : "").")
        doc.table(header: ["claim", "measured here", "held?"], rows: claims.map { [$0.claim, $0.measured, $0.verdict] })
    }

    func fillSetup(_ doc: inout MarkdownDocument) {
        let base = plan.baseRecipe(seed: replicates[0].seed, data: data)
        let fge = plan.fastGeometricRecipe(base: base), perEpoch = plan.iterationsPerEpoch(base)
        let sse = plan.snapshotRecipe(seed: base.seed, data: data)
        let sseCycle = plan.budgetEpochs / plan.snapshotsPerBudget
        doc.bullets([
            "Data: \(data.name), \(data.train.count) training images (\(perEpoch) iterations per epoch at batch \(base.batchSize)) and \(data.test.count) test images, normalised with the training set's mean and std; random crop (pad \(base.cropPadding)) and horizontal flip for training.",
            "Network: `\(plan.model.rawValue)`, \(data.parameterCount(plan.model)) parameters.",
            "Budget B = \(plan.budgetEpochs) epochs, the conventional run: SGD momentum \(base.momentum), lr \(base.learningRate), weight decay \(base.weightDecay), GAR's piecewise schedule (the endpoints of chapters 1, 2 and 5). Every method is run for \(plan.budgets) budgets; its ensemble at k budgets holds the members it collected within k·B epochs.",
            "**Ind**: \(plan.budgets) conventional runs with different seeds (per replicate: \(replicates.map { $0.independentSeeds.map(String.init).joined(separator: ", ") }.joined(separator: "; "))); k networks at k budgets.",
            "**SSE**: the first Ind network's initialisation, minibatches and optimizer with the rate replaced by cosine restarts per iteration, α0 = \(plan.sseLearningRate), \(plan.snapshotsPerBudget) cycles per budget (\(sseCycle) epochs each\(plan.budgetEpochs % plan.snapshotsPerBudget != 0 ? ", the last absorbing the remainder" : "")), a snapshot at the end of every cycle: \(sse.snapshotEpochs.count) snapshots over \(plan.budgets) budgets.",
            "**FGE**: from the first Ind network's checkpoint after \(plan.fgeStartEpoch) of its \(plan.budgetEpochs) epochs, with its momentum buffer; triangular cyclic rate set every iteration from lr1 = \(plan.lr1) to lr2 = \(plan.lr2) and back, cycle K = \(fge.cycleIterations) iterations (\(format(Double(fge.cycleIterations) / Double(perEpoch))) epoch; GAR: 2 epochs of a 200-epoch budget — a cycle this short gives \(aggregate.members(.fge, budgets: 1)[0]) member(s) within 1 budget), a member after every lr2 step (mid-cycle); same momentum and weight decay as the base run.",
            "Ensembles average the members' softmax probabilities; before evaluation every member's BN statistics are recomputed on the same fixed subset of \(batchNorm) training images (cumulative average, no augmentation). Test error on all \(data.test.count) test images.",
            "Budget: `\(plan.budget.rawValue)`; \(replicates.count) replicate(s), seeds \(replicates.map { String($0.seed) }.joined(separator: ", ")).",
        ])
    }

    var batchNorm: Int { min(plan.batchNormImages, data.train.count) }

    func fillResults(_ doc: inout MarkdownDocument, trajectory: (png: String, svg: String), ensembles: (png: String, svg: String),
                     files: [(String, String)]) {
        let a = aggregate
        let spread = replicates.count > 1 ? "mean ± std over \(replicates.count) seeds" : "one seed"
        doc.figure(trajectory.png, caption: "FGE trajectory over the 1-budget part of the run (seed \(replicates[0].seed)): the rate (top); test error of the current network at \(plan.probesPerCycle) points per cycle and of the growing ensemble, members circled, the conventional run's final error dashed (middle); distance from the starting checkpoint (bottom).")
        doc.vectorLinks(svg: trajectory.svg)
        doc.figure(ensembles.png, caption: "Ensemble test error against training budget (left) and against the number of members (right, log scale) for Ind, SSE and FGE; \(spread).")
        doc.vectorLinks(svg: ensembles.svg)
        doc.paragraph("Ensemble test error (%) at 1, 2, 3 budgets (\(spread)); members in the ensemble in parentheses.")
        doc.table(header: ["method"] + (1...plan.budgets).map { "\($0) budget\($0 > 1 ? "s" : "")" },
                  rows: Method.allCases.map { m in
                      [m.rawValue] + (1...plan.budgets).map { k in "\(a.error(m, budgets: k).formatted(2, scale: 100)) (\(a.members(m, budgets: k)[0]))" }
                  })
        doc.paragraph("Diversity (\(spread)): Ind compares its \(plan.budgets) independent networks; SSE and FGE the members each collects within 1 budget. Disagreement is the fraction of test images on which two members predict different classes and distance the L2 norm of the difference of their parameter vectors, both averaged over all pairs; single-member error is each member's own test error.")
        doc.table(header: ["method", "members compared", "disagreement", "L2 distance", "single-member error (mean)", "best / worst member"],
                  rows: Method.allCases.map { m in
                      let d = replicates[0][m].diversity
                      let best = MeanStd(replicates.map { $0[m].diversity.bestMemberError }), worst = MeanStd(replicates.map { $0[m].diversity.worstMemberError })
                      return [m.rawValue, "\(d.members)", a.disagreement(m).map { percent($0) } ?? "—", a.distance(m)?.formatted(2) ?? "—",
                              percent(a.memberError(m)), "\(best.formatted(2, scale: 100)) / \(worst.formatted(2, scale: 100)) %"]
                  })
        let evaluation = MeanStd(replicates.map(\.evaluationSeconds))
        doc.paragraph("Training wall time for all \(plan.budgets) budgets, from the runs' epoch logs (runs taken from the artifact cache report the time they took when trained, on a machine shared with other jobs; Ind's conventional runs also evaluate the test set after every epoch; FGE includes its base run's first \(plan.fgeStartEpoch) epochs). Evaluating every member and trajectory probe (BN recomputation and the test set) took \(evaluation.formatted(0)) s per seed. The wall time under Provenance is this invocation's: runs and predictions found in the artifact cache are not recomputed, and the times above are those recorded when they were computed.")
        doc.table(header: ["method", "training, \(plan.budgets) budgets (s)", "per budget (s)"], rows: Method.allCases.map { m in
            let t = a.trainingSeconds(m)
            return [m.rawValue, t.formatted(0), MeanStd(replicates.map { $0[m].trainingSeconds / Double(plan.budgets) }).formatted(0)]
        })
        doc.paragraph("Data behind the figures and tables:")
        for (text, file) in files { doc.fileLink(text, to: file) }
    }

    func format(_ v: Double) -> String { String(format: "%.2f", v) }
}
