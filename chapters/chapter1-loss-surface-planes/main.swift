// Chapter 1 — loss-surface planes: three isolated optima, and the valleys that curves follow.
//
// Paper: T. Garipov, P. Izmailov, D. Podoprikhin, D. Vetrov, A. G. Wilson, "Loss Surfaces, Mode
// Connectivity, and Fast Ensembling of DNNs", NeurIPS 2018, Fig. 1 (timgaripov/dnn-mode-connectivity,
// `plane.py` and `plane_plot.py`); beyond the paper, the filter-normalised random plane of
// H. Li, Z. Xu, G. Taylor, C. Studer, T. Goldstein, "Visualizing the Loss Landscape of Neural
// Nets", NeurIPS 2018 (tomgoldstein/loss-landscape).
//
// Claim: on the plane through three independently trained networks the optima are isolated — the
// loss between them is much higher; on the plane through two endpoints and the middle bend of a
// trained Bezier or PolyChain curve, a curved valley of low loss joins them, and the whole curve
// stays at the endpoints' loss while the straight segment does not.
//
// Deviations: Fashion-MNIST instead of CIFAR; TinyTen instead of VGG16 / PreResNet164; chapter 2's
// short training budgets; BN statistics recomputed on a fixed training subset and train metrics on
// a fixed subset (sizes in the report); the grids drawn for one pair, the numbers measured at the
// exact points over every pair.
import ArgumentParser
import ChapterKit
import Experiments
import Reporting
import Training
import WeightSpace

struct Chapter1: Chapter {
    static let configuration = CommandConfiguration.chapter(
        1,
        abstract: "Loss-surface planes: three isolated optima, and the valleys curves follow (Garipov et al. 2018, Fig. 1).",
        uses: """
            Takes chapter 2's networks and curves from the artifact cache (or trains them); its curves have \
            chapter 2's default 3 bends (chapter 2's --bends trains other curves, which this chapter does \
            not draw).
            """)

    @OptionGroup var options: ChapterOptions

    func validate() throws {
        if let seeds = options.seeds, seeds.count < 3 { throw ValidationError("--seeds needs at least three seeds (three networks per plane), got \(seeds.count)") }
    }

    // Budgets: chapter 2's pairs and curves, a third network per pair, the grids (Plan.swift).
    func plan() throws -> PlanesPlan { PlanesPlan(budget: options.budget, model: options.model, seeds: options.seeds) }

    func data(for plan: PlanesPlan) throws -> TrainingData { try plan.curves.loadData(options.engine.dataSource) }

    func jobs(for plan: PlanesPlan, data: TrainingData) -> JobPlan {
        plan.curves.jobs(data: data, kinds: [.bezier, .polychain], seeds: plan.seeds)
    }

    // The experiment (Experiment.swift), pair by pair: the plane through three optima, the planes
    // through each curve's middle bend; then one filter-normalised random plane.
    func measure(_ plan: PlanesPlan, data: TrainingData, cache: ArtifactCache) throws -> PlanesMeasurements {
        let survey = try Survey(plan: plan, data: data, cache: cache)
        let pairs = plan.pairs.indices
        return PlanesMeasurements(triples: try pairs.map { try survey.threeOptima($0) },
                                  bezier: try pairs.map { try survey.curvePlane(.bezier, $0) },
                                  polychain: try pairs.map { try survey.curvePlane(.polychain, $0) },
                                  random: try survey.randomPlane())
    }

    // The verdicts (Findings.swift) and the report (Report.swift, Figures.swift, Tables.swift).
    func report(_ plan: PlanesPlan, measured: PlanesMeasurements, data: TrainingData, run: ChapterRun) -> PlanesReport {
        PlanesReport(results: PlanesResults(plan: plan, measured: measured), data: data, seconds: run.seconds, replaying: run.replaying)
    }
}

Chapter1.main()
