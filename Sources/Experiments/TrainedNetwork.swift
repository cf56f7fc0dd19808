import Networks

/// A trained network as the cache hands it out (or as a tool reads it from a user's file).
public struct TrainedNetwork {
    public let recipe: TrainingRecipe
    public let network: Network
    public var parameters: [Float]
    public var state: [Float]
    /// SGD momentum buffer at the end of the run (FGE starts from it); empty when unknown.
    public var momentum: [Float]
    public var history: [EpochRecord]
    /// Where the checkpoint lives.
    public let path: String

    public init(recipe: TrainingRecipe, network: Network, parameters: [Float], state: [Float], momentum: [Float],
                history: [EpochRecord], path: String) {
        self.recipe = recipe
        self.network = network
        self.parameters = parameters
        self.state = state
        self.momentum = momentum
        self.history = history
        self.path = path
    }
}
