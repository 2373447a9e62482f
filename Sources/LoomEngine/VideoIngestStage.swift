import Foundation
import LoomCore
import LoomGenerate
import LoomIngest
import LoomRecipe
import LoomStore
import LoomVideo

/// What the video stage did.
public struct VideoIngestSummary: Sendable, Codable, Hashable {
    /// Video files found in the recipe's video folders.
    public var files: Int
    /// Videos made into samples (by this invocation and earlier ones).
    public var videos: Int
    /// Input that could not be used, or was used with a note, grouped by category.
    public var problems: [String: Int]
}

/// The video stage: walks the recipe's video folders, matches each video to its annotations, and reads the
/// videos not read yet on the CPU workers (`VideoIngestWorker`), committing each with its ledger row. Exact copies
/// (the same bytes under another name) are found up front, among files of equal size, so the first in walk order
/// is the one kept however the work is scheduled.
struct VideoIngestStage: Sendable {
    let recipe: Recipe
    /// The recipe's video folders, and the scene videos' folder when it has them.
    let collections: [VideoCollection]
    let recipeFolder: URL
    let runDirectory: URL
    let store: RunStore
    let generator: TemplateGenerator
    let workers: CPUWorkers
    let writer: BatchingWriter
    let observer: RunObserver?

    static let stageName = VideoIngestWorker.stageName

    func run() async throws -> VideoIngestSummary {
        // Walking folders, parsing the annotation files and hashing same-size files is blocking work: on a worker.
        let (items, rejections) = try await workers.run { try walk() }
        if !rejections.isEmpty { try await writer.submit(StoreWrite(rejections: rejections)) }
        let done = try store.completedItems(stage: Self.stageName)
        let (unique, copies) = try await workers.run { try findCopies(items, done: done) }
        if !copies.isEmpty { try await writer.submit(StoreWrite(ledger: copies.map(\.0), rejections: copies.map(\.1))) }
        // Copies found now are done now, not before: a first run does not say it is resuming.
        observer?(.stageStarted(stage: .video, total: items.count, alreadyDone: done.count))
        let tally = RunTally(done: done.count + copies.count, failed: 0)
        let worker = VideoIngestWorker(recipe: recipe, runDirectory: runDirectory, generator: generator)
        var maker = BoundedMaker(stage: .video, recoverable: [.generate, .io], workers: workers, writer: writer, observer: observer)
        maker.commitsEachItem = true
        try await maker.run(unique, id: \.subject, tally: tally) { try worker.make($0) }
        try await writer.flush()
        let (madeDone, madeFailed) = tally.state.withLock { ($0.done, $0.failed) }
        observer?(.stageFinished(stage: .video, done: madeDone, failed: madeFailed))
        let problems = try store.rejections(stage: Self.stageName).reduce(into: [String: Int]()) { $0[$1.category] = $1.items.count }
        let videos = try store.completedItems(stage: Self.stageName).count - (problems[RejectionKind.exactCopy.category] ?? 0)
        return VideoIngestSummary(files: items.count, videos: videos, problems: problems)
    }

    /// Every video of every folder, in walk order, with its annotations; and what could not be used.
    private func walk() throws -> ([VideoItem], [Rejection]) {
        var items: [VideoItem] = []
        var rejections: [Rejection] = []
        func reject(_ rejection: SourceRejection) {
            rejections.append(Rejection(
                subject: IngestStage.relative(rejection.subject, to: recipeFolder), stage: Self.stageName, kind: rejection.kind,
                reason: rejection.reason))
        }
        for (index, collection) in collections.enumerated() {
            let folder = RecipePath.resolve(collection.folder, in: recipeFolder)
            guard FileManager.default.fileExists(atPath: folder) else {
                throw LoomError(.recipe, "the video folder does not exist: \(folder)", subject: "sources.videos[\(index)]")
            }
            var annotationFile: VideoAnnotationFile?
            if let file = collection.annotations {
                let path = RecipePath.resolve(file, in: recipeFolder)
                guard FileManager.default.fileExists(atPath: path) else {
                    throw LoomError(.recipe, "the video annotation file does not exist: \(path)", subject: "sources.videos[\(index)].annotations")
                }
                do {
                    let loaded = try VideoAnnotationFile(path: path)
                    loaded.rejections.forEach(reject)
                    annotationFile = loaded
                } catch let error as IngestFileError {
                    reject(SourceRejection(subject: path, kind: .unusableSource, reason: error.reason + "; the videos are read without annotations"))
                }
            }
            let source = FolderSource(
                root: folder, include: collection.include, exclude: collection.exclude, extensions: FolderSource.videoExtensions)
            let prefix = folder.hasSuffix("/") ? folder : folder + "/"
            let sampling = FrameSampling(collection)
            // The videos each key matched, and whether by path: a file name or stem that also matches another video
            // is not used for it (a key that is one video's path still names that one).
            var matchedByKey: [String: [(item: Int, byPath: Bool)]] = [:]
            do {
                try source.scan(
                    item: { found in
                        let display = found.path.display
                        let inFolder = display.hasPrefix(prefix) ? String(display.dropFirst(prefix.count)) : display
                        let match = annotationFile?.match(forRelativePath: inFolder)
                        if let match { matchedByKey[match.key, default: []].append((items.count, match.byPath)) }
                        items.append(VideoItem(
                            path: display, subject: IngestStage.relative(display, to: recipeFolder), ordinal: items.count,
                            annotations: match?.entry, sampling: sampling))
                    }, rejected: reject)
            } catch let error as IngestFileError {
                throw LoomError(.recipe, error.reason, subject: "sources.videos[\(index)]")
            }
            for (key, matched) in matchedByKey.sorted(by: { $0.key < $1.key }) where matched.count > 1 {
                let byName = matched.filter { !$0.byPath }
                guard !byName.isEmpty else { continue }
                for match in byName { items[match.item].annotations = nil }
                let names = matched.map { items[$0.item].subject }.joined(separator: ", ")
                let usedFor = matched.first { $0.byPath }.map { "only for \(items[$0.item].subject), whose path it is" } ?? "for none"
                reject(SourceRejection(
                    subject: "\(collection.annotations ?? "annotations"): \(key)", kind: .badVideoAnnotation,
                    reason: "the key \"\(key)\" matches \(matched.count) videos (\(names)), so it was used \(usedFor); key each by its path in the video folder"))
            }
        }
        return (items, rejections)
    }

    /// Splits the videos not done yet into those to read and exact copies of earlier ones in walk order (done at
    /// once, with a note). Only files whose size another file shares are hashed here.
    private func findCopies(_ items: [VideoItem], done: Set<String>) throws -> ([VideoItem], [(LedgerEntry, Rejection)]) {
        var sizes: [Int: Int] = [:]
        var sizeOf: [Int] = []
        for item in items {
            let size = ((try? FileManager.default.attributesOfItem(atPath: item.path))?[.size] as? NSNumber)?.intValue ?? -1
            sizeOf.append(size)
            if size >= 0 { sizes[size, default: 0] += 1 }
        }
        var firstByID: [String: (subject: String, annotations: VideoAnnotations?)] = [:]
        var unique: [VideoItem] = []
        var copies: [(LedgerEntry, Rejection)] = []
        for (index, var item) in items.enumerated() {
            // The stamp before the hash: if the kept video still has it once read, it holds the hashed bytes.
            let stamp = FileStamp.of(item.path)
            if sizeOf[index] >= 0, sizes[sizeOf[index], default: 0] > 1, let id = try? StableID.sha256Hex(fileAt: item.path) {
                if let first = firstByID[id] {
                    if done.contains(item.subject) { continue }
                    var reason = "the same bytes as \(first.subject), which is read once"
                    // The copy's own annotation entry describes the same video: say it was not used, and how to use it.
                    if let own = item.annotations, !own.isEmpty, own != first.annotations {
                        reason += "; this file's own annotations (\(own.segments.count) segments, \(own.narrations.count) narrations) were not used: give them under \(first.subject)'s name"
                    }
                    copies.append((
                        LedgerEntry(item: item.subject, stage: Self.stageName, status: .done),
                        Rejection(subject: item.subject, stage: Self.stageName, kind: .exactCopy, reason: reason)
                    ))
                    continue
                }
                firstByID[id] = (item.subject, item.annotations)
                item.knownID = id
                item.knownIDStamp = stamp
            }
            if !done.contains(item.subject) { unique.append(item) }
        }
        return (unique, copies)
    }
}
