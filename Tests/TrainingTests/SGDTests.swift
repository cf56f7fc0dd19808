import Testing
@testable import Training

@Suite struct SGDTests {
    @Test func momentumAndWeightDecayFollowPyTorch() {
        // w = 1, g = 0.5, wd = 0.1, μ = 0.9, lr = 0.1.
        // step 1: d = g + wd·w = 0.6; buf = 0.6; w = 1 − 0.06 = 0.94.
        // step 2 (same g): d = 0.5 + 0.094 = 0.594; buf = 0.9·0.6 + 0.594 = 1.134; w = 0.94 − 0.1134 = 0.8266.
        var sgd = SGD(momentum: 0.9, weightDecay: 0.1)
        var w: [Float] = [1]
        var g: [Float] = [0.5]
        sgd.step(parameters: &w, gradient: &g, learningRate: 0.1)
        #expect(abs(w[0] - 0.94) < 1e-6)
        g = [0.5]
        sgd.step(parameters: &w, gradient: &g, learningRate: 0.1)
        #expect(abs(w[0] - 0.8266) < 1e-6)
        #expect(abs(sgd.buffer[0] - 1.134) < 1e-6)
    }

    @Test func nesterovUsesTheLookAhead() {
        // step 1: d = 0.5, buf = 0.5, update = d + μ·buf = 0.95; w = 1 − 0.095 = 0.905.
        var sgd = SGD(momentum: 0.9, nesterov: true)
        var w: [Float] = [1]
        var g: [Float] = [0.5]
        sgd.step(parameters: &w, gradient: &g, learningRate: 0.1)
        #expect(abs(w[0] - 0.905) < 1e-6)
    }

    @Test func plainSGDWithoutMomentumKeepsNoBuffer() {
        var sgd = SGD(momentum: 0)
        var w: [Float] = [1, 2]
        var g: [Float] = [1, -1]
        sgd.step(parameters: &w, gradient: &g, learningRate: 0.5)
        #expect(w == [0.5, 2.5])
        #expect(sgd.buffer.isEmpty)
    }
}
