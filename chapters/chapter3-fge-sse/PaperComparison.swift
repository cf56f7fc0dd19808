import ChapterKit
import Experiments
import Foundation
import Reporting
import WeightSpace

/// The paper's numbers beside ours, the deviations, and the JSON summary.
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
        doc.paragraph("Test accuracy (%) of Ind and FGE at 1, 2, 3 budgets. Paper: CIFAR-100 (GAR's README, budget 200 epochs); here: \(data.name), budget \(plan.budgetEpochs) epochs.")
        var rows: [[String]] = Self.paperAccuracy.map { name, ind, fge in
            ["paper: \(name)"] + (0..<3).map { "\(ind[$0]) / \(fge[$0])" } + [String(format: "%+.1f", fge[0] - ind[0])]
        }
        let gain = 100 * (a.error(.ind, budgets: 1).mean - a.error(.fge, budgets: 1).mean)
        rows.append([here] + (1...plan.budgets).map { "\(accuracy(.ind, $0)) / \(accuracy(.fge, $0))" } + [String(format: "%+.2f", gain)])
        doc.table(header: ["setting", "1 budget Ind / FGE", "2 budgets Ind / FGE", "3 budgets Ind / FGE", "FGE gain at 1 budget (points)"], rows: rows)

        doc.paragraph("Test error (%) at 1 budget, Ind / SSE / FGE (the seed slides of this project, from the paper's Table 2).")
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
             "\(MeanStd(replicates.map { 1 - $0[.fge].diversity.memberError }).formatted(2, scale: 100)) vs \(MeanStd(replicates.map { 1 - $0[.ind].errorAtBudget[0] }).formatted(2, scale: 100)) %"],
        ])
        doc.paragraph("Distances depend on the network's size and its weight decay, so only the ratios compare across settings: paper SSE/FGE ≈ 6; here SSE/FGE = \(ratio(a.distance(.sse), a.distance(.fge))), Ind/FGE = \(ratio(a.distance(.ind), a.distance(.fge))). Mean single FGE member error \(percent(fge)) vs conventional network \(percent(base)).")
    }

    private func ratio(_ a: MeanStd?, _ b: MeanStd?) -> String {
        guard let a, let b, b.mean > 0 else { return "—" }
        return String(format: "%.1f", a.mean / b.mean)
    }

    func fillDeviations(_ doc: inout MarkdownDocument) {
        doc.bullets([
            "\(data.deviation(fromPaper: [.cifar100], detail: "28×28 grey")), and `\(plan.model.rawValue)` instead of VGG16 / PreResNet164 / WRN28x10: the package runs on two CPU cores.",
            "Budget B = \(plan.budgetEpochs) epochs instead of 200\(data.train.count < 60_000 ? ", on the first \(data.train.count) training images instead of all 60 000" : ""). FGE starts after \(plan.fgeStartEpoch) epochs (\(Int((100 * Double(plan.fgeStartEpoch) / Double(plan.budgetEpochs)).rounded())) % of B; GAR: 160 of 200) and its cycle is \(format(plan.cycleEpochs)) epoch instead of 2, so that FGE collects several members within 1 budget (GAR collects 20 in its 40 FGE epochs).",
            "FGE's rates lr1 = \(plan.lr1), lr2 = \(plan.lr2): GAR's ResNet ratio to the base rate (0.05, 0.01 for lr0 = 0.1) applied to ours (lr0 = 0.05). The cycle is counted in iterations, not epochs, so cycles need not align with epochs; GAR collects at the end of the epoch where the rate reaches lr2, here after the lr2 iteration itself.",
            "SSE restarts at α0 = \(plan.sseLearningRate) (Huang et al.'s value) with \(plan.snapshotsPerBudget) cycles per budget; the same cycles repeat in each budget, so the cycle length stays fixed as the run grows. SSE's ensemble at k budgets averages all its snapshots up to k·B epochs (Huang et al. also report ensembles of the last m snapshots; the running ensemble in the CSV shows every prefix).",
            "BN statistics of every member are recomputed on a fixed subset of \(batchNorm) training images without augmentation (GAR: a full pass over the augmented training loader).",
            "The seed slides' diversity numbers are for PreResNet164 on CIFAR-100; ours compare all pairs of members collected within 1 budget (SSE, FGE) and all pairs of the \(plan.budgets) independent networks.",
        ])
    }

    struct MethodSummary: Encodable {
        let seed: UInt64
        let method: String
        let membersAtBudget: [Int]
        let errorAtBudget: [Double]
        let nllAtBudget: [Double]
        let diversity: DiversitySummary
        let trainingSeconds: Double
    }

    struct ClaimSummary: Encodable {
        let claim: String, measured: String, held: Bool, margin: Double, spread: Double?
    }

    struct Summary: Encodable {
        let budget: String, model: String, budgetEpochs: Int, budgets: Int, trainImages: Int, testImages: Int
        let batchNormImages: Int, fgeStartEpoch: Int, fgeCycleIterations: Int, lr1: Double, lr2: Double
        let sseCyclesPerBudget: Int, sseLearningRate: Double
        let methods: [MethodSummary]
        let claims: [ClaimSummary]
    }

    func summaryJSON() -> Summary {
        let base = plan.baseRecipe(seed: replicates[0].seed, data: data)
        return Summary(budget: plan.budget.rawValue, model: plan.model.rawValue, budgetEpochs: plan.budgetEpochs, budgets: plan.budgets,
                       trainImages: data.train.count, testImages: data.test.count, batchNormImages: batchNorm,
                       fgeStartEpoch: plan.fgeStartEpoch, fgeCycleIterations: plan.fastGeometricRecipe(base: base).cycleIterations,
                       lr1: plan.lr1, lr2: plan.lr2, sseCyclesPerBudget: plan.snapshotsPerBudget, sseLearningRate: plan.sseLearningRate,
                       methods: replicates.flatMap { r in
                           r.methods.map { MethodSummary(seed: r.seed, method: $0.method.rawValue, membersAtBudget: $0.membersAtBudget,
                                                         errorAtBudget: $0.errorAtBudget, nllAtBudget: $0.nllAtBudget,
                                                         diversity: $0.diversity, trainingSeconds: $0.trainingSeconds) }
                       },
                       claims: claims.map { ClaimSummary(claim: $0.claim, measured: $0.measured, held: $0.held, margin: $0.margin, spread: $0.spread) })
    }
}
