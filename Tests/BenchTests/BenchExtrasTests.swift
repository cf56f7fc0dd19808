import Testing
@testable import bench

/// The bench's extras: BN recalibration, the curve step and the Hessian-vector product, each a
/// finite positive measurement that reaches the report's engine table.
@Suite struct BenchExtrasTests {
    @Test func theExtrasAreMeasuredAndReachTheEngineTable() {
        let bench = EngineBenchmark(batchSize: 8, minimumSeconds: 0.05, extras: true)
        let extras = bench.prepare(.tinyten).extras()
        for value in [extras.batchNormSecondsPer10k, extras.curveStepOverTrainStep, extras.hessianProductOverTrainStep] {
            #expect(value.isFinite && value > 0, "\(extras)")
        }
        let round = RoundMeasurement(engineTrain: Rate(wall: 10, cpu: 10), engineEval: Rate(wall: 30, cpu: 30),
                                     sgemm: Rate(wall: 100, cpu: 100), ceiling: 100)
        let speed = NetworkSpeed(model: "tinyten", parameters: 1, forwardMFLOPsPerSample: 1, rounds: [round],
                                 batchNormSecondsPer10k: extras.batchNormSecondsPer10k, curveStepOverTrainStep: extras.curveStepOverTrainStep,
                                 hessianProductOverTrainStep: extras.hessianProductOverTrainStep)
        let report = BenchmarkReport(blas: "OpenBLAS", sgemmSize: 2048, sgemmGFLOPs: 100, batchSize: 8, networks: [speed], rounds: 1,
                                     pytorch: nil)
        #expect(BenchmarkReport.engineHeader.last == "Hessian-vector product / train step")
        #expect(report.engineRow(speed).last == String(format: "%.2f", extras.hessianProductOverTrainStep))
    }
}
