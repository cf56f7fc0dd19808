import Foundation
import TestSupport
import Testing
@testable import bench

/// `bench --pytorch` end to end with a stand-in for Python (a shell script printing the twin's
/// JSON, faster under OMP_WAIT_POLICY=PASSIVE for training and slower for evaluation), so the
/// test suite needs no torch: the order of the measurements, the arguments the twin gets, the
/// ratios against the faster policy of each round, and the report.
@Suite(.serialized) struct BenchInterleavingTests {
    let folder = NSTemporaryDirectory() + "/bench-interleaving-\(UUID().uuidString)"

    /// Writes an executable stand-in for Python that logs its arguments and prints `fc1` as the
    /// shape of `fc1.weight`.
    func fakePython(fc1: [Int] = [512, 784]) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/python"
        let json = TwinLayoutTests.json(fc1: fc1).replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\"images_per_second\": 1000", with: "\"images_per_second\": $t")
            .replacingOccurrences(of: "\"images_per_second\": 9000", with: "\"images_per_second\": $e")
        let script = """
            #!/bin/sh
            echo "$OMP_WAIT_POLICY $*" >> "\(folder)/calls.log"
            if [ "$OMP_WAIT_POLICY" = PASSIVE ]; then t=2000; e=8000; else t=1000; e=9000; fi
            echo "torch would print a warning here"
            echo '\(json.replacingOccurrences(of: "$t", with: "'$t'").replacingOccurrences(of: "$e", with: "'$e'"))'

            """
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    func runBench(_ arguments: [String]) throws -> (status: Int32, output: String) { try BuiltExecutable("bench").run(arguments) }

    @Test func engineAndPyTorchAlternateAndTheRatiosPairEachRound() throws {
        let python = try fakePython()
        let (status, output) = try runBench(["--pytorch", python, "--models", "mlp", "--seconds", "0.05", "--rounds", "3", "--threads", "2",
                                             "--no-extras", "--json", folder + "/bench.json", "--output", folder + "/report"])
        #expect(status == 0, "bench failed:\n\(output)")
        // engine, PyTorch (default wait), PyTorch (passive wait), round after round.
        let steps = output.split(separator: "\n").filter { $0.hasPrefix("round ") && !$0.contains("sgemm") }.map { line in
            line.contains("engine") ? "engine" : line.contains("default wait") ? "default" : line.contains("passive wait") ? "passive" : "?"
        }
        #expect(steps == Array(repeating: ["engine", "default", "passive"], count: 3).flatMap { $0 }, "\(output)")
        // The twin got the engine's batch size, threads, optimizer and evaluation set, once per policy and round.
        let calls = try String(contentsOfFile: folder + "/calls.log", encoding: .utf8).split(separator: "\n")
        #expect(calls.count == 6)
        #expect(calls.filter { $0.hasPrefix("PASSIVE ") }.count == 3)
        for call in calls {
            #expect(call.contains("--model mlp --threads 2 --batch-size 128") && call.contains("--eval-images 1024")
                    && call.contains("--momentum 0.9") && call.contains("--weight-decay 0.0005"), "\(call)")
        }

        let report = try JSONDecoder().decode(BenchmarkReport.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/bench.json")))
        let mlp = try #require(report.networks.first)
        let rounds = try #require(mlp.rounds)
        #expect(rounds.count == 3)
        // Training compares with the passive policy (2000 img/s), evaluation with the default one (9000).
        #expect(rounds.allSatisfy { $0.pytorchTrain?.wall == 2000 && $0.pytorchEval?.wall == 9000 && $0.pytorchVariants?.count == 2 })
        let p = try #require(mlp.pytorch)
        #expect(p.trainRatio == Spread(rounds.map { $0.engineTrain.wall / 2000 }))
        #expect(p.evalRatio == Spread(rounds.map { $0.engineEval.wall / 9000 }))
        #expect(report.pytorch?.build.version == "2.x" && report.pytorch?.waitPolicies == [.default, .passive])

        let markdown = try String(contentsOfFile: folder + "/report/report.md", encoding: .utf8)
        for section in ["## Claim", "## Setup", "## Results", "## Per-layer profile", "## Caveats", "## Reproduce", "## Provenance"] {
            #expect(markdown.contains(section), "report lacks \(section)")
        }
        #expect(markdown.contains("`mlp` trains ≥ 2.0× PyTorch") && markdown.contains("](throughput.png)"))
        for file in ["throughput.png", "throughput.svg", "rounds.csv", "bench.json"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/report/" + file), "no \(file)")
        }
        let csv = try String(contentsOfFile: folder + "/report/rounds.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 1 + 3 && csv[1].hasPrefix("mlp,1,"))
    }

    @Test func withoutPyTorchThereIsNoPyTorchColumn() throws {
        let (status, output) = try runBench(["--models", "mlp", "--seconds", "0.05", "--threads", "2", "--no-extras"])
        #expect(status == 0, "bench failed:\n\(output)")
        #expect(!output.contains("PyTorch"), "\(output)")
    }

    @Test func aTwinWhoseLayoutIsNotTheEnginesStopsTheRun() throws {
        let python = try fakePython(fc1: [512, 783])
        let (status, output) = try runBench(["--pytorch", python, "--models", "mlp", "--seconds", "0.05", "--threads", "2",
                                             "--no-extras", "--pytorch-wait", "default"])
        #expect(status != 0)
        #expect(output.contains("fc1.weight [512, 783]"), "\(output)")
    }
}
