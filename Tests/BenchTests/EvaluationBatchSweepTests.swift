import Testing
@testable import bench

/// `bench --evaluation-batches`: every size evaluates the same images, a multiple of each size;
/// the table has a row per size, read against the first (which is 1.00 by construction).
struct EvaluationBatchSweepTests {
    @Test func theImagesAreAMultipleOfEverySize() {
        let bench = EngineBenchmark(batchSize: 8, minimumSeconds: 0.01, extras: false)
        #expect(EvaluationBatchSweep(bench: bench, models: [.mlp], batches: [128, 16, 32, 64, 256], rounds: 1).images == 2048)
        #expect(EvaluationBatchSweep(bench: bench, models: [.mlp], batches: [3, 4], rounds: 1).images == 36)
    }

    @Test func everySizeHasARowAgainstTheFirst() {
        let bench = EngineBenchmark(batchSize: 8, minimumSeconds: 0.01, extras: false)
        let table = EvaluationBatchSweep(bench: bench, models: [.mlp], batches: [4, 2], rounds: 2).run()
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("| 4 |") || $0.hasPrefix("| 2 |") }
        #expect(rows.count == 2, "\(table)")
        #expect(rows.first?.contains("| 1.00 (1.00–1.00) | 1.00 (1.00–1.00) |") == true, "\(table)")
        #expect(table.contains("mlp: evaluation on the inference path, 32 images, 2 round(s)"), "\(table)")
    }
}
