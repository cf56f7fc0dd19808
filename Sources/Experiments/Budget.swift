/// How much compute a chapter run spends (docs/chapters.md).
public enum Budget: String, CaseIterable, Codable, Sendable {
    /// Seconds; tiny subsets; exercises every line of a chapter in the test suite. Its numbers mean nothing.
    case smoke
    /// The default: real Fashion-MNIST, one seed, the effect visible, about 10 minutes on 2 cores.
    case quick
    /// The committed report: three or more seeds, mean ± std, about half an hour to an hour per chapter on 2 cores.
    case full
}
