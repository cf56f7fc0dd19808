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
import Reporting
import Training
import WeightSpace

struct Chapter5: Chapter {
    static let configuration = CommandConfiguration.chapter(
        5,
        abstract: "Neuron alignment: curves between networks up to a permutation of their units (Tatro et al. 2020), with weight matching.",
        uses: """
            Takes chapter 2's endpoints and unaligned curves from the artifact cache (or trains them); every \
            curve has chapter 2's default 3 bends (chapter 2's --bends trains other curves, which this \
            chapter does not use).
            """)

    @OptionGroup var options: ChapterOptions

    // Budgets: chapter 2's pairs and unaligned curves, an aligned curve per method (Plan.swift).
    func plan() throws -> AlignmentPlan { AlignmentPlan(budget: options.budget, model: options.model, seeds: options.seeds) }

    func data(for plan: AlignmentPlan) throws -> TrainingData { try plan.curves.loadData(options.engine.dataSource) }

    func jobs(for plan: AlignmentPlan, data: TrainingData) -> JobPlan { plan.jobs(data: data) }

    // The experiment (Experiment.swift), pair by pair: align B's units to A's by each method, train
    // the curve between A and the aligned B, evaluate it and the segment.
    func measure(_ plan: AlignmentPlan, data: TrainingData, cache: ArtifactCache) throws -> [PairAlignment] {
        let survey = AlignmentSurvey(plan: plan, data: data, cache: cache)
        return try plan.pairs.map { try survey.pair($0) }
    }

    // The verdicts (Findings.swift) and the report (Report.swift, Figures.swift, Tables.swift).
    func report(_ plan: AlignmentPlan, measured: [PairAlignment], data: TrainingData, run: ChapterRun) -> AlignmentReport {
        AlignmentReport(findings: AlignmentFindings(plan: plan, pairs: measured), data: data, seconds: run.seconds, replaying: run.replaying)
    }
}

Chapter5.main()
