import Foundation
import Safetensors
import TestSupport
import Testing

/// `surface`, the tools on a user's checkpoints, at a smoke size on networks `train` writes (one
/// epoch on 512 images): each tool's outputs, that a tool's curve is the chapter's, and that bad
/// input gets its error and leaves nothing behind.
@Suite(.serialized) struct SurfaceToolTests {
    let folder = TemporaryFolder("surface")
    var base: String { folder.path }
    var cache: String { base + "/cache" }
    static let data = ["--train-limit", "512", "--test-limit", "256", "--threads", "2"]
    static let training = ["--train-limit", "512", "--threads", "2"]
    static let points = ["--bn-images", "256", "--train-images", "256"]

    func surface(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try BuiltExecutable("surface").run(arguments + ["--cache", cache] + Self.data)
    }

    /// Trains network `seed` (as a chapter's smoke endpoint) and saves its state dict to `<base>/<name>.safetensors`.
    func trained(_ seed: Int, model: String = "tinyten", name: String? = nil) throws -> String {
        let file = base + "/\(name ?? "net\(seed)").safetensors"
        let (status, output) = try BuiltExecutable("train").run(["--model", model, "--epochs", "1", "--seed", "\(seed)", "--save", file,
                                                                  "--cache", cache] + Self.training)
        #expect(status == 0, "\(output)")
        return file
    }

    /// The cache's own checkpoint of network `seed` (with its optimizer state).
    func cached(_ seed: Int) throws -> String {
        let entry = try #require(try FileManager.default.contentsOfDirectory(atPath: cache).first { $0.hasPrefix("tinyten-seed\(seed)-") && !$0.hasSuffix(".lock") })
        return cache + "/" + entry + "/final.safetensors"
    }

    func tensors(_ path: String) throws -> [String: NamedTensor] {
        Dictionary(uniqueKeysWithValues: try Safetensors.read(path: path).tensors.map { ($0.name, $0) })
    }

    func report(_ folder: String) throws -> String { try String(contentsOfFile: folder + "/report.md", encoding: .utf8) }

    @Test func curveThenEvaluateCurveThenPlaneThroughItsBend() throws {
        let a = try trained(1), b = try trained(2)
        // The start from the cache (with momentum tensors), the end as a bare state dict: both forms read.
        let curveArguments = ["curve", "--start", try cached(1), "--end", b, "--epochs", "1", "--points", "5", "--output", base + "/curve"] + Self.points
        let (status, output) = try surface(curveArguments)
        #expect(status == 0, "\(output)")
        let curve = try tensors(base + "/curve/curve.safetensors"), network = try tensors(a)
        #expect(network.keys.allSatisfy { !$0.hasPrefix("momentum.") }, "--save writes the network alone")
        for name in network.keys where !name.contains("running_") {
            #expect(curve["bend0." + name]?.values == network[name]!.values, "the start is fixed: \(name)")
            #expect(curve["bend1." + name] != nil && curve["bend2." + name] != nil)
        }
        #expect(!curve.keys.contains { $0.hasPrefix("momentum.") })
        let curveReport = try report(base + "/curve")
        for link in ["curve.safetensors", "paths.png", "paths.svg", "segment.csv", "bezier.csv"] { #expect(curveReport.contains("](\(link))"), "\(link)") }
        #expect(output.contains("| barrier") || output.contains("barrier"), "\(output)")

        // Typing it again trains nothing and writes the same curve.
        let before = try Data(contentsOf: URL(fileURLWithPath: base + "/curve/curve.safetensors"))
        let (again, againOutput) = try surface(curveArguments)
        #expect(again == 0 && !againOutput.contains("epoch  1/1"), "\(againOutput)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: base + "/curve/curve.safetensors")) == before)

        // evaluate-curve on the written curve measures the points the curve tool measured.
        let (evaluated, evaluateOutput) = try surface(["evaluate-curve", "--curve", base + "/curve/curve.safetensors", "--points", "5",
                                                       "--output", base + "/evaluate"] + Self.points)
        #expect(evaluated == 0, "\(evaluateOutput)")
        #expect(try String(contentsOfFile: base + "/evaluate/bezier.csv", encoding: .utf8) == String(contentsOfFile: base + "/curve/bezier.csv", encoding: .utf8))

        // The plane through the curve's ends and middle bend.
        let (planed, planeOutput) = try surface(["plane", "--curve", base + "/curve/curve.safetensors", "--grid", "3", "--output", base + "/plane"] + Self.points)
        #expect(planed == 0, "\(planeOutput)")
        let plane = try String(contentsOfFile: base + "/plane/plane.csv", encoding: .utf8)
        #expect(plane.split(separator: "\n").count == 1 + 9, "\(plane)")
        #expect(try report(base + "/plane").contains("](plane.png)"))
    }

    @Test func aToolsCurveIsTheChaptersCurveBitForBit() throws {
        let chapter = ChapterRunner("chapter2")
        let (status, output) = try chapter.run([], cache: cache)
        #expect(status == 0, "\(output)")
        // The chapter's Bezier curve between seeds 1 and 2 at its smoke recipe (1 epoch; the why-not curves train 2).
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasPrefix("curve-bezier3-tinyten-seeds1-2-") && !$0.hasSuffix(".lock") }
        let chapterCurve = try #require(try entries.first { entry in
            let recipe = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cache + "/" + entry + "/recipe.json"))) as? [String: Any]
            return recipe?["epochs"] as? Int == 1 && !(String(describing: recipe).contains("checkpoint"))
        })
        let (toolStatus, toolOutput) = try surface(["curve", "--start", try cached(1), "--end", try cached(2), "--epochs", "1", "--points", "3",
                                                    "--output", base + "/curve"] + Self.points)
        #expect(toolStatus == 0, "\(toolOutput)")
        let mine = try tensors(base + "/curve/curve.safetensors"), theirs = try tensors(cache + "/" + chapterCurve + "/final.safetensors")
        let bends = mine.keys.filter { $0.hasPrefix("bend") }
        #expect(bends.count > 3 * 20)
        for name in bends { #expect(mine[name]!.values == theirs[name]?.values, "\(name) differs from chapter 2's curve") }
    }

    @Test func alignAverageSharpnessAndHessian() throws {
        let a = try trained(1), b = try trained(2)
        // align: the permuted B computes B's function (the tool checks and prints it) and is written with its permutations.
        let (aligned, alignOutput) = try surface(["align", a, b, "--images", "256", "--points", "3", "--output", base + "/align"] + Self.points)
        #expect(aligned == 0, "\(alignOutput)")
        let line = try #require(alignOutput.split(separator: "\n").first { $0.hasPrefix("permuted B computes B's function") })
        let difference = try #require(Double(line.split(separator: " ").last!))
        #expect(difference < 1e-5, "\(line)")
        let permutations = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base + "/align/permutations.json"))) as? [String: [Int]]
        #expect(permutations?.count == 8 && permutations!.values.allSatisfy { Set($0) == Set(0..<$0.count) }, "\(String(describing: permutations))")
        let permuted = try tensors(base + "/align/net2-aligned.safetensors"), original = try tensors(b)
        #expect(Set(permuted.keys) == Set(original.keys))
        #expect(permuted.keys.contains { permuted[$0]!.values != original[$0]!.values }, "some unit moved")

        // average of one checkpoint: that checkpoint's parameters (its BN statistics recomputed).
        let (averaged, averageOutput) = try surface(["average", a, "--output", base + "/average"])
        #expect(averaged == 0, "\(averageOutput)")
        let average = try tensors(base + "/average/average.safetensors"), network = try tensors(a)
        #expect(Set(average.keys) == Set(network.keys))
        for name in network.keys where !name.contains("running_") { #expect(average[name]!.values == network[name]!.values, "\(name)") }

        // SWA from one checkpoint: one epoch of SGD at swa_lr, the checkpoint and that network averaged.
        let (swa, swaOutput) = try surface(["average", a, "--epochs", "1", "--swa-lr", "0.01", "--output", base + "/swa"])
        #expect(swa == 0 && swaOutput.contains("SGD after 1 epochs") && swaOutput.contains("SWA "), "\(swaOutput)")
        #expect(try report(base + "/swa").contains("the checkpoint and the network after every epoch averaged (2 networks)"))
        let swaAverage = try tensors(base + "/swa/average.safetensors")
        #expect(swaAverage["dense.weight"]!.values != network["dense.weight"]!.values, "SWA moved the network")

        // sharpness in a box too small to move any weight: L1 = L0, sharpness 0.
        let (sharp, sharpOutput) = try surface(["sharpness", a, "--epsilon", "1e-12", "--steps", "4", "--evaluate-every", "2", "--images", "128",
                                                "--output", base + "/sharpness"])
        #expect(sharp == 0, "\(sharpOutput)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base + "/sharpness/sharpness.json"))) as? [String: Any])
        #expect((result["l0"] as? Double) == (result["l1"] as? Double) && (result["trajectory"] as? [Any])?.count == 3, "\(result)")
        // and in the paper's box the ascent finds a higher loss.
        let (rising, risingOutput) = try surface(["sharpness", a, "--epsilon", "1e-3", "--steps", "4", "--evaluate-every", "2", "--images", "128",
                                                  "--output", base + "/sharpness-rising"])
        let risen = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base + "/sharpness-rising/sharpness.json"))) as? [String: Any]
        #expect(rising == 0 && (risen?["l1"] as? Double ?? 0) > (risen?["l0"] as? Double ?? 1), "\(risingOutput)")

        // fge from a bare state dict (no momentum buffer): the checkpoint, then a member at every lr2 step.
        let (fge, fgeOutput) = try surface(["fge", a, "--epochs", "1", "--cycle", "0.5", "--bn-images", "128", "--output", base + "/fge"])
        #expect(fge == 0, "\(fgeOutput)")
        let ensemble = try String(contentsOfFile: base + "/fge/ensemble.csv", encoding: .utf8).split(separator: "\n")
        #expect(ensemble.count == 1 + 3, "4 iterations per epoch, cycles of 2: members after steps 1 and 3, \(ensemble)")
        #expect(try report(base + "/fge").contains("no momentum buffer in the checkpoint"))

        // hessian: top eigenvalue, trace with its standard error, the density figure.
        let (hessian, hessianOutput) = try surface(["hessian", a, "--images", "128", "--max-steps", "10", "--probes", "2", "--density-runs", "1",
                                                    "--density-steps", "4", "--output", base + "/hessian",
                                                    "--export-subset", base + "/hessian-subset.safetensors"])
        #expect(hessian == 0 && hessianOutput.contains("eigenvalue 1") && hessianOutput.contains("trace"), "\(hessianOutput)")
        #expect(try report(base + "/hessian").contains("](density.png)"))
        // The exported subset: the 128 images the loss was taken on, with labels among the classes.
        let subset = try tensors(base + "/hessian-subset.safetensors")
        #expect(subset["inputs"]?.shape == [128, 1, 28, 28] && subset["labels"]?.shape == [128], "\(subset.mapValues(\.shape))")
        #expect(subset["labels"]!.values.allSatisfy { $0 >= 0 && $0 < 10 && $0 == $0.rounded() })
    }

    @Test func badCheckpointsGetAnErrorNamingTheFileAndLeaveNothing() throws {
        let a = try trained(1), mlp = try trained(1, model: "mlp", name: "mlp")
        let network = try Safetensors.read(path: a)
        func write(_ name: String, _ tensors: [NamedTensor]) throws -> String {
            let path = base + "/" + name + ".safetensors"
            try Safetensors.write(tensors, metadata: network.metadata, to: path)
            return path
        }
        let junk = base + "/junk.safetensors"
        try Data((0..<200).map { UInt8($0) }).write(to: URL(fileURLWithPath: junk))
        let missing = try write("missing", network.tensors.filter { $0.name != "layers.2.conv.weight" })
        let reshaped = try write("reshaped", network.tensors.map { t in
            t.name == "layers.2.conv.weight" ? NamedTensor(name: t.name, shape: [t.shape[1], t.shape[0]] + t.shape[2...], values: t.values) : t
        })
        let poisoned = try write("poisoned", network.tensors.map { t in
            t.name == "dense.bias" ? NamedTensor(name: t.name, shape: t.shape, values: [Float.nan] + t.values.dropFirst()) : t
        })
        let cases: [(arguments: [String], mentions: [String])] = [
            (["sharpness", junk], [junk, "not valid"]),
            (["sharpness", base + "/none.safetensors"], [base + "/none.safetensors", "no such file"]),
            (["sharpness", missing], [missing, "layers.2.conv.weight"]),
            (["hessian", reshaped], [reshaped, "layers.2.conv.weight", "shape"]),
            (["average", a, poisoned], [poisoned, "dense.bias", "not finite"]),
            (["align", a, mlp], [mlp, "same network"]),
            (["sharpness", a, "--model", "preresnet20"], [a, "not a preresnet20 checkpoint"]),
        ]
        for (k, c) in cases.enumerated() {
            let output = base + "/out\(k)"
            let (status, text) = try surface(c.arguments + ["--output", output])
            #expect(status != 0, "\(c.arguments) succeeded")
            for word in c.mentions { #expect(text.contains(word), "\(c.arguments): '\(word)' not in \(text)") }
            #expect(!FileManager.default.fileExists(atPath: output), "\(c.arguments) left \(output) behind")
        }
    }

    /// A Python with torch and safetensors: `$LOSS_SURFACES_PYTHON`, else `python3` (nil when it lacks them).
    static let python: String? = {
        let candidate = ProcessInfo.processInfo.environment["LOSS_SURFACES_PYTHON"] ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [candidate, "-c", "import torch, safetensors"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? candidate : nil
    }()

    /// Runs only where PyTorch is installed (set LOSS_SURFACES_PYTHON to a Python that has torch and safetensors).
    @Test(.enabled(if: python != nil, "needs a Python with torch and safetensors (LOSS_SURFACES_PYTHON)"))
    func theToolsOutputsLoadIntoPyTorch() throws {
        let folder = base + "/python"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let a = try trained(1, name: "python/a"), b = try trained(2, name: "python/b")
        try FileManager.default.copyItem(atPath: try cached(1), toPath: folder + "/cache-a.safetensors")
        for arguments in [["average", a, "--output", base + "/average"], ["align", a, b, "--points", "2", "--output", base + "/align"] + Self.points,
                          ["curve", "--start", a, "--end", b, "--epochs", "1", "--points", "2", "--output", base + "/curve"] + Self.points] {
            let (status, output) = try surface(arguments)
            #expect(status == 0, "\(arguments): \(output)")
        }
        for (from, to) in [("average/average", "average"), ("align/b-aligned", "b-aligned"), ("curve/curve", "curve")] {
            try FileManager.default.copyItem(atPath: base + "/\(from).safetensors", toPath: folder + "/\(to).safetensors")
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Python/check_tool_outputs.py").path
        let process = Process(), pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [Self.python!, script, folder]
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let (status, output) = BuiltExecutable.finish(process, pipe)
        #expect(status == 0, "\(output)")
        #expect(output.contains("checked") && output.contains("strict=True"), "\(output)")
    }

    /// The papers' networks on CIFAR-shaped data (a synthetic folder): VGG16, whose classifier drops
    /// units in training, through `train` and `surface curve`; ResNet-32 (BN in its shortcuts,
    /// post-activation streams) through `surface align`, whose permuted network must compute the
    /// original's function with unit groups derived from the graph.
    @Test func thePapersNetworksGoThroughTheToolsOnCIFAR() throws {
        let folder = try SyntheticCIFAR.write(to: base + "/cifar", trainPerFile: 120, test: 256)
        let data = ["--dataset", "cifar10", "--data-path", folder]
        func train(_ model: String, _ seed: Int) throws -> String {
            let file = base + "/\(model)-\(seed).safetensors"
            let (status, output) = try BuiltExecutable("train").run(["--model", model, "--epochs", "1", "--seed", "\(seed)", "--save", file,
                                                                      "--cache", cache] + Self.training + data)
            #expect(status == 0, "\(output)")
            return file
        }
        let (va, vb) = (try train("vgg16", 1), try train("vgg16", 2))
        let (curved, curveOutput) = try surface(["curve", "--start", va, "--end", vb, "--epochs", "1", "--points", "3",
                                                 "--output", base + "/vgg-curve"] + Self.points + data)
        #expect(curved == 0, "\(curveOutput)")
        #expect(try report(base + "/vgg-curve").contains("vgg16"))
        let (ra, rb) = (try train("resnet32", 1), try train("resnet32", 2))
        let (aligned, alignOutput) = try surface(["align", ra, rb, "--images", "256", "--points", "3", "--output", base + "/resnet-align"]
                                                 + Self.points + data)
        #expect(aligned == 0, "\(alignOutput)")
        let line = try #require(alignOutput.split(separator: "\n").first { $0.hasPrefix("permuted B computes B's function") })
        #expect(try #require(Double(line.split(separator: " ").last!)) < 1e-5, "\(line)")
        let permutations = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base + "/resnet-align/permutations.json"))) as? [String: [Int]]
        // 15 blocks' inner units and three streams.
        #expect(permutations?.count == 18, "\(String(describing: permutations?.keys.sorted()))")
    }
}
