import Foundation
import Networks

/// What the PyTorch twin (`pytorch_twin.py` beside this file) prints for one network.
struct TwinMeasurement: Decodable, Sendable {
    struct Layout: Decodable, Sendable {
        /// [name, shape] pairs, as the script writes them.
        var parameters: [NamedShape]
        var state: [NamedShape]
    }

    /// A `["name", [shape]]` pair.
    struct NamedShape: Decodable, Equatable, Sendable {
        var name: String
        var shape: [Int]
        init(name: String, shape: [Int]) { self.name = name; self.shape = shape }
        init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            name = try c.decode(String.self)
            shape = try c.decode([Int].self)
        }
    }

    struct Timing: Decodable, Sendable {
        var images_per_second: Double
        var images_per_cpu_second: Double
        var rate: Rate { Rate(wall: images_per_second, cpu: images_per_cpu_second) }
    }

    struct Build: Codable, Equatable, Sendable {
        var version: String
        var cpu_capability: String?
        var onednn_version: String?
        var blas: String?
        var python: String?
    }

    var model: String
    var layout: Layout
    var threads: Int
    var train: Timing
    var eval: Timing
    var torch: Build
}

/// How PyTorch's OpenMP threads wait between parallel regions (libgomp, which the torch wheel
/// ships). libgomp's default spins for a while before it sleeps: on a quiet machine that saves the
/// wake-up, but when other jobs hold the cores a spinning thread can keep the one it waits for off
/// its core, and PyTorch's rate collapses several-fold. `passive` sleeps at once.
enum WaitPolicy: String, CaseIterable, Codable, Sendable {
    /// OMP_WAIT_POLICY and GOMP_SPINCOUNT left unset: PyTorch as installed.
    case `default`
    /// OMP_WAIT_POLICY=PASSIVE.
    case passive

    /// The twin's environment: this process's, with the wait policy set or cleared.
    func environment(from base: [String: String]) -> [String: String] {
        var env = base
        env["OMP_WAIT_POLICY"] = nil
        env["GOMP_SPINCOUNT"] = nil
        if self == .passive { env["OMP_WAIT_POLICY"] = "PASSIVE" }
        return env
    }

    /// "default" → [.default], "passive" → [.passive], "both" → both.
    static func parse(_ text: String) throws -> [WaitPolicy] {
        if text == "both" { return allCases }
        guard let policy = WaitPolicy(rawValue: text) else {
            throw PyTorchTwin.Failure(description: "--pytorch-wait takes default, passive or both, got \(text)")
        }
        return [policy]
    }
}

/// Runs the PyTorch twin of the reference networks with the bench's batch size, threads,
/// optimizer and measuring time, one network per call, and checks that its networks have the
/// engine's parameter names and shapes.
struct PyTorchTwin {
    /// The Python interpreter that has torch, e.g. a virtual environment's `bin/python`.
    let python: String
    let script: String
    let threads: Int
    let batchSize: Int
    let seconds: Double
    let evaluationImages: Int
    let optimizer: BenchOptimizer
    /// The OpenMP wait policies to measure PyTorch under, each round (the faster one is compared).
    var waitPolicies: [WaitPolicy] = WaitPolicy.allCases

    /// The script beside this source file.
    static var defaultScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("pytorch_twin.py").path
    }

    /// The twin's arguments for `model` (everything that must match the engine's side).
    func arguments(for model: ModelName) -> [String] {
        var args = [script, "--model", model.rawValue, "--threads", String(threads), "--batch-size", String(batchSize),
                    "--seconds", String(seconds), "--warmup", String(EngineBenchmark.warmupCalls),
                    "--eval-images", String(evaluationImages), "--lr", String(optimizer.learningRate),
                    "--momentum", String(optimizer.momentum), "--weight-decay", String(optimizer.weightDecay)]
        if optimizer.nesterov { args.append("--nesterov") }
        return args
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs the twin for `network` under `policy`; throws when it fails or its layout is not the engine's.
    func measure(_ network: Network, policy: WaitPolicy) throws -> TwinMeasurement {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments(for: network.model)
        process.environment = policy.environment(from: ProcessInfo.processInfo.environment)
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch {
            throw Failure(description: "cannot run the PyTorch twin with \(python): \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(python) \(script) --model \(network.model.rawValue) exited with status "
                          + "\(process.terminationStatus) (is torch installed for it? see the README's Performance section)\n\(text)")
        }
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") }) else {
            throw Failure(description: "the PyTorch twin printed no JSON:\n\(text)")
        }
        let measurement: TwinMeasurement
        do { measurement = try JSONDecoder().decode(TwinMeasurement.self, from: Data(line.utf8)) } catch {
            throw Failure(description: "cannot read the PyTorch twin's JSON (\(error)):\n\(line)")
        }
        try Self.check(measurement, against: network)
        guard measurement.threads == threads else {
            throw Failure(description: "the PyTorch twin ran \(measurement.threads) threads, the engine \(threads)")
        }
        return measurement
    }

    /// Throws unless the twin's parameters and state are the engine's, name for name and shape for
    /// shape, in order (so the two sides time the same network).
    static func check(_ m: TwinMeasurement, against network: Network) throws {
        guard m.model == network.model.rawValue else {
            throw Failure(description: "asked the PyTorch twin for \(network.model.rawValue), it answered for \(m.model)")
        }
        let engine = (parameters: network.layout.parameters.map { TwinMeasurement.NamedShape(name: $0.name, shape: $0.shape) },
                      state: network.layout.state.map { TwinMeasurement.NamedShape(name: $0.name, shape: $0.shape) })
        for (what, twin, ours) in [("parameters", m.layout.parameters, engine.parameters), ("state", m.layout.state, engine.state)]
        where twin != ours {
            let i = zip(twin, ours).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(twin.count, ours.count)
            func show(_ list: [TwinMeasurement.NamedShape]) -> String {
                i < list.count ? "\(list[i].name) \(list[i].shape)" : "nothing (\(list.count) tensors)"
            }
            throw Failure(description: "the PyTorch twin's \(m.model) differs from the engine's in its \(what) at #\(i): "
                          + "PyTorch has \(show(twin)), the engine \(show(ours))")
        }
    }
}
