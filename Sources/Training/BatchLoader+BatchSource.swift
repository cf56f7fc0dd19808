import Datasets

/// The datasets module's loader is the training loop's batch source.
extension BatchLoader: BatchSource {}
