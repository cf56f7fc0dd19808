/// An eval-mode BN with its ReLU, `max?(scale[c]·x + shift[c], 0)` per channel (the arithmetic of
/// `BatchNorm`'s eval pass), applied as a stride-1 convolution copies its input into its padded
/// planes: the inference path's pre-activation BN, whose output only that convolution reads, then
/// makes no pass of its own (`InferencePlan`). The zero border stays zero, as the BN's output is
/// padded with zeros.
struct InputAffine {
    let scale: UnsafePointer<Float>, shift: UnsafePointer<Float>
    let relu: Bool

    /// One row of channel `c`'s input, mapped.
    @inline(__always) func copy(_ from: UnsafePointer<Float>, to: UnsafeMutablePointer<Float>, _ count: Int, channel c: Int) {
        if relu {
            RowVectors.map(from, to: to, count, scale: scale[c], bias: shift[c], relu: true)
        } else {
            RowVectors.map(from, to: to, count, scale: scale[c], bias: shift[c], relu: false)
        }
    }
}
