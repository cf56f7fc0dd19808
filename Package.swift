// swift-tools-version:6.0
import PackageDescription
import Foundation

/// The engine's numeric targets are compiled with optimisation in every configuration, so that the
/// documented `swift run chapterN` (a debug build) and `swift test` run at optimised speed:
/// unoptimised Swift loops are 10-20x slower (docs/performance.md).
/// On x86-64 they are also compiled for the building machine's vector ISA (the engine's loops use
/// SIMD16<Float>): AVX-512 (x86-64-v4) where /proc/cpuinfo shows it, else AVX2 + FMA (x86-64-v3).
#if arch(x86_64) && os(Linux)
let hasAVX512 = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))
    .map { $0.contains(" avx512f ") && $0.contains(" avx512bw ") && $0.contains(" avx512vl ") } == true
/// `ENGINE_AVX512` tells the kernels how many vector registers they have (32 zmm, else 16 ymm), so
/// their register tiles fit (`DirectConvolution`).
let vectorISA = hasAVX512 ? ["-Xcc", "-march=x86-64-v4", "-DENGINE_AVX512"] : ["-Xcc", "-march=x86-64-v3"]
#else
let vectorISA: [String] = []
#endif
let optimised: [SwiftSetting] = [.unsafeFlags(["-O", "-enforce-exclusivity=unchecked"] + vectorISA)]

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

/// The libraries another package can import: the engine, the weight-space algorithms, the
/// experiments layer (cache, recipes, plans) and the figures.
let libraries = [
    "Tensor", "Networks", "Datasets", "Safetensors", "Training", "WeightSpace", "Experiments", "Statistics", "Plotting", "Reporting",
]

/// What every chapter imports: the kit, the experiments and the libraries under them.
let chapterDependencies: [Target.Dependency] = [
    "ChapterKit", "Experiments", "Statistics", "WeightSpace", "Training", "Networks", "Datasets", "Tensor", "Plotting", "Reporting",
    argumentParser,
]

/// One executable per chapter, in `chapters/chapterN-topic/`.
func chapter(_ number: Int, _ topic: String) -> Target {
    .executableTarget(name: "chapter\(number)", dependencies: chapterDependencies, path: "chapters/chapter\(number)-\(topic)")
}

let chapters = [
    chapter(1, "loss-surface-planes"), chapter(2, "bezier-polychain"), chapter(3, "fge-sse"),
    chapter(4, "swa-width"), chapter(5, "neuron-alignment"), chapter(6, "knee-schedule"),
]

let package = Package(
    name: "LossSurfaces",
    platforms: [.macOS(.v13)],
    products: libraries.map { .library(name: $0, targets: [$0]) }
        + (chapters.map(\.name) + ["book", "train", "surface", "job", "bench", "gallery"]).map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: chapters + [
        // C libraries, each fenced behind one Swift module.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // oneDNN's convolution primitives behind one small C interface (Debian's libdnnl-dev, OpenMP build).
        .target(name: "COneDNN", cSettings: [.unsafeFlags(["-O2"])],
                linkerSettings: [.linkedLibrary("dnnl"), .linkedLibrary("gomp")]),

        // The engine.
        .target(name: "Tensor", dependencies: ["CBLAS"], swiftSettings: optimised),
        .target(name: "Networks", dependencies: ["Tensor", "COneDNN"], swiftSettings: optimised),
        .target(name: "Datasets", dependencies: ["Tensor", "CZlib"], swiftSettings: optimised),
        .target(name: "AtomicFile"),
        .target(name: "Safetensors", dependencies: ["AtomicFile"], swiftSettings: optimised),
        .target(name: "Training", dependencies: ["Tensor", "Networks", "Datasets", "Safetensors"],
                swiftSettings: optimised),
        .target(name: "WeightSpace", dependencies: ["Tensor", "Networks", "Datasets", "Training"],
                swiftSettings: optimised),

        // Statistics the verdicts use: summaries over seeds, t-tests, rank correlation.
        .target(name: "Statistics"),

        // Figures and reports: they take numbers and know nothing about networks.
        .target(name: "Plotting", dependencies: ["CCairo", "AtomicFile"], swiftSettings: optimised),
        .target(name: "Reporting", dependencies: ["Plotting", "AtomicFile"]),

        // The experiments: the artifact cache and its locks, resumable runs, the cached recipes and
        // their runners, the chapters' shared plans, jobs and their waves.
        .target(name: "Experiments", dependencies: [
            "AtomicFile", "Tensor", "Networks", "Datasets", "Safetensors", "Training", "WeightSpace",
        ]),

        // The small kit the executables share: options, budgets on the command line, the BLAS
        // runtime, the report skeleton, verdicts, run records, provenance and the run pipeline.
        .target(name: "ChapterKit", dependencies: [
            "Experiments", "Statistics", "AtomicFile", "Tensor", "Networks", "Datasets", "Plotting", "Reporting", "Safetensors",
            "Training", "WeightSpace", argumentParser,
        ]),

        // The book and the tools.
        .executableTarget(name: "book", dependencies: [
            "ChapterKit", "Experiments", "Statistics", "Reporting", "Plotting", "AtomicFile", argumentParser,
        ], path: "chapters/book"),
        .executableTarget(name: "train", dependencies: [
            "ChapterKit", "Experiments", "Networks", "Training", "Datasets", "AtomicFile", argumentParser,
        ], path: "tools/train"),
        .executableTarget(name: "surface", dependencies: [
            "ChapterKit", "Experiments", "Datasets", "Networks", "Training", "WeightSpace", "Tensor", "Safetensors", "Plotting", "Reporting",
            argumentParser,
        ], path: "tools/surface"),
        .executableTarget(name: "job", dependencies: ["ChapterKit", "Experiments", "Networks", argumentParser], path: "tools/job"),
        .executableTarget(name: "bench", dependencies: [
            "ChapterKit", "Experiments", "Tensor", "Networks", "Datasets", "Training", "WeightSpace", "AtomicFile", "Plotting",
            "Reporting", argumentParser,
        ], path: "tools/bench", exclude: ["pytorch_twin.py", "HISTORY.md"]),
        .executableTarget(name: "gallery", dependencies: ["Plotting", "Reporting"], path: "tools/gallery"),

        // Tests.
        .target(name: "TestSupport", dependencies: ["Tensor"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
        .testTarget(name: "NetworksTests", dependencies: ["Networks", "Tensor", "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Tensor", "TestSupport"]),
        .testTarget(name: "SafetensorsTests", dependencies: ["Safetensors", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Datasets", "Networks", "Tensor", "TestSupport"]),
        .testTarget(name: "WeightSpaceTests", dependencies: [
            "WeightSpace", "Training", "Datasets", "Networks", "Tensor", "TestSupport",
        ]),
        .testTarget(name: "ExperimentsTests", dependencies: [
            "Experiments", "WeightSpace", "Training", "Datasets", "Networks", "Tensor", "TestSupport",
        ]),
        .testTarget(name: "ChapterKitTests", dependencies: [
            "ChapterKit", "Experiments", "Statistics", "Reporting", "Datasets", "Networks", "Training", "Safetensors", "TestSupport",
            argumentParser,
        ]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics", "Tensor"]),
        .testTarget(name: "BenchTests", dependencies: ["bench", "Networks", "TestSupport"]),
        .testTarget(name: "ChapterTests", dependencies: chapters.map { .target(name: $0.name) } + ["book", "train", "surface", "Safetensors", "TestSupport"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting"]),
        .testTarget(name: "AtomicFileTests", dependencies: ["AtomicFile"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "Plotting"]),
    ],
    swiftLanguageModes: [.v5]
)
