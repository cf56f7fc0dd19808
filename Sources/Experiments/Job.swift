import Datasets
import AtomicFile
import Foundation
import Networks

/// One unit of work a chapter needs, as a recipe that `swift run job FILE.json` executes into the
/// artifact cache on any machine that shares the cache: a training run, a curve, an SSE, FGE or
/// SWA run. A job carries everything its result depends on besides the data folder, so the entry
/// it writes is the one the chapter would have trained itself (the same key, the same bytes).
///
/// A dependent job (a curve, FGE, SWA) finds its prerequisites in the cache; one that is missing
/// is trained first, under its entry lock, so running a wave early is slower but never wrong.
public struct Job: Codable, Equatable, Sendable {
    public enum Work: Equatable, Sendable {
        case train(TrainingRecipe)
        case curve(CurveRecipe)
        /// A curve between networks aligned up to a permutation of their units (chapter 5).
        case alignedCurve(AlignedCurveRecipe)
        case snapshotEnsemble(SnapshotEnsembleRecipe)
        case fastGeometric(FastGeometricRecipe)
        case weightAveraging(WeightAveragingRecipe)
    }

    public var format = 1
    public var work: Work
    public var dataset: DatasetName
    /// Test images (the first of the split) a training run evaluates after every epoch: its
    /// recorded history depends on them. nil: the whole split.
    public var testImages: Int?

    public init(_ work: Work, dataset: DatasetName, testImages: Int?) {
        self.work = work
        self.dataset = dataset
        self.testImages = testImages
    }

    /// The cache entry the job writes.
    public var cacheKey: String {
        switch work {
        case .train(let r): return r.cacheKey
        case .curve(let r): return r.cacheKey
        case .alignedCurve(let r): return r.curve.cacheKey
        case .snapshotEnsemble(let r): return r.cacheKey
        case .fastGeometric(let r): return r.cacheKey
        case .weightAveraging(let r): return r.cacheKey
        }
    }

    /// "train", "curve", "aligned-curve", "sse", "fge" or "swa".
    public var kind: String {
        switch work {
        case .train: return "train"
        case .curve: return "curve"
        case .alignedCurve: return "aligned-curve"
        case .snapshotEnsemble: return "sse"
        case .fastGeometric: return "fge"
        case .weightAveraging: return "swa"
        }
    }

    /// Cache keys of the entries this job starts from.
    public var prerequisites: [String] {
        switch work {
        case .train, .snapshotEnsemble: return []
        case .curve(let r): return [r.start.cacheKey, r.end.cacheKey]
        case .alignedCurve(let r): return [r.curve.start.cacheKey, r.curve.end.cacheKey]
        case .fastGeometric(let r): return [r.base.cacheKey]
        case .weightAveraging(let r): return [r.base.cacheKey]
        }
    }

    /// The training images every run of the job uses (the first of the split).
    var trainImages: Int {
        switch work {
        case .train(let r): return r.trainImages
        case .curve(let r): return r.start.trainImages
        case .alignedCurve(let r): return r.curve.start.trainImages
        case .snapshotEnsemble(let r): return r.base.trainImages
        case .fastGeometric(let r): return r.base.trainImages
        case .weightAveraging(let r): return r.base.trainImages
        }
    }

    /// The data the job runs on, from `directory` (nil: the data set's default folder).
    public func loadData(directory: String?) throws -> TrainingData {
        let data = try TrainingData.load(DataSource(dataset: dataset, directory: directory), trainLimit: trainImages, testLimit: testImages)
        guard data.train.count == trainImages else {
            throw JobError(path: nil, reason: "the job trains on \(trainImages) images but \(dataset.rawValue) has only \(data.train.count)")
        }
        return data
    }

    /// Runs the job into `cache` (a no-op when its entry is there).
    public func execute(cache: ArtifactCache, data: TrainingData) throws {
        switch work {
        case .train(let r):
            _ = try cache.trainedNetwork(r, data: data)
        case .curve(let r):
            let start = try cache.trainedNetwork(r.start, data: data), end = try cache.trainedNetwork(r.end, data: data)
            guard r.alignment == nil else {
                throw JobError(path: nil, reason: "a curve between aligned networks (\(r.alignment!)) is an aligned-curve job, which names its alignment")
            }
            _ = try cache.trainedCurve(r, start: start, end: end, data: data)
        case .alignedCurve(let r):
            _ = try cache.alignedCurve(r, data: data)
        case .snapshotEnsemble(let r):
            _ = try cache.snapshotEnsemble(r, data: data)
        case .fastGeometric(let r):
            _ = try cache.trainedNetwork(r.base, data: data, keepEpochs: [r.startEpoch])
            _ = try cache.fastGeometricEnsemble(r, data: data)
        case .weightAveraging(let r):
            _ = try cache.trainedNetwork(r.base, data: data, keepEpochs: [r.startEpoch])
            _ = try cache.weightAveraging(r, data: data)
        }
    }

    /// Whether the job's entry is finished in `cache`.
    public func isDone(in cache: ArtifactCache) -> Bool {
        FileManager.default.fileExists(atPath: cache.root + "/" + cacheKey + "/final.safetensors")
    }

    // MARK: file format: {"format": 1, "kind": "train", "dataset": …, "testImages": …, "recipe": {…}}

    private enum CodingKeys: String, CodingKey { case format, kind, dataset, testImages, recipe }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(Int.self, forKey: .format)
        guard format == 1 else {
            throw DecodingError.dataCorruptedError(forKey: .format, in: c, debugDescription: "job format \(format) is not 1")
        }
        dataset = try c.decode(DatasetName.self, forKey: .dataset)
        testImages = try c.decodeIfPresent(Int.self, forKey: .testImages)
        if let testImages, testImages < 1 {
            throw DecodingError.dataCorruptedError(forKey: .testImages, in: c, debugDescription: "testImages must be at least 1, got \(testImages)")
        }
        switch try c.decode(String.self, forKey: .kind) {
        case "train": work = .train(try c.decode(TrainingRecipe.self, forKey: .recipe))
        case "curve": work = .curve(try c.decode(CurveRecipe.self, forKey: .recipe))
        case "aligned-curve": work = .alignedCurve(try c.decode(AlignedCurveRecipe.self, forKey: .recipe))
        case "sse": work = .snapshotEnsemble(try c.decode(SnapshotEnsembleRecipe.self, forKey: .recipe))
        case "fge": work = .fastGeometric(try c.decode(FastGeometricRecipe.self, forKey: .recipe))
        case "swa": work = .weightAveraging(try c.decode(WeightAveragingRecipe.self, forKey: .recipe))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown job kind \"\(other)\" (train, curve, aligned-curve, sse, fge, swa)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(kind, forKey: .kind)
        try c.encode(dataset, forKey: .dataset)
        try c.encodeIfPresent(testImages, forKey: .testImages)
        switch work {
        case .train(let r): try c.encode(r, forKey: .recipe)
        case .curve(let r): try c.encode(r, forKey: .recipe)
        case .alignedCurve(let r): try c.encode(r, forKey: .recipe)
        case .snapshotEnsemble(let r): try c.encode(r, forKey: .recipe)
        case .fastGeometric(let r): try c.encode(r, forKey: .recipe)
        case .weightAveraging(let r): try c.encode(r, forKey: .recipe)
        }
    }

    /// The job in `path`; a missing or malformed file is an error naming it and what is wrong.
    public static func read(from path: String) throws -> Job {
        guard let data = FileManager.default.contents(atPath: path) else { throw JobError(path: path, reason: "cannot read the file") }
        do {
            return try JSONDecoder().decode(Job.self, from: data)
        } catch let error as DecodingError {
            throw JobError(path: path, reason: "not a job file: \(JobError.describe(error))")
        } catch {
            throw JobError(path: path, reason: "not a job file: \(error)")
        }
    }

    /// Writes the job to `path` atomically (sorted keys, so equal jobs write equal bytes).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try encoder.encode(self), to: path)
    }
}

/// A job file that cannot be read or run.
public struct JobError: Error, CustomStringConvertible {
    public let path: String?
    public let reason: String
    public var description: String { (path.map { "\($0): " } ?? "") + reason }

    static func describe(_ error: DecodingError) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (path.isEmpty ? "" : "at \(path): ") + context.debugDescription
        }
        switch error {
        case .keyNotFound(let key, let c): return "missing \(key.stringValue)" + (c.codingPath.isEmpty ? "" : " in \(c.codingPath.map(\.stringValue).joined(separator: "."))")
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): return at(c)
        @unknown default: return "\(error)"
        }
    }
}
