import Foundation
import Networks
import Testing
@testable import bench

/// The medians and ranges `bench` quotes, and what the "over PyTorch" columns depend on.
@Suite struct SpreadTests {
    @Test func medianOfOddAndEvenCountsAndTheRange() {
        #expect(Spread([3, 1, 2]) == Spread(median: 2, min: 1, max: 3))
        #expect(Spread([4, 1, 3, 2]) == Spread(median: 2.5, min: 1, max: 4))
        #expect(Spread([7]) == Spread(median: 7, min: 7, max: 7))
        #expect(Spread([1.1, 1.31, 1.2]).formatted() == "1.20 (1.10–1.31)")
    }

    @Test func ratiosPairEachRoundNotTheMedians() {
        // Round 2 was slowed for both sides (another job took the cores): its ratio is still 2.
        let engine = [200.0, 60, 220], pytorch = [100.0, 30, 200]
        let r = Spread.ofRatios(engine, over: pytorch)
        #expect(r == Spread(median: 2, min: 1.1, max: 2))
        // The ratio of the medians would pair round 1's engine with round 3's PyTorch.
        #expect(Spread(engine).median / Spread(pytorch).median == 2)
        let paired = Spread.ofRatios([100, 300, 200], over: [100, 100, 400])
        #expect(paired == Spread(median: 1, min: 0.5, max: 3))
        #expect(Spread([100, 300, 200]).median / Spread([100, 100, 400]).median == 2)
    }

    func round(_ train: Double, _ eval: Double, pytorch: (Double, Double)? = nil) -> RoundMeasurement {
        RoundMeasurement(engineTrain: Rate(wall: train, cpu: 2 * train), engineEval: Rate(wall: eval, cpu: 2 * eval),
                         pytorchTrain: pytorch.map { Rate(wall: $0.0, cpu: $0.0) }, pytorchEval: pytorch.map { Rate(wall: $0.1, cpu: $0.1) },
                         sgemm: Rate(wall: 100, cpu: 100), ceiling: 200)
    }

    @Test func networkSpeedTakesMediansAndComparesOnlyWhenEveryRoundHasPyTorch() {
        let rounds = [round(1000, 4000, pytorch: (500, 4000)), round(900, 3000, pytorch: (300, 2000)), round(1200, 5000, pytorch: (800, 6000))]
        let speed = NetworkSpeed(model: "mlp", parameters: 1, forwardMFLOPsPerSample: 1, rounds: rounds)
        #expect(speed.trainSamplesPerSecond == 1000 && speed.evalSamplesPerSecond == 4000 && speed.trainSamplesPerCPUSecond == 2000)
        // 3 MFLOP per training image, 2000 images per CPU-second × threads, ceiling 200 GFLOP/s.
        #expect(abs(speed.fractionOfSgemm - 0.03) < 1e-12)
        let p = try! #require(speed.pytorch)
        #expect(p.trainRatio == Spread(median: 2, min: 1.5, max: 3))
        #expect(p.evalRatio == Spread([1, 1.5, 5000.0 / 6000]))
        #expect(p.trainSamplesPerSecond == 500 && p.evalSamplesPerSecond == 4000)
        #expect(p.trainRatioPerCPU == Spread(median: 4, min: 3, max: 6))

        var partial = rounds
        partial[1].pytorchTrain = nil
        #expect(NetworkSpeed(model: "mlp", parameters: 1, forwardMFLOPsPerSample: 1, rounds: partial).pytorch == nil)
    }

    func report(pytorch: Bool) -> BenchmarkReport {
        let rounds = [round(1000, 4000, pytorch: pytorch ? (500, 4000) : nil)]
        return BenchmarkReport(blas: "OpenBLAS", sgemmSize: 2048, sgemmGFLOPs: 100, batchSize: 128,
                               networks: [NetworkSpeed(model: "mlp", parameters: 1, forwardMFLOPsPerSample: 1, rounds: rounds)],
                               rounds: 1, pytorch: pytorch ? PyTorchRun(python: "python3", waitPolicies: [.default],
                                                                        build: .init(version: "2.x")) : nil)
    }

    @Test func theOverPyTorchColumnsExistOnlyWhenPyTorchWasMeasured() {
        #expect(!report(pytorch: false).table().contains("PyTorch"))
        let table = report(pytorch: true).table()
        #expect(table.contains("| train over PyTorch |"))
        #expect(table.contains("| mlp | 1000 | 500 | 2.00 (2.00–2.00) | 4000 | 4000 | 1.00 (1.00–1.00) |"))
    }
}

/// `bench`'s options.
@Suite struct BenchArgumentTests {
    @Test func pytorchNeedsAtLeastThreeRoundsAndDefaultsToFive() throws {
        #expect(try Bench.parse([]).effectiveRounds == 1)
        #expect(try Bench.parse(["--pytorch", "/usr/bin/python3"]).effectiveRounds == 5)
        #expect(try Bench.parse(["--pytorch", "/usr/bin/python3", "--rounds", "3"]).effectiveRounds == 3)
        #expect(throws: (any Error).self) { try Bench.parse(["--pytorch", "/usr/bin/python3", "--rounds", "2"]) }
        #expect(try Bench.parse(["--rounds", "2"]).effectiveRounds == 2)
        #expect(throws: (any Error).self) { try Bench.parse(["--rounds", "0"]) }
    }

    @Test func modelsWaitPoliciesAndSecondsAreChecked() throws {
        #expect(try Bench.parse(["--models", "tinyten,mlp"]).modelNames() == [.tinyten, .mlp])
        #expect(try Bench.parse(["--models", "mlp,vgg16"]).modelNames() == [.mlp, .vgg16])
        #expect(try Bench.parse([]).modelNames() == ModelName.smallNetworks)
        #expect(throws: (any Error).self) { try Bench.parse(["--models", "mlp,vgg19"]) }
        #expect(throws: (any Error).self) { try Bench.parse(["--pytorch-wait", "spin"]) }
        #expect(throws: (any Error).self) { try Bench.parse(["--seconds", "0"]) }
        #expect(try WaitPolicy.parse("both") == [.default, .passive])
        #expect(try WaitPolicy.parse("passive") == [.passive])
    }

    @Test func theTwinGetsTheEnginesSettingsAndItsWaitPolicy() {
        let twin = PyTorchTwin(python: "python3", script: "twin.py", threads: 2, batchSize: 128, seconds: 3, evaluationImages: 1024,
                               optimizer: BenchOptimizer(momentum: 0.9, nesterov: true, weightDecay: 5e-4))
        let args = twin.arguments(for: .tinyten)
        for pair in [["--model", "tinyten"], ["--threads", "2"], ["--batch-size", "128"], ["--eval-images", "1024"],
                     ["--momentum", "0.9"], ["--weight-decay", "0.0005"], ["--warmup", String(EngineBenchmark.warmupCalls)]] {
            #expect(args.indices.contains { args[$0...].starts(with: pair) }, "missing \(pair) in \(args)")
        }
        #expect(args.contains("--nesterov"))
        let base = ["OMP_WAIT_POLICY": "ACTIVE", "GOMP_SPINCOUNT": "1", "PATH": "/bin"]
        #expect(WaitPolicy.default.environment(from: base) == ["PATH": "/bin"])
        #expect(WaitPolicy.passive.environment(from: base) == ["PATH": "/bin", "OMP_WAIT_POLICY": "PASSIVE"])
    }

    @Test func theRecipeOptimizerIsTheChaptersOne() {
        let o = BenchOptimizer.recipe
        #expect(o.momentum == 0.9 && o.weightDecay == 5e-4 && !o.nesterov)
    }
}

/// The twin's layout check: the PyTorch side must time the engine's network, tensor for tensor.
@Suite struct TwinLayoutTests {
    static func json(fc1: [Int], model: String = "mlp") -> String {
        """
        {"model": "\(model)", "layout": {"parameters": [["fc1.weight", \(fc1)], ["fc1.bias", [512]], ["fc2.weight", [512, 512]],
         ["fc2.bias", [512]], ["fc3.weight", [10, 512]], ["fc3.bias", [10]]], "state": []}, "threads": 2,
         "train": {"images_per_second": 1000, "images_per_cpu_second": 1100},
         "eval": {"images_per_second": 9000, "images_per_cpu_second": 9900}, "torch": {"version": "2.x"}}
        """
    }

    @Test func theEnginesLayoutPassesAndADifferentShapeIsNamed() throws {
        let mlp = Network.make(.mlp)
        let good = try JSONDecoder().decode(TwinMeasurement.self, from: Data(Self.json(fc1: [512, 784]).utf8))
        try PyTorchTwin.check(good, against: mlp)
        #expect(good.train.rate == Rate(wall: 1000, cpu: 1100))
        let bad = try JSONDecoder().decode(TwinMeasurement.self, from: Data(Self.json(fc1: [512, 783]).utf8))
        do {
            try PyTorchTwin.check(bad, against: mlp)
            Issue.record("a twin with fc1.weight [512, 783] passed the check")
        } catch {
            #expect("\(error)".contains("fc1.weight [512, 783]") && "\(error)".contains("fc1.weight [512, 784]"))
        }
        #expect(throws: (any Error).self) { try PyTorchTwin.check(good, against: Network.make(.tinyten)) }
    }
}
