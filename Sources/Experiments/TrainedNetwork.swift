import Networks

/// A trained network as the cache hands it out.
public struct TrainedNetwork {
    public let recipe: TrainingRecipe
    public let network: Network
    public var parameters: [Float]
    public var state: [Float]
    /// SGD momentum buffer at the end of the run (FGE starts from it).
    public var momentum: [Float]
    public var history: [EpochRecord]
    /// Where the checkpoint lives.
    public let path: String
}
