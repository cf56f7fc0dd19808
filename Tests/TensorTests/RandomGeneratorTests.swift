import Tensor
import Testing
import TestSupport

@Suite("RandomGenerator")
struct RandomGeneratorTests {
    @Test func sameSeedSameSequence() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42), c = RandomGenerator(seed: 43)
        let xa = (0..<100).map { _ in a.next() }, xb = (0..<100).map { _ in b.next() }, xc = (0..<100).map { _ in c.next() }
        #expect(xa == xb)
        #expect(xa != xc)
        #expect(Set(xa).count == 100)
    }

    @Test func stateRoundTrip() {
        var a = RandomGenerator(seed: 7)
        for _ in 0..<10 { _ = a.next() }
        var b = RandomGenerator(state: a.stateWords)
        #expect(a == b)
        #expect((0..<20).map { _ in a.next() } == (0..<20).map { _ in b.next() })
    }

    @Test func uniformFloatIsUniform() {
        // 100,000 draws in 10 bins: each bin expects 10,000 with sd ≈ 95; χ² with 9 dof stays below 30 (p ≈ 4e-4).
        var rng = RandomGenerator(seed: 1)
        var bins = [Int](repeating: 0, count: 10)
        var sum = 0.0
        for _ in 0..<100_000 {
            let u = rng.uniformFloat()
            #expect(u >= 0 && u < 1)
            bins[Int(u * 10)] += 1
            sum += Double(u)
        }
        let chi2 = bins.reduce(0.0) { $0 + pow2(Double($1) - 10_000) / 10_000 }
        #expect(chi2 < 30, "χ² = \(chi2), bins \(bins)")
        expectClose(sum / 100_000, 0.5, atol: 0.005)
    }

    @Test func uniformIntCoversRangeEvenly() {
        var rng = RandomGenerator(seed: 2)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.uniformInt(below: 7)] += 1 }
        // Each expects 10,000 (sd ≈ 93).
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 }, "\(counts)")
        #expect((0..<100).allSatisfy { _ in rng.uniformInt(below: 1) == 0 })
    }

    @Test func normalMoments() {
        var rng = RandomGenerator(seed: 3)
        let x = (0..<100_000).map { _ in Double(rng.normal()) }
        let mean = x.reduce(0, +) / Double(x.count)
        let variance = x.reduce(0) { $0 + pow2($1 - mean) } / Double(x.count)
        // Standard errors: mean 0.0032, variance ≈ 0.0045.
        expectClose(mean, 0, atol: 0.015)
        expectClose(variance, 1, atol: 0.02)
        #expect(x.allSatisfy { $0.isFinite })
    }

    @Test func permutationIsAPermutationAndReplays() {
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
        let p = a.permutation(1000)
        #expect(p.sorted() == Array(0..<1000))
        #expect(p == b.permutation(1000))
        #expect(p != Array(0..<1000))
        #expect(a.permutation(0).isEmpty && a.permutation(1) == [0])
        // Each of the 6 orders of 3 items appears about 1/6 of the time.
        var counts: [[Int]: Int] = [:]
        for _ in 0..<6000 { counts[a.permutation(3), default: 0] += 1 }
        #expect(counts.count == 6 && counts.values.allSatisfy { abs($0 - 1000) < 150 }, "\(counts)")
    }

    @Test func deriveDependsOnIdentityNotPosition() {
        let a = RandomGenerator.derive(seed: 1, "swa-run-3"), b = RandomGenerator.derive(seed: 1, "swa-run-3")
        #expect(a == b)
        #expect(a != RandomGenerator.derive(seed: 1, "swa-run-4"))
        #expect(a != RandomGenerator.derive(seed: 2, "swa-run-3"))
    }
}

private func pow2(_ x: Double) -> Double { x * x }
