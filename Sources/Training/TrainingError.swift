/// Why training stopped early, with what a user needs to act on it.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The minibatch loss was NaN or infinite; nothing after the last good epoch was saved.
    case nonFiniteLoss(epoch: Int, iteration: Int, step: Int, learningRate: Float)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(epoch, iteration, step, lr):
            return "training diverged: loss is not finite at step \(step) (epoch \(epoch + 1), iteration \(iteration + 1), lr \(lr)); "
                + "the last good checkpoint was kept. Lower the learning rate or check the data."
        }
    }
}
