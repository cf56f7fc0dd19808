import AtomicFile
import Foundation
import Tensor
import Training

/// A training run that survives interruption: after every epoch it writes `last.safetensors`
/// (parameters, state, momentum), a copy `epoch-K.safetensors` and `history.json` atomically;
/// started again, it resumes from the last finished epoch; finished, it renames `last` to `final`.
/// Every epoch's snapshot is kept when all of them fit in `everyEpochBudget` bytes (the chapters'
/// networks: tens of kB to a few MB each), so that a later consumer — FGE starting at the 80 %
/// point — finds it whichever chapter trained the network; a larger network (VGG16: 122 MB per
/// snapshot) keeps only `keepEpochs`, and a later consumer that needs another epoch retrains the
/// entry. A diverged step throws before anything is written, so the last good checkpoint stays.
///
/// Creating one takes the entry's `EntryLock` (waiting while another process trains the same
/// entry); the lock is held as long as the run value is in use.
struct ResumableRun {
    let folder: String
    let format: CheckpointFormat
    let metadata: [String: String]
    let label: String
    /// Epochs (from 1) whose `epoch-K.safetensors` the caller needs: a run cached before every
    /// epoch was kept may lack them, and is then retrained from before the first missing one.
    var keepEpochs: Set<Int> = []
    private let lock: EntryLock
    /// The most bytes the run's snapshots may take together for every epoch's to be kept.
    let everyEpochBudget: Int

    /// Whether the snapshot after `epoch` is written: always for `keepEpochs`, and for every
    /// epoch when `epochs` snapshots of `floats` 4-byte values fit in `everyEpochBudget`.
    func keepsSnapshot(afterEpoch epoch: Int, of epochs: Int, floats: Int) -> Bool {
        keepEpochs.contains(epoch) || epochs * floats * MemoryLayout<Float>.size <= everyEpochBudget
    }

    init(folder: String, format: CheckpointFormat, metadata: [String: String], label: String, keepEpochs: Set<Int> = [],
         everyEpochBudget: Int) throws {
        self.folder = folder
        self.everyEpochBudget = everyEpochBudget
        self.format = format
        self.metadata = metadata
        self.label = label
        self.keepEpochs = keepEpochs
        lock = try EntryLock(entry: folder)
    }

    var finalPath: String { folder + "/final.safetensors" }
    var lastPath: String { folder + "/last.safetensors" }
    func snapshotPath(afterEpoch epoch: Int) -> String { folder + "/epoch-\(epoch).safetensors" }

    /// The finished run's snapshot and history when every requested file exists.
    func finished() throws -> (TrainingSnapshot, [EpochRecord])? {
        let missing = keepEpochs.contains { !FileManager.default.fileExists(atPath: snapshotPath(afterEpoch: $0)) }
        guard FileManager.default.fileExists(atPath: finalPath), !missing else {
            CacheUsage.shared.record(.trainings, entry: folder, computed: 1, reused: 0)
            return nil
        }
        CacheUsage.shared.record(.trainings, entry: folder, computed: 0, reused: 1)
        return (try load(finalPath), readHistory())
    }

    /// Where to restart: the last checkpoint, unless a snapshot still to be kept lies before it.
    func resumePoint() throws -> TrainingSnapshot? {
        guard FileManager.default.fileExists(atPath: lastPath) else { return nil }
        let last = try load(lastPath)
        let missing = keepEpochs.filter { !FileManager.default.fileExists(atPath: snapshotPath(afterEpoch: $0)) }
        return missing.contains { $0 <= last.epochsDone } ? nil : last
    }

    /// Where training starts: `initial` for a fresh run, or the last checkpoint (parameters, state,
    /// momentum, epochs done) and the history up to it for an interrupted one.
    func startingPoint(initial: (parameters: [Float], state: [Float])) throws
        -> (parameters: [Float], state: [Float], momentum: [Float], epoch: Int, history: [EpochRecord]) {
        guard let resume = try resumePoint() else { return (initial.parameters, initial.state, [], 0, []) }
        FileHandle.standardError.write(Data("resuming \(label) from \(folder) after epoch \(resume.epochsDone)\n".utf8))
        return (resume.parameters, resume.state, resume.momentum, resume.epochsDone, Array(readHistory().prefix(resume.epochsDone)))
    }

    /// Runs `loop` to its end with checkpointing; `test` evaluates the network after each epoch on
    /// `testImages` (recorded beside the metrics).
    func run(_ loop: TrainingLoop, history start: [EpochRecord], testImages: MeasuredOn? = nil,
             test: @escaping (TrainingLoop) -> Evaluation?) throws -> [EpochRecord] {
        var history = start
        var clock = Date()
        let objective = loop.objective
        loop.progressLabel = label
        loop.hooks.epochEnd.append { loop, end in
            let t = test(loop)
            history.append(EpochRecord(epoch: end.epoch + 1, learningRate: Double(end.learningRate), trainLoss: end.trainLoss,
                                       trainError: end.trainError, testLoss: t?.loss, testError: t?.error,
                                       testImages: t == nil ? nil : testImages, seconds: Date().timeIntervalSince(clock)))
            clock = Date()
            let snapshot = TrainingSnapshot(parameters: loop.parameters, state: objective.state, momentum: loop.optimizer.buffer,
                                            epochsDone: end.epoch + 1, metadata: metadata)
            try format.save(snapshot, to: lastPath)
            let floats = snapshot.parameters.count + snapshot.state.count + snapshot.momentum.count
            if keepsSnapshot(afterEpoch: end.epoch + 1, of: loop.epochs, floats: floats) {
                try format.save(snapshot, to: snapshotPath(afterEpoch: end.epoch + 1))
            }
            try writeHistory(history)
            EpochLog.print(label: label, epochs: loop.epochs, record: history.last!)
        }
        try AtomicFile.write((metadata["recipe"] ?? "{}") + "\n", to: folder + "/recipe.json")
        do {
            try loop.run()
        } catch let error as TrainingError {
            throw RunFailure(label: label, folder: folder, recipe: metadata["recipe"], underlying: error)
        }
        if rename(lastPath, finalPath) != 0 {
            throw AtomicFile.WriteError(path: finalPath, reason: "cannot rename \(lastPath): \(String(cString: strerror(errno)))")
        }
        return history
    }

    /// Loads a cached checkpoint; a damaged one is an error that says how to recover.
    private func load(_ path: String) throws -> TrainingSnapshot {
        do {
            return try format.load(from: path)
        } catch {
            throw CachedCheckpointError(underlying: "\(error)", folder: folder)
        }
    }

    func readHistory() -> [EpochRecord] {
        guard let data = FileManager.default.contents(atPath: folder + "/history.json") else { return [] }
        return (try? JSONDecoder().decode([EpochRecord].self, from: data)) ?? []
    }

    private func writeHistory(_ history: [EpochRecord]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try encoder.encode(history), to: folder + "/history.json")
    }
}

/// A checkpoint in the artifact cache that cannot be read: nothing is overwritten; the message
/// says which folder to delete to train again.
public struct CachedCheckpointError: Error, CustomStringConvertible {
    public let underlying: String
    public let folder: String
    public var description: String { "\(underlying)\nThe artifact cache entry is damaged; delete \(folder) to train it again." }
}

/// A cached run that stopped (e.g. diverged): which run, which entry, what happened. The entry
/// keeps its last good epoch.
public struct RunFailure: Error, CustomStringConvertible {
    public let label: String
    public let folder: String
    public let recipe: String?
    public let underlying: TrainingError
    public var description: String {
        "\(label) (cache entry \(folder)): \(underlying)" + (recipe.map { "\nIts recipe: \($0)" } ?? "")
    }
}
