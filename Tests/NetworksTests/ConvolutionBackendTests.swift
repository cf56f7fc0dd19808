import Networks
import Tensor
import Testing
import TestSupport

/// oneDNN's convolutions against the engine's own kernels, on the reference networks: the same
/// logits, loss and gradient up to float summation order, with a batch split over the workers.
@Suite("Convolution backends")
struct ConvolutionBackendTests {
    @Test func oneDNNStarts() {
        // The README's set-up command and .ci/run install libdnnl-dev: the default must be oneDNN's.
        #expect(ConvolutionBackend.oneDNNAvailable)
        #expect(ConvolutionBackend.oneDNNVersion != nil)
    }

    static func largestRelativeGap(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count)
        let scale = a.reduce(0) { max($0, abs(Double($1))) }
        return zip(a, b).reduce(0) { max($0, abs(Double($1.0) - Double($1.1))) } / max(scale, 1e-30)
    }

    @Test(arguments: [ModelName.tinyten, .preresnet20], [ConvolutionBackend.onednn, .fastest])
    func agreesWithTheEngine(_ model: ModelName, _ backend: ConvolutionBackend) throws {
        try #require(ConvolutionBackend.oneDNNAvailable)
        for mode in [ForwardMode.eval, .train(momentum: 0.1)] {
            let engine = NetworkHarness(model, batch: 5, mode: mode, seed: 11, convolutions: .engine)
            let other = NetworkHarness(model, batch: 5, mode: mode, seed: 11, convolutions: backend)
            let (engineLoss, engineGradient) = engine.gradient()
            let (otherLoss, otherGradient) = other.gradient()
            #expect(abs(engineLoss - otherLoss) <= 1e-4 * abs(engineLoss), "\(model) \(backend) \(mode): loss \(otherLoss) vs \(engineLoss)")
            let logitsGap = Self.largestRelativeGap(engine.logits(engine.parameters), other.logits(other.parameters))
            #expect(logitsGap < 1e-4, "\(model) \(backend) \(mode): logits differ by \(logitsGap) of their largest")
            let gradientGap = Self.largestRelativeGap(engineGradient, otherGradient)
            #expect(gradientGap < 1e-3, "\(model) \(backend) \(mode): gradients differ by \(gradientGap) of their largest")
            // Not the same code: the results must not be bit-identical where oneDNN ran some pass.
            #expect(engineGradient != otherGradient, "\(model) \(backend): no pass ran on oneDNN")
        }
    }

    @Test func sameResultsRunToRun() throws {
        // oneDNN's passes are deterministic for a given split of the batch: the chapters' resumed
        // runs and the cache's byte-identical entries rely on it.
        try #require(ConvolutionBackend.oneDNNAvailable)
        let a = NetworkHarness(.preresnet20, batch: 6, mode: .train(momentum: 0.1), seed: 3, convolutions: .onednn)
        let b = NetworkHarness(.preresnet20, batch: 6, mode: .train(momentum: 0.1), seed: 3, convolutions: .onednn)
        let first = a.gradient(), second = b.gradient(), again = a.gradient()
        #expect(first.gradient == second.gradient)
        #expect(first.gradient == again.gradient)
    }
}
