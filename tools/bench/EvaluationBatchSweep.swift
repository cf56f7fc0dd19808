import Datasets
import Foundation
import Networks
import Training

/// The evaluator's throughput at several batch sizes (`bench --evaluation-batches`), to choose the
/// batch evaluation runs at: every network's sizes are measured in turn within each round, and
/// each size is read against the first one as the median of the per-round ratios (the sizes of one
/// round ran back to back, so the machine's load divides out). All sizes evaluate the same images
/// on the inference path (`Evaluator`), BN folded once per pass over them.
struct EvaluationBatchSweep {
    let bench: EngineBenchmark
    let models: [ModelName]
    let batches: [Int]
    let rounds: Int

    /// Images per evaluation: a multiple of every size, and at least 8 of the largest.
    var images: Int {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let multiple = batches.reduce(1) { $0 / gcd($0, $1) * $1 }
        let least = 8 * (batches.max() ?? 1)
        return (least + multiple - 1) / multiple * multiple
    }

    /// One table per network: batch size, evaluation images per second (wall and per CPU-second ×
    /// threads, medians of the rounds) and the rate over the first size's.
    func run() -> String {
        var lines: [String] = []
        for model in models {
            let network = Network.make(model, inputShape: model.benchInputShape)
            let (parameters, state) = network.initialParameters(seed: 7)
            let data = SyntheticData.gaussianBlobs(count: images, classes: network.classes, dimensions: network.inputShape.reduce(1, *),
                                                   shape: network.inputShape, seed: 3)
            let evaluators = batches.map { Evaluator(network: network, batchSize: $0) }
            var rates = [[Rate]](repeating: [], count: batches.count)
            for round in 1...rounds {
                for (i, evaluator) in evaluators.enumerated() {
                    let rate = bench.rate { _ = evaluator.evaluate(parameters: parameters, state: state, on: data) }
                    rates[i].append(rate.scaled(by: Double(images)))
                    print(String(format: "round %d/%d · %@ · evaluation batch %d: %.0f img/s", round, rounds, model.rawValue, batches[i], rates[i].last!.wall))
                }
            }
            lines.append("\n\(model.rawValue): evaluation on the inference path, \(images) images, \(rounds) round(s), interleaved")
            lines.append("| evaluation batch | img/s | img/s per CPU-s × threads | over batch \(batches[0]) (wall) | over batch \(batches[0]) (CPU) |")
            lines.append("| ---: | ---: | ---: | ---: | ---: |")
            for (i, batch) in batches.enumerated() {
                let wall = Spread(rates[i].map(\.wall)), cpu = Spread(rates[i].map(\.cpu))
                let overWall = Spread.ofRatios(rates[i].map(\.wall), over: rates[0].map(\.wall))
                let overCPU = Spread.ofRatios(rates[i].map(\.cpu), over: rates[0].map(\.cpu))
                lines.append(String(format: "| %d | %.0f | %.0f | %@ | %@ |", batch, wall.median, cpu.median,
                                    overWall.formatted(), overCPU.formatted()))
            }
        }
        return lines.joined(separator: "\n")
    }
}
