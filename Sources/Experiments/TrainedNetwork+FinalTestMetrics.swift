import Training

extension TrainedNetwork {
    /// `train`'s closing lines on the test set, each saying which images it was measured on.
    ///
    /// The history's last record is printed alone when it was measured on all of `data.test`.
    /// Otherwise — a chapter trained the network and evaluated it on a prefix of the test split, or
    /// the cache entry predates the record — the recorded number is printed with what it was
    /// measured on (or that this is unknown), and the network is evaluated on `data.test`.
    public func finalTestMetrics(on data: TrainingData) -> [String] {
        guard let last = history.last else { return [] }
        func line(_ loss: Double, _ error: Double, _ on: String) -> String {
            String(format: "final test loss %.4f, test accuracy %.2f %% after %d epochs, on ", loss, 100 * (1 - error), last.epoch) + on
        }
        var lines: [String] = []
        if let loss = last.testLoss, let error = last.testError {
            if last.testImages == data.testImages { return [line(loss, error, data.testImages.description)] }
            lines.append("as recorded when trained: " + line(loss, error, last.testImages.map(\.description)
                ?? "test images not recorded (cached before the history recorded them)"))
        }
        let measured = Evaluator(network: network).evaluate(parameters: parameters, state: state, on: data.test)
        lines.append(line(measured.loss, measured.error, data.testImages.description))
        return lines
    }
}
