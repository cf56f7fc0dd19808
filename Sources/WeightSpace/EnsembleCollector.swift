import Training

/// A member taken from the training loop.
public struct CollectedStep: Sendable {
    /// 0-based index of the step after which the parameters were taken.
    public let step: Int
    /// The rate that step used.
    public let learningRate: Float
    public let parameters: [Float]
    public let state: [Float]
}

/// Configures the one training loop for FGE through its step-end hook, instead of copying it:
/// after every step at an FGE collection point (`LearningRateSchedule.isFGECollectionPoint`, the
/// lr2 step in the middle of each cycle) `collect` receives the parameters and BN state, and
/// after every step `observe` receives the step (for the trajectory: lr and distance).
///
/// Contract: with a cycle of K iterations, `collect` is called exactly after the 0-based steps
/// `K/2 + n·K` that the loop runs (a resumed loop continues the count), with the rate that step
/// used, which is lr2 for `fgeTriangle(lr1:lr2:cycleIterations: K)`.
public enum FastGeometricCollector {
    public static func attach(to loop: TrainingLoop, cycleIterations: Int,
                              observe: ((StepEnd, TrainingLoop) throws -> Void)? = nil,
                              collect: @escaping (CollectedStep) throws -> Void) {
        loop.hooks.stepEnd.append { loop, end in
            try observe?(end, loop)
            guard LearningRateSchedule.isFGECollectionPoint(end.position, cycleIterations: cycleIterations) else { return }
            try collect(CollectedStep(step: end.position.globalIteration, learningRate: end.learningRate,
                                      parameters: loop.parameters, state: loop.objective.state))
        }
    }
}
