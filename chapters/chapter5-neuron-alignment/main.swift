// Chapter 5 — neuron alignment: curves between networks up to a permutation of their units.
//
// Paper: N. J. Tatro, P.-Y. Chen, P. Das, I. Melnyk, P. Sattigeri, R. Lai, "Optimizing Mode
// Connectivity via Neuron Alignment", NeurIPS 2020 (IBM/NeuronAlignment); beyond the paper, weight
// matching from S. K. Ainsworth, J. Hayase, S. Srinivasa, "Git Re-Basin", ICLR 2023.
//
// Claim: matching the hidden units of one endpoint to the other's by the correlation of their
// post-activations, before training the curve between them, gives curves of higher and flatter
// accuracy, close to the endpoints'; PAM, learning the permutation with the curve, lands near
// the same answer; the straight segment's barrier shrinks after alignment.
//
// Deviations: Fashion-MNIST instead of CIFAR; chapter 2's short training budgets; PAM at a short budget;
// BN statistics and train metrics on fixed training subsets (sizes in the report).
import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import Reporting
import Training
import WeightSpace

struct Chapter5: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chapter5",
        abstract: "Neuron alignment: curves between networks up to a permutation of their units (Tatro et al. 2020), with weight matching.",
        discussion: "Writes figures (PNG + SVG), CSV/JSON and report.md to figures/chapter5/. Takes chapter 2's endpoints and unaligned curves from the artifact cache (or trains them).")

    @OptionGroup var options: ChapterOptions

    func run() throws {
        options.prepare()
        let started = Date()
        let plan = AlignmentPlan(budget: options.budget, model: options.model, seeds: options.seeds)
        let data = try plan.curves.loadData(options.engine.dataSource)
        if try options.writePlan(chapter: "chapter5", { plan.jobs(data: data) }) { return }
        let (pairs, replaying) = try options.measurements(chapter: "chapter5") {
            let survey = AlignmentSurvey(plan: plan, data: data, cache: ArtifactCache(root: options.engine.cache))
            return try plan.pairs.map { try survey.pair($0) }
        }
        let findings = AlignmentFindings(plan: plan, pairs: pairs)
        let folder = options.outputFolder("chapter5")
        let report = AlignmentReport(findings: findings, data: data, seconds: Date().timeIntervalSince(started), replaying: replaying)
        try options.record(chapter: "chapter5", measured: pairs, report: try report.write(to: folder))
        options.announce(report: folder, chapter: "chapter5")
    }
}

Chapter5.main()
