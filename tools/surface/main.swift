// surface — the papers' loss-surface tools on any checkpoint: curves between two networks and
// their evaluation, neuron alignment, weight averaging, Keskar sharpness and the Hessian's
// spectrum. Each subcommand reads safetensors checkpoints with the reference networks' PyTorch
// names (from `train`, the cache, or PyTorch), validates them before any work, and writes a
// figure, its data and a short report with provenance into its output folder. The algorithms are
// the libraries' — the chapters call the same functions.
import ArgumentParser
import ChapterKit
import Training
import WeightSpace

extension CurveKind: ExpressibleByArgument {}
extension AnnealShape: ExpressibleByArgument {}

struct Surface: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "surface",
        abstract: "Loss-surface tools on your own checkpoints (safetensors with the reference networks' PyTorch names).",
        discussion: """
            Every tool validates its checkpoints first (architecture from the tensor names, width from their \
            shapes, input and classes against --dataset), writes report.md, its figure (PNG, SVG, PDF) and data \
            (CSV, JSON) into --output (default surface/<tool>), prints a summary table, and goes through the \
            artifact cache, so typing the same command again resumes or reuses its work.
            """,
        subcommands: [CurveTool.self, EvaluateCurveTool.self, PlaneTool.self, AlignTool.self, AverageTool.self, FastGeometricTool.self, SharpnessTool.self, HessianTool.self])
}

Surface.main()
