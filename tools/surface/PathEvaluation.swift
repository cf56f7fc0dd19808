import ArgumentParser
import ChapterKit
import Experiments
import Foundation
import Networks
import Reporting
import Training
import WeightSpace

/// The images every evaluated point of weight space is measured on: BN statistics recomputed on
/// one fixed training subset, train metrics on another (the chapters' subsets), test metrics on
/// every loaded test image; the train loss's weight-decay term.
struct PointOptions: ParsableArguments {
    @Option(help: "Training images (a fixed subset) BN statistics are recomputed on at every point.")
    var bnImages: Int = 2_000
    @Option(help: "Training images (a fixed subset) train loss and error are measured on.")
    var trainImages: Int = 2_000

    func validate() throws {
        guard bnImages >= 1, trainImages >= 1 else { throw ValidationError("need --bn-images ≥ 1 and --train-images ≥ 1") }
    }

    var setting: (String, String) {
        ("each point", "BN statistics recomputed on \(bnImages) training images, train metrics on \(trainImages) (fixed subsets), test metrics on every loaded test image")
    }

    /// Measures points of `network` through the cache's point store (an interrupted evaluation resumes).
    func probe(network: Network, state: [Float], data: TrainingData, cache: ArtifactCache, weightDecay: Double) -> PointProbe {
        PointProbe(cache: cache, evaluator: Evaluator(network: network), data: data.evaluationData(batchNorm: bnImages, train: trainImages),
                   weightDecay: weightDecay, state: state,
                   context: "\(network.model.rawValue) width \(network.width) on \(data.name) (\(data.train.count)/\(data.test.count))")
    }
}

/// Where the points of a path (a curve, a segment) are measured: how many, and on which images.
struct PathOptions: ParsableArguments {
    @Option(help: "Points t, evenly spaced in [0, 1], at which each path is evaluated.")
    var points: Int = 21
    @OptionGroup var images: PointOptions

    func validate() throws {
        guard points >= 2 else { throw ValidationError("need --points ≥ 2") }
    }

    var settings: [(String, String)] { [("points", "\(points) evenly spaced t in [0, 1]"), images.setting] }

    /// Paths of `network` measured through the cache's point store.
    func probe(network: Network, state: [Float], data: TrainingData, cache: ArtifactCache, weightDecay: Double) -> PathProbe {
        PathProbe(probe: images.probe(network: network, state: state, data: data, cache: cache, weightDecay: weightDecay),
                  ts: CurveEvaluation.grid(points: points))
    }
}

struct PathProbe {
    let probe: PointProbe
    let ts: [Double]

    /// `curve` with `bends` at every t; `identity` names the bends (the checkpoints' digests).
    func evaluate(_ name: String, curve: Curve, bends: [Float], identity: String) throws -> CurveEvaluation {
        try probe.curve(name, identity: "\(curve.kind.rawValue) \(curve.bends) through \(identity)", curve: curve, bendVector: bends, at: ts)
    }
}

extension ToolReport {
    /// GAR's table (start, end, min, max, mean, length-weighted integral, barrier of each series
    /// along each path), the figure of train loss and test error along t, and each path's points as CSV.
    mutating func paths(_ paths: [(name: String, evaluation: CurveEvaluation)]) throws {
        let series: [(String, KeyPath<CurvePoint, Double>, Double)] = [("train loss", \.trainLoss, 1), ("test NLL", \.testNLL, 1), ("test error (%)", \.testError, 100)]
        var rows: [[String]] = []
        for path in paths {
            for (label, key, scale) in series {
                let s = path.evaluation.summary(key)
                rows.append([path.name, label] + [s.start, s.end, s.min, s.max, s.mean, s.integral, s.barrier].map { format($0 * scale) })
            }
        }
        summaryTable(header: ["path", "series", "start", "end", "min", "max", "mean", "int", "barrier"], rows: rows)
        paragraph("int: the mean along the path weighted by length (GAR's `eval_curve.py`); barrier: max − (start + end)/2.")
        try figure(PathFigures.lossAndError(paths.map { ($0.name, [$0.evaluation]) }), name: "paths",
                   caption: "Train loss (with the weight-decay term) and test error along t, BN statistics recomputed at every point.")
        for path in paths {
            let points = path.evaluation.points
            let table = CSVTable(columns: [("t", points.map(\.t)), ("train_loss", points.map(\.trainLoss)), ("train_nll", points.map(\.trainNLL)),
                                           ("train_error", points.map(\.trainError)), ("test_loss", points.map(\.testLoss)),
                                           ("test_nll", points.map(\.testNLL)), ("test_error", points.map(\.testError)),
                                           ("segment_length", points.map(\.segmentLength))])
            try data(table, name: path.name.lowercased().replacingOccurrences(of: " ", with: "-"), what: "\(path.name), every point")
        }
    }
}
