/// What the training loop draws minibatches from. Filling a batch is a pure function of
/// (epoch, batch index), so a run that resumes at an epoch boundary sees the same batches.
public protocol BatchSource {
    /// Floats per sample (C·H·W).
    var sampleSize: Int { get }
    var batchesPerEpoch: Int { get }
    /// The largest batch `fill` writes.
    var batchCapacity: Int { get }
    /// Writes batch `batch` of epoch `epoch` as contiguous NCHW images and labels; returns its size.
    func fill(epoch: Int, batch: Int, images: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) -> Int
}
