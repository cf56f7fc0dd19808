import Foundation

/// The per-epoch line a training run prints on stdout (progress bars go to stderr).
enum EpochLog {
    static func print(label: String, epochs: Int, record r: EpochRecord) {
        var line = String(format: "%@  epoch %2d/%d  lr %.4f  train loss %.4f err %5.2f%%", label, r.epoch, epochs,
                          r.learningRate, r.trainLoss, 100 * r.trainError)
        if let loss = r.testLoss, let error = r.testError {
            line += String(format: "  test loss %.4f err %5.2f%%", loss, 100 * error)
            if let on = r.testImages, !on.isWholeSplit { line += " (first \(MeasuredOn.grouped(on.images)) test images)" }
        }
        line += String(format: "  (%.1f s)", r.seconds)
        Swift.print(line)
        fflush(stdout)
    }
}
