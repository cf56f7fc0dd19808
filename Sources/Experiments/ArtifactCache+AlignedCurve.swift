import Foundation
import Networks
import Tensor
import Training
import WeightSpace

extension ArtifactCache {
    /// The curve `recipe` describes between its start and its end permuted by its method (the
    /// endpoints from the cache, trained when missing).
    public func alignedCurve(_ recipe: AlignedCurveRecipe, data: TrainingData) throws -> TrainedCurve {
        let a = try trainedNetwork(recipe.curve.start, data: data), b = try trainedNetwork(recipe.curve.end, data: data)
        let aligner = try PairAligner(a: a, b: b, data: data, cache: self, settings: recipe.settings)
        let end = aligner.permuted(by: try aligner.permutations(recipe.method, recipe: recipe.curve).pi)
        return try trainedCurve(recipe.curve, start: a, end: end, data: data)
    }
}
