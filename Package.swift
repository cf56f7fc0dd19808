// swift-tools-version:6.0
import PackageDescription
import Foundation

/// The engine's numeric targets are compiled with optimisation in every configuration, so that the
/// documented `swift run chapterN` (a debug build) and `swift test` run at optimised speed:
/// unoptimised Swift loops are 10-20x slower (../shared/design/engine.md).
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

let package = Package(
    name: "LossSurfaces",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "train", targets: ["train"]),
        .executable(name: "gallery", targets: ["gallery"]),
        .executable(name: "chapter1", targets: ["chapter1"]),
        .executable(name: "chapter2", targets: ["chapter2"]),
        .executable(name: "chapter3", targets: ["chapter3"]),
        .executable(name: "chapter4", targets: ["chapter4"]),
        .executable(name: "chapter5", targets: ["chapter5"]),
        .executable(name: "chapter6", targets: ["chapter6"]),
        .executable(name: "bench", targets: ["bench"]),
        .executable(name: "book", targets: ["book"]),
        .executable(name: "job", targets: ["job"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
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

        // Figures and reports: they take numbers and know nothing about networks.
        .target(name: "Plotting", dependencies: ["CCairo", "AtomicFile"], swiftSettings: optimised),
        .target(name: "Reporting", dependencies: ["Plotting", "AtomicFile"]),

        // What two or more executables share: typed options, budgets, artifact cache, provenance.
        .target(name: "ChapterKit", dependencies: [
            "Tensor", "Networks", "Datasets", "Safetensors", "Training", "WeightSpace", "Reporting", "Plotting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Executables.
        .executableTarget(name: "train", dependencies: [
            "ChapterKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "chapters/train"),
        .executableTarget(name: "job", dependencies: [
            "ChapterKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "chapters/job"),
        .executableTarget(name: "bench", dependencies: [
            "ChapterKit", "Tensor", "Networks", "Datasets", "Training", "WeightSpace", "AtomicFile", "Plotting", "Reporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "chapters/bench", exclude: ["pytorch_twin.py"]),
        .executableTarget(name: "chapter1", dependencies: [
            "ChapterKit", "WeightSpace", "Training", "Networks", "Plotting", "Reporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "chapters/chapter1-loss-surface-planes"),
        .executableTarget(name: "chapter2", dependencies: [
            "ChapterKit", "WeightSpace", "Training", "Networks", "Plotting", "Reporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "chapters/chapter2-bezier-polychain"),
        .executableTarget(name: "chapter3", dependencies: [
            "ChapterKit", "WeightSpace", "Training", "Networks", "Plotting", "Reporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "chapters/chapter3-fge-sse"),
        .executableTarget(name: "chapter4", dependencies: [
            "ChapterKit", "WeightSpace", "Training", "Networks", "Plotting", "Reporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "chapters/chapter4-swa-width"),
        .executableTarget(name: "chapter5", dependencies: [
            "ChapterKit", "WeightSpace", "Training", "Networks", "Tensor", "Plotting", "Reporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "chapters/chapter5-neuron-alignment"),
        .executableTarget(name: "chapter6", dependencies: [
            "ChapterKit", "WeightSpace", "Training", "Networks", "Tensor", "Plotting", "Reporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "chapters/chapter6-knee-schedule"),
        .executableTarget(name: "book", dependencies: [
            "ChapterKit", "Reporting", "Plotting", "AtomicFile", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "chapters/book"),
        .executableTarget(name: "gallery", dependencies: ["Plotting", "Reporting"], path: "chapters/gallery"),

        // Tests.
        .target(name: "TestSupport", dependencies: ["Tensor"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
        .testTarget(name: "NetworksTests", dependencies: ["Networks", "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TestSupport"]),
        .testTarget(name: "SafetensorsTests", dependencies: ["Safetensors", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "TestSupport"]),
        .testTarget(name: "WeightSpaceTests", dependencies: ["WeightSpace", "TestSupport"]),
        .testTarget(name: "ChapterKitTests", dependencies: ["ChapterKit", "TestSupport"]),
        .testTarget(name: "BenchTests", dependencies: ["bench", "Networks", "TestSupport"]),
        .testTarget(name: "ChapterTests", dependencies: ["chapter1", "chapter2", "chapter3", "chapter4", "chapter5", "chapter6", "book",
                                                      "train", "TestSupport"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting"]),
    ],
    swiftLanguageModes: [.v5]
)
