import Foundation
import Testing
@testable import Training

@Suite struct ScheduleTests {
    func at(_ epoch: Int, _ iteration: Int = 0, per: Int = 10) -> TrainingPosition {
        TrainingPosition(epoch: epoch, iteration: iteration, iterationsPerEpoch: per)
    }

    @Test func piecewiseFollowsGAR() {
        // E = 10, e counted from 1: α = e/10. e ≤ 5 → 1; e = 6 → 1 − 0.99·0.1/0.4 = 0.7525;
        // e = 9 → α = 0.9 → 1 − 0.99·0.4/0.4 = 0.01; e = 10 → 0.01.
        let s = LearningRateSchedule.piecewise(0.1, epochs: 10)
        #expect(abs(s(at(0)) - 0.1) < 1e-7)
        #expect(abs(s(at(4)) - 0.1) < 1e-7)
        #expect(abs(s(at(5)) - 0.07525) < 1e-6)
        #expect(abs(s(at(8)) - 0.001) < 1e-7)
        #expect(abs(s(at(9)) - 0.001) < 1e-7)
    }

    @Test func fgeTriangleIsLr1AtCycleStartAndLr2AtMidCycle() {
        let k = 8
        let s = LearningRateSchedule.fgeTriangle(lr1: 0.05, lr2: 0.01, cycleIterations: k)
        for cycle in 0..<3 {
            let start = at(0, cycle * k, per: 1000), mid = at(0, cycle * k + k / 2, per: 1000)
            #expect(abs(s(start) - 0.05) < 1e-7)
            #expect(abs(s(mid) - 0.01) < 1e-7)
            #expect(LearningRateSchedule.isFGECollectionPoint(mid, cycleIterations: k))
            #expect(!LearningRateSchedule.isFGECollectionPoint(start, cycleIterations: k))
            // a quarter cycle in: s = ¼ → (1 − ½)·0.05 + ½·0.01 = 0.03; three quarters: the same.
            #expect(abs(s(at(0, cycle * k + 2, per: 1000)) - 0.03) < 1e-7)
            #expect(abs(s(at(0, cycle * k + 6, per: 1000)) - 0.03) < 1e-7)
        }
        // Exactly one collection point per cycle.
        let hits = (0..<(3 * k)).filter { LearningRateSchedule.isFGECollectionPoint(at(0, $0, per: 1000), cycleIterations: k) }
        #expect(hits == [4, 12, 20])
    }

    @Test func sseRestartsEachCycleAndTheLastAbsorbsTheRemainder() {
        // 10 epochs in 3 cycles: ⌊10/3⌋ = 3 epochs each, the last has 4.
        #expect(LearningRateSchedule.sseCycle(containing: 0, epochs: 10, cycles: 3) == (0, 3))
        #expect(LearningRateSchedule.sseCycle(containing: 5, epochs: 10, cycles: 3) == (3, 3))
        #expect(LearningRateSchedule.sseCycle(containing: 9, epochs: 10, cycles: 3) == (6, 4))
        let s = LearningRateSchedule.cosineRestarts(0.1, epochs: 10, cycles: 3)
        for start in [0, 3, 6] { #expect(abs(s(at(start)) - 0.1) < 1e-7) }
        // Just before a restart the rate is near 0; the last cycle is longer so at its epoch 3
        // (global 9) it is still above 0: ½·0.1·(1 + cos(π·30/40)).
        #expect(s(at(2, 9)) < 0.001)
        #expect(abs(Double(s(at(9, 0))) - 0.05 * (1 + cos(Double.pi * 0.75))) < 1e-6)
    }

    @Test func kneeHoldsPeakThroughExploreAndHitsZeroAtTheEnd() {
        let total = 100
        let s = LearningRateSchedule.knee(peak: 0.1, warmupIterations: 10, exploreIterations: 40, totalIterations: total)
        // s counts from 1: iteration i is s = i + 1. Warmup: s = 5 → 0.05.
        #expect(abs(s(at(0, 4, per: total)) - 0.05) < 1e-7)
        for i in 10..<50 { #expect(abs(s(at(0, i, per: total)) - 0.1) < 1e-7) }
        #expect(s(at(0, total - 1, per: total)) == 0)
        // Zero warmup is safe (no division by zero): peak from the first step.
        let noWarmup = LearningRateSchedule.knee(peak: 0.1, warmupIterations: 0, exploreIterations: 50, totalIterations: total)
        #expect(abs(noWarmup(at(0, 0, per: total)) - 0.1) < 1e-7)
        #expect(noWarmup(at(0, total - 1, per: total)) == 0)
    }

    @Test func swaScheduleEndsAtSwaLR() {
        // t = epoch/swaStart; t ≥ 0.9 → swa_lr.
        let s = LearningRateSchedule.swa(0.1, swaLR: 0.02, swaStart: 10)
        #expect(abs(s(at(0)) - 0.1) < 1e-7)
        #expect(abs(s(at(9)) - 0.02) < 1e-7)
        #expect(abs(s(at(15)) - 0.02) < 1e-7)
        // t = 0.7 → 1 − 0.8·0.2/0.4 = 0.6 → 0.06.
        #expect(abs(s(at(7)) - 0.06) < 1e-6)
    }

    @Test func cosineLinearStepAndComposition() {
        let c = LearningRateSchedule.cosine(0.1, epochs: 4)
        #expect(abs(c(at(2)) - 0.05) < 1e-7)
        let l = LearningRateSchedule.linear(0.1, epochs: 4)
        #expect(abs(l(at(1)) - 0.075) < 1e-7)
        let st = LearningRateSchedule.step(0.1, milestones: [2, 4], gamma: 0.5)
        #expect(abs(st(at(3)) - 0.05) < 1e-7 && abs(st(at(4)) - 0.025) < 1e-7)
        let composed = LearningRateSchedule.constant(0.1).then(.constant(0.01), atEpoch: 3)
        #expect(abs(composed(at(2)) - 0.1) < 1e-7 && abs(composed(at(3)) - 0.01) < 1e-7)
    }

    @Test func oneCycleGoesUpDownAndAnnihilatesAtItsPhaseBoundaries() {
        // 100 iterations, cycle 90 %: up over 45, down over 45, annihilation over the last 10.
        let s = LearningRateSchedule.oneCycle(peak: 0.1, totalIterations: 100)
        #expect(abs(s(at(0, 0, per: 100)) - 0.01) < 1e-9)
        #expect(abs(s(at(0, 45, per: 100)) - 0.1) < 1e-7)
        #expect(abs(s(at(0, 90, per: 100)) - 0.01) < 1e-9)
        #expect(abs(s(at(0, 99, per: 100)) - 1e-4) < 1e-10)
        // Midway up: 0.01 + 0.09·0.5.
        #expect(abs(s(at(0, 22, per: 100)) - (0.01 + 0.09 * 22 / 45)) < 1e-7)
    }

    @Test func swaAnnealReachesSwaLRAtTheStatedEpochAndHoldsIt() {
        for shape in AnnealShape.allCases {
            let s = LearningRateSchedule.swaAnneal(from: 0.05, to: 0.01, epochs: 2, shape: shape)
            #expect(abs(Double(s(at(0))) - 0.05) < 1e-9)
            // Halfway both shapes are at the midpoint: cosine's (1 − cos π/2)/2 = ½, linear's ½.
            #expect(abs(Double(s(at(1))) - 0.03) < 1e-7)
            for e in 2..<6 { #expect(abs(Double(s(at(e, 3))) - 0.01) < 1e-9) }
        }
        // Cosine lags linear early on: at a quarter, (1 − cos π/4)/2 ≈ 0.146 of the way vs 0.25.
        let cosine = LearningRateSchedule.swaAnneal(from: 0.05, to: 0.01, epochs: 2, shape: .cosine)
        let linear = LearningRateSchedule.swaAnneal(from: 0.05, to: 0.01, epochs: 2, shape: .linear)
        #expect(cosine(at(0, 5)) > linear(at(0, 5)))
        #expect(LearningRateSchedule.swaAnneal(from: 0.05, to: 0.01, epochs: 0, shape: .linear)(at(0)) == 0.01)
    }

    @Test func kneeWithoutExploreIsLinearDecayToZeroAndHoldsPeakToItsLastExploreStep() {
        let total = 40
        let linear = LearningRateSchedule.knee(peak: 0.1, warmupIterations: 0, exploreIterations: 0, totalIterations: total)
        // s = i + 1: lr = 0.1·(1 − s/40).
        for i in [0, 9, 19, 39] { #expect(abs(Double(linear(at(0, i, per: total))) - 0.1 * (1 - Double(i + 1) / 40)) < 1e-7) }
        let knee = LearningRateSchedule.knee(peak: 0.1, warmupIterations: 0, exploreIterations: 20, totalIterations: total)
        // The last explore step (s = 20) is at the peak, the first decay step one 20th below it.
        #expect(abs(knee(at(0, 19, per: total)) - 0.1) < 1e-7)
        #expect(abs(Double(knee(at(0, 20, per: total))) - 0.1 * 19 / 20) < 1e-7)
        #expect(knee(at(0, 39, per: total)) == 0)
    }
}
