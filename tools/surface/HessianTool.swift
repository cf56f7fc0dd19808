import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import Plotting
import Reporting
import Safetensors
import Tensor
import WeightSpace

/// `surface hessian`: the Hessian's top eigenvalues, trace and eigenvalue density at a checkpoint
/// (`HessianSpectrum.measure`, what chapters 4 and 6 call).
struct HessianTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hessian",
        abstract: "The Hessian's top eigenvalues (Lanczos), trace (Hutchinson) and eigenvalue density (stochastic Lanczos quadrature) at a checkpoint.",
        discussion: """
            The loss is the mean cross-entropy over a fixed subset of the training images, BN in evaluation mode \
            on the checkpoint's statistics, no weight decay (PyHessian's convention). Products are central \
            differences of gradients with the ReLU masks frozen (docs/algorithms.md, "Curvature").
            """)

    @Argument(help: "The checkpoint (safetensors).")
    var checkpoint: String
    @Option(help: "Top eigenvalues to find.")
    var topK: Int = 1
    @Option(help: "Relative change of the top eigenvalues at which Lanczos stops.")
    var tolerance: Double = 1e-3
    @Option(help: "Most Lanczos steps for the top eigenvalues.")
    var maxSteps: Int = 40
    @Option(help: "Rademacher probes of Hutchinson's trace estimator.")
    var probes: Int = 20
    @Option(help: "Stochastic Lanczos quadrature runs for the density (0: no density).")
    var densityRuns: Int = 2
    @Option(help: "Lanczos steps of each density run.")
    var densitySteps: Int = 20
    @Option(help: "Training images (a fixed subset) the loss is taken on.")
    var images: Int = 1_000
    @Option(help: "Seed of the start vectors and probes.")
    var seed: UInt64 = 1
    @Option(help: """
        Also write the images the loss is taken on (normalised, as the network reads them) and their labels to this \
        safetensors file ("inputs", "labels"), for an independent check (Tests/Python/check_hessian.py).
        """)
    var exportSubset: String?
    @OptionGroup var options: ToolOptions

    func validate() throws {
        guard topK >= 1, tolerance > 0, probes >= 2, densityRuns >= 0, densitySteps >= 2, images >= 1 else {
            throw ValidationError("need --top-k ≥ 1, --tolerance > 0, --probes ≥ 2, --density-runs ≥ 0, --density-steps ≥ 2, --images ≥ 1")
        }
        // Lanczos checks convergence between rounds of 5 products: at least two rounds.
        guard maxSteps >= max(topK + 1, 5) + 5 else {
            throw ValidationError("--max-steps must be at least \(max(topK + 1, 5) + 5) for --top-k \(topK): two Lanczos rounds, to measure convergence")
        }
    }

    func run() throws {
        let started = Date(), data = try options.prepare()
        let file = try options.checkpoint(checkpoint, data: data).network(for: "hessian")
        let settings = CurvatureSettings(topK: topK, tolerance: tolerance, maxSteps: maxSteps, probes: probes, densityRuns: densityRuns,
                                         densitySteps: densitySteps)
        let subset = CurvaturePlan(settings: settings, images: images).subset(of: data.train)
        if let exportSubset {
            try Safetensors.write([NamedTensor(name: "inputs", shape: [subset.count] + subset.shape, values: subset.images),
                                   NamedTensor(name: "labels", shape: [subset.count], values: subset.labels.map(Float.init))],
                                  metadata: ["dataset": data.name, "subset": subset.name], to: exportSubset)
        }
        let identity = "hessian of \(file.sha256) \(settings) seed \(seed) on \(subset.count) of \(data.train.count) \(data.name) training images"
        let result = try options.cache.pointEvaluations(key: ArtifactCache.pointsKey("hessian", identity: identity), identity: identity,
                                                        count: 1, label: "Hessian") { _ in
            let hessian = HessianOperator(network: file.network, parameters: file.snapshot.parameters, state: file.snapshot.state, data: subset,
                                          relativeStep: settings.relativeStep)
            return HessianSpectrum.measure(hessian, settings: settings, seed: seed)
        }[0]
        var report = try ToolReport(title: "The Hessian's spectrum at \(file.name)", inputs: [file], settings: [
            ("loss", "mean cross-entropy on \(subset.count) training images (fixed subset), BN in evaluation mode"),
            ("spectral settings", settings.description), ("seed", "\(seed)"),
        ], path: options.folder("hessian"))
        let top = result.top
        report.summaryTable(header: ["quantity", "value", "uncertainty"], rows: top.values.enumerated().map { k, value in
            ["eigenvalue \(k + 1)", format(value), k == 0 ? "\(top.steps) Lanczos steps, last relative change \(String(format: "%.1e", top.change))\(top.converged ? "" : " (not converged)")" : ""]
        } + [["trace", format(result.trace.estimate), "± \(format(result.trace.standardError)) (standard error, \(result.trace.samples.count) probes)"]])
        if let density = result.density {
            try report.figure(PathFigures.density([(name: file.name, density: density, style: .automatic(0))]), name: "density",
                              caption: "The Hessian's eigenvalue density (stochastic Lanczos quadrature, \(densityRuns) runs of \(densitySteps) steps, Gaussian smoothing).")
            try report.data(CSVTable(columns: [("eigenvalue", density.grid), ("density", density.density)]), name: "density", what: "The density")
        }
        report.paragraph("\(result.products) Hessian-vector products.")
        try report.data(json: result, name: "hessian", what: "Every number above, with the Ritz values and trace samples")
        try report.finish(data: data, seconds: Date().timeIntervalSince(started))
    }
}
