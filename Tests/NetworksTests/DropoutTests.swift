import Networks
import Tensor
import Testing

/// Dropout's masks: the share dropped, the scale of what is kept, the identity in eval mode, and
/// masks that follow the workspace's seed.
@Suite struct DropoutTests {
    static func run(_ seed: UInt64, mode: ForwardMode, enabled: Bool = true) -> (input: [Float], output: [Float]) {
        let g = LayerGraph(inputShape: [4, 8, 8])
        g.dropout(g.input, probability: 0.3)
        let workspace = g.makeWorkspace(batchCapacity: 16)
        workspace.dropoutSeed = seed
        workspace.dropoutEnabled = enabled
        let n = 16 * 4 * 8 * 8
        let x = (0..<n).map { Float($0 % 97) + 1 }
        var state: [Float] = [0]
        let y = x.withUnsafeBufferPointer { xp in
            [Float](repeating: 0, count: 1).withUnsafeBufferPointer { p in
                state.withUnsafeMutableBufferPointer { s in
                    Array(UnsafeBufferPointer(start: g.forward(parameters: p.baseAddress!, state: s.baseAddress!, input: xp.baseAddress!,
                                                               batch: 16, mode: mode, workspace: workspace), count: n))
                }
            }
        }
        return (x, y)
    }

    @Test func trainingDropsAboutPAndScalesTheRest() {
        let (x, y) = Self.run(11, mode: .train(momentum: 0.1))
        let dropped = zip(x, y).filter { $0.1 == 0 }.count, share = Double(dropped) / Double(x.count)
        // 4 096 Bernoulli(0.3) draws: the standard error of the share is 0.007.
        #expect(abs(share - 0.3) < 0.03, "dropped \(share)")
        #expect(zip(x, y).allSatisfy { $0.1 == 0 || abs($0.1 - $0.0 / 0.7) <= 1e-5 * $0.1 })
    }

    @Test func evalAndDisabledPassesAreTheIdentity() {
        #expect(Self.run(11, mode: .eval).output == Self.run(11, mode: .eval).input)
        let disabled = Self.run(11, mode: .train(momentum: 0.1), enabled: false)
        #expect(disabled.output == disabled.input)
    }

    @Test func theMaskFollowsTheSeed() {
        let a = Self.run(1, mode: .train(momentum: 0.1)).output, b = Self.run(1, mode: .train(momentum: 0.1)).output
        let c = Self.run(2, mode: .train(momentum: 0.1)).output
        #expect(a == b)
        #expect(a != c)
    }
}
