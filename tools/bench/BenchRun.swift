import ChapterKit
import Experiments
import Foundation
import Networks
import Tensor

/// One bench run: `rounds` rounds, each the sgemm ceiling and then, network by network, the
/// engine's training and evaluation and (with a twin) PyTorch's right after — engine, PyTorch,
/// engine, PyTorch, … — so every engine/PyTorch ratio pairs two measurements taken seconds apart.
/// BN recalibration, the curve step and the per-layer profile come after the rounds.
struct BenchRun {
    let bench: EngineBenchmark
    let models: [ModelName]
    let rounds: Int
    let twin: PyTorchTwin?
    let layers: Bool
    /// Where progress lines go (one per measurement, in the order taken).
    var log: (String) -> Void = { print($0); fflush(stdout) }

    func run() throws -> BenchmarkReport {
        precondition(rounds >= 1 && !models.isEmpty, "a bench run needs a round and a network")
        let subjects = models.map(bench.prepare)
        var sgemms: [Rate] = [], ceilings: [Double] = []
        var measured = [[RoundMeasurement]](repeating: [], count: models.count)
        var build: TwinMeasurement.Build?
        for round in 1...rounds {
            let tag = "round \(round)/\(rounds)"
            let sgemm = bench.sgemm(), ceiling = bench.sgemmCeiling()
            sgemms.append(sgemm)
            ceilings.append(ceiling)
            log(String(format: "%@ · sgemm: %.1f GFLOP/s on %d threads; ceiling (one thread per CPU-second × threads) %.1f", tag,
                       sgemm.wall, BLAS.threads, ceiling))
            for (i, subject) in subjects.enumerated() {
                let (train, eval, evalGraph) = subject.measure()
                log(String(format: "%@ · %@ · engine: train %.0f img/s, eval %.0f img/s (on the training graph %.0f)", tag,
                           subject.model.rawValue, train.wall, eval.wall, evalGraph.wall))
                var m = RoundMeasurement(engineTrain: train, engineEval: eval, sgemm: sgemm, ceiling: ceiling)
                m.engineEvalGraph = evalGraph
                if let twin {
                    var variants: [PyTorchVariant] = []
                    for policy in twin.waitPolicies {
                        let t = try twin.measure(subject.network, policy: policy)
                        variants.append(PyTorchVariant(waitPolicy: policy, train: t.train.rate, eval: t.eval.rate))
                        build = t.torch
                        log(String(format: "%@ · %@ · PyTorch (%@ wait): train %.0f img/s, eval %.0f img/s", tag, subject.model.rawValue,
                                   policy.rawValue, t.train.rate.wall, t.eval.rate.wall))
                    }
                    m.pytorchVariants = variants
                    m.pytorchTrain = variants.map(\.train).max { $0.wall < $1.wall }
                    m.pytorchEval = variants.map(\.eval).max { $0.wall < $1.wall }
                }
                measured[i].append(m)
            }
        }
        var speeds: [NetworkSpeed] = []
        for (i, subject) in subjects.enumerated() {
            let extras = bench.extras ? subject.extras() : nil
            if let extras {
                log(String(format: "%@ · BN recalibration %.2f s/10k, curve step / train step %.2f, Hessian-vector product / train step %.2f",
                           subject.model.rawValue, extras.batchNormSecondsPer10k, extras.curveStepOverTrainStep,
                           extras.hessianProductOverTrainStep))
            }
            speeds.append(NetworkSpeed(model: subject.model.rawValue, parameters: subject.network.layout.parameterCount,
                                       forwardMFLOPsPerSample: Double(subject.network.forwardFLOPsPerSample) / 1e6, rounds: measured[i],
                                       batchNormSecondsPer10k: extras?.batchNormSecondsPer10k,
                                       curveStepOverTrainStep: extras?.curveStepOverTrainStep,
                                       hessianProductOverTrainStep: extras?.hessianProductOverTrainStep))
        }
        let profiles = layers ? models.map { m -> NetworkLayerProfile in
            let (layers, step) = bench.layerProfile(m)
            log(String(format: "%@ · layer profile: %.1f ms per training step", m.rawValue, step))
            return NetworkLayerProfile(model: m.rawValue, stepMilliseconds: step, layers: layers)
        } : nil
        let evaluationProfiles = layers ? models.map { m -> NetworkLayerProfile in
            let (layers, batch) = bench.evaluationProfile(m)
            log(String(format: "%@ · evaluation profile: %.1f ms per batch", m.rawValue, batch))
            return NetworkLayerProfile(model: m.rawValue, stepMilliseconds: batch, layers: layers, evaluation: true)
        } : nil
        return BenchmarkReport(blas: BLASRuntime.summary, sgemmSize: 2048, sgemmGFLOPs: Spread(sgemms.map(\.wall)).median,
                               sgemmGFLOPsPerCPU: Spread(sgemms.map(\.cpu)).median, ceilingGFLOPs: Spread(ceilings).median, batchSize: bench.batchSize, networks: speeds,
                               peakResidentMiB: EngineBenchmark.peakResidentMiB(), layerProfiles: profiles, evaluationProfiles: evaluationProfiles, rounds: rounds,
                               secondsPerMeasurement: bench.minimumSeconds, threads: BLAS.threads, optimizer: bench.optimizer,
                               cpu: Self.cpuModel, convolutions: ConvolutionBackend.standard.description,
                               pytorch: twin.flatMap { t in build.map { PyTorchRun(python: t.python, waitPolicies: t.waitPolicies, build: $0) } })
    }

    /// The CPU's model name and vector extensions, from /proc/cpuinfo.
    static var cpuModel: String? {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        let lines = info.split(separator: "\n")
        func field(_ key: String) -> String? {
            lines.first { $0.hasPrefix(key) }.flatMap { $0.split(separator: ":", maxSplits: 1).last }
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
        let isa = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2" : "no AVX2"
        return "\(field("model name") ?? "unknown"), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(isa)"
    }
}
