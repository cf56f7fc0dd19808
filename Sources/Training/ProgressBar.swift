import Foundation

/// tqdm-style progress on stderr for every long loop:
/// `train  45%|████▌     | 450/1000 [00:12<00:15, 36.2 it/s, epoch 3/10 loss=0.231]`.
///
/// On a terminal the line is redrawn at most every 0.1 s; otherwise (CI, a log file, a cluster
/// job) one plain line is printed every ~10 s or 10 %, whichever comes first. `quiet` silences it
/// (tests set it). No colour is used, so `NO_COLOR` is respected trivially.
public final class ProgressBar {
    nonisolated(unsafe) public static var quiet = ProcessInfo.processInfo.environment["LOSS_SURFACES_QUIET"] != nil

    private let label: String
    private let total: Int
    private var done = 0
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var lastPlainFraction = 0.0
    private let terminal = isatty(2) != 0
    private var finished = false

    public init(label: String, total: Int) {
        self.label = label
        self.total = max(total, 0)
    }

    public func advance(by count: Int = 1, status: @autoclosure () -> String = "") {
        done += count
        guard !ProgressBar.quiet, total > 0 else { return }
        let now = Date()
        let fraction = Double(done) / Double(total)
        if terminal {
            guard now.timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
            write("\r" + line(status: status(), now: now) + "\u{1B}[K")
        } else {
            guard now.timeIntervalSince(lastDraw) >= 10 || fraction - lastPlainFraction >= 0.1 || done >= total else { return }
            lastPlainFraction = fraction
            write(line(status: status(), now: now) + "\n")
        }
        lastDraw = now
    }

    /// Ends the bar (a newline on a terminal).
    public func finish() {
        guard !finished else { return }
        finished = true
        if terminal && !ProgressBar.quiet && total > 0 && lastDraw != .distantPast { write("\n") }
    }

    func line(status: String, now: Date) -> String {
        let elapsed = now.timeIntervalSince(start)
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let width = 10
        let filled = fraction * Double(width)
        let full = Int(filled)
        let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var bar = String(repeating: "█", count: full)
        if full < width {
            bar += partials[Int((filled - Double(full)) * 8)]
            bar += String(repeating: " ", count: width - full - 1)
        }
        let pct = String(format: "%3d%%", Int(fraction * 100))
        let rateText = rate >= 1 || rate == 0 ? String(format: "%.1f it/s", rate) : String(format: "%.2f s/it", 1 / rate)
        let tail = status.isEmpty ? "" : ", " + status
        return "\(label) \(pct)|\(bar)| \(done)/\(total) [\(clock(elapsed))<\(clock(remaining)), \(rateText)\(tail)]"
    }

    private func clock(_ seconds: Double) -> String {
        let s = Int(seconds.isFinite ? seconds : 0)
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%02d:%02d", s / 60, s % 60)
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
