/// Which images a metric was measured on: the first `images` of a data set's split of `of`
/// images (the chapters' quick and full budgets evaluate on a prefix of the test split).
public struct MeasuredOn: Codable, Equatable, Sendable, CustomStringConvertible {
    /// The data set's name, e.g. "fashion-mnist".
    public var data: String
    /// "test" or "train".
    public var split: String
    public var images: Int
    /// Images in the whole split.
    public var of: Int

    public init(data: String, split: String, images: Int, of: Int) {
        self.data = data
        self.split = split
        self.images = images
        self.of = of
    }

    public var isWholeSplit: Bool { images >= of }

    /// "all 10 000 test images" or "the first 5 000 of the 10 000 test images".
    public var description: String {
        isWholeSplit ? "all \(Self.grouped(of)) \(split) images"
            : "the first \(Self.grouped(images)) of the \(Self.grouped(of)) \(split) images"
    }

    /// 10000 → "10 000" (the reports' thousands separator).
    public static func grouped(_ n: Int) -> String {
        var digits = String(n), groups: [Substring] = []
        while digits.count > 3 { groups.insert(Substring(digits.suffix(3)), at: 0); digits.removeLast(3) }
        return ([Substring(digits)] + groups).joined(separator: " ")
    }
}

/// One epoch of a training run, as the cache records it (errors are fractions).
public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    public var learningRate: Double
    /// Running means over the epoch's (augmented) minibatches of the recipe's `trainImages`
    /// training images, taken while the weights moved.
    public var trainLoss: Double
    public var trainError: Double
    /// Test metrics after the epoch, where the run evaluates them.
    public var testLoss: Double?
    public var testError: Double?
    /// The images `testLoss` and `testError` were measured on; nil when the run did not evaluate,
    /// or in an entry cached before this was recorded (unknown: a chapter may have used a subset).
    public var testImages: MeasuredOn?
    public var seconds: Double

    public init(epoch: Int, learningRate: Double, trainLoss: Double, trainError: Double, testLoss: Double? = nil,
                testError: Double? = nil, testImages: MeasuredOn? = nil, seconds: Double) {
        self.epoch = epoch
        self.learningRate = learningRate
        self.trainLoss = trainLoss
        self.trainError = trainError
        self.testLoss = testLoss
        self.testError = testError
        self.testImages = testImages
        self.seconds = seconds
    }
}
