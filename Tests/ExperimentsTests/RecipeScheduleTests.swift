import Testing
import Training
@testable import Experiments

/// The schedules a recipe names, at their phase boundaries, and cache keys that did not move.
@Suite struct RecipeScheduleTests {
    func recipe(_ kind: ScheduleKind, explore: Double? = nil) -> TrainingRecipe {
        var r = TrainingRecipe(model: .tinyten, data: "fashion-mnist", trainImages: 1_000, seed: 1, epochs: 8)
        r.schedule = kind
        r.exploreFraction = explore
        return r
    }

    /// 1 000 images at batch 128: 8 iterations per epoch, 64 in all.
    func at(_ epoch: Int, _ iteration: Int = 0) -> TrainingPosition { TrainingPosition(epoch: epoch, iteration: iteration, iterationsPerEpoch: 8) }

    @Test func stepDecaysTenfoldAtHalfAndThreeQuarters() {
        let s = recipe(.step).learningRateSchedule
        #expect(abs(s(at(3, 7)) - 0.05) < 1e-7 && abs(s(at(4)) - 0.005) < 1e-8)
        #expect(abs(s(at(5, 7)) - 0.005) < 1e-8 && abs(s(at(6)) - 0.0005) < 1e-9)
    }

    @Test func kneeExploresItsFractionOfTheIterationsThenDecaysToZero() {
        let r = recipe(.knee, explore: 0.25)
        #expect(r.totalIterations == 64)
        let s = r.learningRateSchedule
        // 16 explore iterations at 0.05, then 48 of linear decay ending at 0.
        #expect(abs(s(at(1, 7)) - 0.05) < 1e-7)
        #expect(s(at(2, 0)) < 0.05 && s(at(7, 7)) == 0)
    }

    @Test func oneCycleUsesTheWholeRun() {
        let s = recipe(.oneCycle).learningRateSchedule
        // 64 iterations: up over 28, down over 28, annihilation over the last 8.
        #expect(abs(s(at(3, 4)) - 0.05) < 1e-7)
        #expect(abs(s(at(7, 7)) - 0.05 / 1000) < 1e-9)
    }

    @Test func recipesWithoutAnExploreFractionKeepTheirCacheKeys() {
        // The key chapters 1–4 cached their networks under before the field existed.
        let r = TrainingRecipe(model: .tinyten, data: "fashion-mnist", trainImages: 10_000, seed: 1, epochs: 10)
        #expect(!r.canonicalJSON.contains("exploreFraction"))
        #expect(r.cacheKey == "tinyten-seed1-18d1394a4fe147c5")
        #expect(recipe(.knee, explore: 0.5).canonicalJSON.contains("\"exploreFraction\":0.5"))
    }
}
