import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import WeightSpace

/// `surface evaluate-curve`: points along a trained curve (a file `surface curve` wrote) and the
/// straight segment between its ends, or along the segment between two checkpoints (GAR's
/// `eval_curve.py`), BN recomputed at every point.
struct EvaluateCurveTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-curve",
        abstract: "Train loss, test NLL and test error along a curve and the segment between its ends, or along the segment between two checkpoints.",
        discussion: """
            Give --curve (a file `surface curve` wrote) or --start and --end (two networks' checkpoints). Every \
            point's BN statistics are recomputed on a fixed training subset, as GAR's eval_curve.py does.
            """)

    @Option(help: "A curve's checkpoint (bends under bend0., bend1., …).")
    var curve: String?
    @Option(help: "The first network's checkpoint (with --end: the segment between them).")
    var start: String?
    @Option(help: "The second network's checkpoint.")
    var end: String?
    @Option(name: .customLong("wd"), help: "Weight decay of the train loss's ½·wd·‖θ‖² term (GAR's curve loss).")
    var weightDecay: Double = 5e-4
    @OptionGroup var path: PathOptions
    @OptionGroup var options: ToolOptions

    func validate() throws {
        guard (curve == nil) == (start != nil && end != nil), (start == nil) == (end == nil) else {
            throw ValidationError("give --curve FILE, or --start FILE and --end FILE")
        }
        guard weightDecay >= 0 else { throw ValidationError("--wd must be non-negative") }
    }

    func run() throws {
        let started = Date(), data = try options.prepare()
        let inputs = try options.checkpoints([curve, start, end].compactMap { $0 }, data: data)
        let first = inputs[0], p = first.network.layout.parameterCount
        let probe = path.probe(network: first.network, state: first.snapshot.state, data: data, cache: options.cache, weightDecay: weightDecay)
        var paths: [(name: String, evaluation: CurveEvaluation)] = []
        let title: String
        if curve != nil {
            guard case .curve(let bends) = first.content, let kind = first.curveKind else {
                throw CheckpointFileError(path: first.path, reason: "is not a curve's checkpoint (no bend0. tensors or no \"curve\" kind in its metadata)")
            }
            let ends = Array(first.snapshot.parameters.prefix(p)) + Array(first.snapshot.parameters.suffix(p))
            paths.append(("Segment", try probe.evaluate("segment", curve: .segment, bends: ends, identity: "the ends of \(first.sha256)")))
            paths.append((kind.rawValue.capitalized, try probe.evaluate(kind.rawValue, curve: Curve(kind, bends: bends), bends: first.snapshot.parameters,
                                                                         identity: first.sha256)))
            title = "Along the curve \(first.name)"
        } else {
            let a = try first.network(for: "evaluate-curve"), b = try inputs[1].network(for: "evaluate-curve")
            paths.append(("Segment", try probe.evaluate("segment", curve: .segment, bends: a.snapshot.parameters + b.snapshot.parameters,
                                                        identity: "\(a.sha256) \(b.sha256)")))
            title = "Along the segment from \(a.name) to \(b.name)"
        }
        var report = try ToolReport(title: title, inputs: inputs, settings: path.settings + [("weight decay in the train loss", "\(weightDecay)")],
                                    path: options.folder("evaluate-curve"))
        try report.paths(paths)
        try report.finish(data: data, seconds: Date().timeIntervalSince(started))
    }
}
