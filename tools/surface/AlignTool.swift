import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import Networks
import Reporting
import Safetensors
import Tensor
import Training
import WeightSpace

/// How `surface align` matches B's units to A's.
enum AlignmentKind: String, ExpressibleByArgument, CaseIterable {
    /// Tatro et al.: the correlation of post-activations.
    case correlation
    /// Git Re-Basin: the inner product of the weights.
    case weightMatching = "weight-matching"
}

/// `surface align`: B's units permuted to match A's (NeuronAlignment's `align_models.py`, Git
/// Re-Basin's weight matching), written as a checkpoint that computes B's function, with the
/// permutations and the segment from A to B before and after.
struct AlignTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Permute network B's units to match network A's (correlation alignment or weight matching); write the permuted B.",
        discussion: """
            Unit groups: every hidden layer, and a residual network's stream per stage. The permuted B computes \
            the same function as B: the tool checks it on the test images and prints the largest difference of \
            their predicted probabilities. Then it evaluates the segment from A to B and from A to the permuted B.
            """)

    @Argument(help: "Network A's checkpoint (the reference).")
    var a: String
    @Argument(help: "Network B's checkpoint (the one permuted).")
    var b: String
    @Option(help: "correlation (Tatro et al.) or weight-matching (Git Re-Basin).")
    var method: AlignmentKind = .correlation
    @Option(help: "Training images (the first) whose post-activations are correlated.")
    var images: Int = 1_000
    @Option(help: "Seed of weight matching's order of unit groups.")
    var seed: UInt64 = 1
    @Option(name: .customLong("wd"), help: "Weight decay of the train loss's ½·wd·‖θ‖² term along the segments.")
    var weightDecay: Double = 5e-4
    @OptionGroup var path: PathOptions
    @OptionGroup var options: ToolOptions

    func validate() throws {
        guard images >= 1 else { throw ValidationError("--images must be at least 1") }
    }

    func run() throws {
        let started = Date(), data = try options.prepare()
        let files = try options.checkpoints([a, b], data: data).map { try $0.network(for: "align") }
        let (fa, fb) = (files[0], files[1]), network = fa.network, groups = network.unitGroups
        let correlations = NeuronAlignment.correlations(network: network, a: (fa.snapshot.parameters, fa.snapshot.state),
                                                        b: (fb.snapshot.parameters, fb.snapshot.state), data: data.train.prefix(min(images, data.train.count)))
        let permutations: [[Int]]
        switch method {
        case .correlation: permutations = try correlations.map { try NeuronAlignment.match($0) }
        case .weightMatching: permutations = try WeightMatching.match(network: network, a: fa.snapshot.parameters, b: fb.snapshot.parameters, seed: seed).permutations
        }
        let (parameters, state) = UnitPermutation.apply(permutations, groups: groups, layout: network.layout,
                                                        parameters: fb.snapshot.parameters, state: fb.snapshot.state)
        // The permuted network computes B's function: compare the predicted probabilities on the test images.
        let evaluator = Evaluator(network: network)
        let before = evaluator.evaluate(parameters: fb.snapshot.parameters, state: fb.snapshot.state, on: data.test, keepProbabilities: true)
        let after = evaluator.evaluate(parameters: parameters, state: state, on: data.test, keepProbabilities: true)
        let difference = zip(before.probabilities!, after.probabilities!).map { abs($0 - $1) }.max() ?? 0
        print(String(format: "permuted B computes B's function: largest difference of the predicted probabilities on %d test images %.2e", data.test.count, difference))
        guard difference < 1e-3 else {
            throw CheckpointFileError(path: fb.path, reason: String(format: "the permuted network's probabilities differ from B's by %.2e: the unit groups do not fit this network", difference))
        }
        var report = try ToolReport(title: "\(fb.name) aligned to \(fa.name) by \(method.rawValue)", inputs: files, settings: [
            ("method", method == .correlation ? "correlation of post-activations on the first \(min(images, data.train.count)) training images (Tatro et al. 2020)"
                                              : "weight matching (Ainsworth et al. 2023), group order seed \(seed)"),
        ] + path.settings, path: options.folder("align"))
        let aligned = "\(fb.name)-aligned.safetensors"
        try report.folder.write(data: StateDict.encode(network: network, parameters: parameters, state: state,
                                                       metadata: ["aligned_to": fa.sha256, "permuted_from": fb.sha256, "alignment": method.rawValue]),
                                name: aligned)
        report.paragraph(String(format: "The permuted B computes B's function: the largest difference of their predicted probabilities on the %d test images is %.2e.",
                                data.test.count, difference))
        report.summaryTable(header: ["unit group", "units", "units moved", "mean matched correlation before", "after"], rows: groups.indices.map { g in
            [groups[g].name, "\(groups[g].channels)", "\(permutations[g].enumerated().filter { $0.offset != $0.element }.count)",
             format4(NeuronAlignment.meanMatched(correlations[g], Array(0..<groups[g].channels))), format4(NeuronAlignment.meanMatched(correlations[g], permutations[g]))]
        })
        report.results.fileLink("The permuted B (safetensors)", to: aligned)
        try report.data(json: Dictionary(uniqueKeysWithValues: zip(groups.map(\.name), permutations)), name: "permutations",
                        what: "Per unit group, unit u of the permuted B is unit permutation[u] of B")
        let probe = path.probe(network: network, state: fa.snapshot.state, data: data, cache: options.cache, weightDecay: weightDecay)
        let unaligned = try probe.evaluate("segment", curve: .segment, bends: fa.snapshot.parameters + fb.snapshot.parameters, identity: "\(fa.sha256) \(fb.sha256)")
        let alignedSegment = try probe.evaluate("aligned segment", curve: .segment, bends: fa.snapshot.parameters + parameters,
                                                identity: "\(fa.sha256) \(fb.sha256) permuted by \(method.rawValue) \(PairAligner.hash(permutations))")
        try report.paths([("Segment", unaligned), ("Aligned segment", alignedSegment)])
        try report.finish(data: data, seconds: Date().timeIntervalSince(started))
    }
}
