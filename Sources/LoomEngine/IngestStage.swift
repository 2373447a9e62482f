import Foundation
import LoomCore
import LoomIngest
import LoomMedia
import LoomRecipe
import LoomStore
import Synchronization

/// What the ingest stage did.
public struct IngestSummary: Sendable, Codable, Hashable {
    /// File paths ingested (exact copies count once each).
    public var files: Int
    /// Distinct images (by bytes) in the store.
    public var images: Int
    /// Images marked as near-duplicates of an earlier one.
    public var nearDuplicates: Int
    /// Input that could not be used, or was used with a note, grouped by category.
    public var problems: [String: Int]
}

/// The ingest stage: streams the recipe's collections, ingests each file on the CPU workers, and commits the
/// results strictly in source order, so that exact copies and near-duplicates are always marked against the
/// same earlier image, however the work was scheduled and however often the run was interrupted. When every file
/// is in, each group of near-duplicates keeps its largest image (`RunStore.keepLargestNearDuplicateImages`).
struct IngestStage: Sendable {
    let recipe: Recipe
    let recipeFolder: URL
    let runDirectory: URL
    let store: RunStore
    let workers: CPUWorkers
    let writer: BatchingWriter
    let observer: RunObserver?

    static let stageName = Stage.ingest.rawValue

    /// Files and source entries used and not used, as the progress line counts them.
    private struct Tally: Sendable {
        var done: Int
        var failed: Int
        /// Files an earlier run ingested that this walk, gone through whole, did not find.
        var gone: [Rejection] = []
        /// Every file this walk offered, when it went through every source (nil otherwise).
        var walkedFiles: Set<String>?
    }

    /// A finished file, or input a source rejected, on its way to the sequencer.
    private enum Result: Sendable {
        case done(sequence: Int, SourceItem, Outcome)
        case rejected(SourceRejection)
    }

    private enum Outcome: Sendable {
        /// Read now; `stamp` is the file's size and time taken before it was read, so that a file rewritten while
        /// the run reads it is read again by the next run rather than taken for the bytes read now.
        case fresh(IngestWorker.Outcome, stamp: (size: Int64, modified: Int64)?)
        /// Ingested by an earlier invocation of the run.
        case resumed(RunStore.IngestedFileState)
    }

    func run() async throws -> IngestSummary {
        try checkSourcesExist()
        let previous = try store.ingestedFiles()
        let known = KnownImages()
        let worker = IngestWorker(settings: recipe.ingest, runDirectory: runDirectory, known: known)
        try FileManager.default.createDirectory(
            at: runDirectory.appendingPathComponent(IngestWorker.thumbnailFolder), withIntermediateDirectories: true)
        let feed = SourceFeed(recipe.collections, relativeTo: recipeFolder, window: workers.threads * 4)
        let (results, sink) = AsyncStream<Result>.makeStream()
        observer?(.stageStarted(stage: .ingest, total: 0, alreadyDone: previous.count))
        // The total comes from a second walk of the sources beside the ingest (listing is cheap next to decoding),
        // so that a long ingest shows how far it is and when it should end.
        let counting = observer.flatMap { observer in feed.isCountable ? Self.count(feed, observer: observer) : nil }
        defer { feed.stopCounting() }

        let workers = workers
        let tally: Tally?
        do {
            tally = try await withThrowingTaskGroup(of: Tally?.self) { group in
                // Dispatcher: hands each new file to a CPU worker; files done before are passed straight on.
                group.addTask {
                    await withDiscardingTaskGroup { work in
                        for await event in feed.events() {
                            switch event {
                            case .rejected(let rejection):
                                sink.yield(.rejected(rejection))
                            case .item(let sequence, let item):
                                // A file replaced under the same name since (another size or modification
                                // time) is ingested again.
                                let stamp = item.path.stamp()
                                if let state = previous[ExactPath(relative(item.path.display))],
                                    state.isSame(size: stamp?.size, modified: stamp?.modified)
                                {
                                    sink.yield(.done(sequence: sequence, item, .resumed(state)))
                                    continue
                                }
                                work.addTask {
                                    let outcome = (try? await workers.run { worker.ingest(item) })
                                        ?? .rejected(.cancelled, reason: "the run stopped before this file was read")
                                    sink.yield(.done(sequence: sequence, item, .fresh(outcome, stamp: stamp)))
                                }
                            }
                        }
                    }
                    sink.finish()
                    return nil
                }
                group.addTask { try await sequence(results, feed: feed, known: known, previous: previous) }
                // Not waitForAll(): it waits for every child even after one has thrown, and the dispatcher
                // only ends once the walk is released or cancelled.
                do {
                    var tally: Tally?
                    while let result = try await group.next() { tally = tally ?? result }
                    return tally
                } catch {
                    group.cancelAll()
                    feed.cancel()
                    throw error
                }
            }
        } catch {
            feed.cancel()
            throw error
        }
        try await writer.flush()
        // Only a whole walk tells which files are gone; an interrupted one keeps the earlier notes.
        // A file an earlier run rejected that is no longer there is no longer a failure of the run.
        if let walked = tally?.walkedFiles {
            try store.forgetRejectedFiles(stage: Self.stageName, notIn: walked, keeping: RejectionKind.goneSinceIngest.category)
        }
        if let gone = tally?.gone {
            try store.replaceRejections(stage: Self.stageName, category: RejectionKind.goneSinceIngest.category, with: gone)
        }
        try store.keepLargestNearDuplicateImages()
        // The count walked what the ingest walked, without reading a file: done by now, or nearly.
        await counting?.value
        let counts = try store.imageCounts()
        let problems = try store.rejections(stage: Self.stageName).reduce(into: [String: Int]()) {
            $0[$1.category] = $1.items.count
        }
        // Failed: files and source entries not used, as the progress line counted them; notes are not failures.
        observer?(.stageFinished(stage: .ingest, done: counts.files - (tally?.gone.count ?? 0), failed: tally?.failed ?? 0))
        return IngestSummary(
            files: counts.files - (tally?.gone.count ?? 0), images: counts.images, nearDuplicates: counts.nearDuplicates,
            problems: problems)
    }

    /// Counts the feed's events on a thread of its own (a walk of folders blocks) and tells the observer the total.
    private static func count(_ feed: SourceFeed, observer: @escaping RunObserver) -> Task<Void, Never> {
        Task {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                let counter = Thread {
                    if let total = feed.countEvents() { observer(.totalCounted(stage: .ingest, total: total)) }
                    done.resume()
                }
                counter.name = "loom.sources.count"
                counter.start()
            }
        }
    }

    /// Commits results in source order, marking exact copies and near-duplicates against earlier images.
    private func sequence(
        _ results: AsyncStream<Result>, feed: SourceFeed, known: KnownImages, previous: [ExactPath: RunStore.IngestedFileState]
    ) async throws -> Tally {
        var waiting: [Int: (SourceItem, Outcome)] = [:]
        var next = 0
        var index = NearDuplicateIndex(threshold: recipe.ingest.nearDuplicateDistance)
        // Groups of near-duplicates the index has an entry for (by the id of the image each group keeps).
        var anchored: Set<String> = []
        try remember(known: known, index: &index, anchored: &anchored)
        // Each image's displayed size, for boxes a source gives for an exact copy of it.
        var sizes: [String: (width: Int, height: Int)] = [:]
        for state in previous.values { sizes[state.imageID] = (state.width, state.height) }
        // Paths committed by this invocation: a dataset may name a file a folder source already offered.
        var seenPaths: Set<ExactPath> = []
        // Every path this walk offered, committed or not, to tell the files of earlier runs it no longer finds.
        var walked: Set<ExactPath> = []
        var done = 0
        var failed = 0
        for await result in results {
            switch result {
            case .rejected(let rejection):
                failed += 1
                // Rejected by its source this time (listed but missing, a link loop): still there to speak of.
                walked.insert(ExactPath(relative(rejection.subject)))
                try await writer.submit(StoreWrite(rejections: [
                    Rejection(
                        subject: relative(rejection.subject), stage: Self.stageName, kind: rejection.kind,
                        reason: rejection.reason)
                ]))
            case .done(let sequence, let item, let outcome):
                waiting[sequence] = (item, outcome)
                while let (item, outcome) = waiting.removeValue(forKey: next) {
                    if case .fresh(.rejected(.cannotWrite, let reason), _) = outcome {
                        // The run directory refuses writes (a full disk, a read-only mount): not the file's fault,
                        // and every file after it would fail the same way. The stage stops; what is done is kept.
                        throw LoomError.cannotWriteRun(runDirectory, reason: reason)
                    }
                    let path = ExactPath(relative(item.path.display))
                    walked.insert(path)
                    let write = commitWrite(
                        item, sequence: next, outcome, index: &index, anchored: &anchored, sizes: &sizes, known: known,
                        seenPaths: &seenPaths, earlier: previous[path])
                    if !write.ledger.isEmpty || !write.files.isEmpty || !write.annotationMerges.isEmpty || !write.rejections.isEmpty {
                        try await writer.submit(write)
                    }
                    if write.ledger.contains(where: { $0.status == .failed }) { failed += 1 } else { done += 1 }
                    next += 1
                    feed.release()
                    observer?(.progressed(stage: .ingest, done: done, failed: failed, records: 0))
                }
            }
        }
        var tally = Tally(done: done, failed: failed)
        // The walk went through every source and each of its items was committed: what it did not offer is gone.
        if feed.wholeWalkItemCount == next {
            tally.walkedFiles = Set(walked.map(\.description))
            tally.gone = previous.filter { !walked.contains($0.key) }.sorted { $0.key.description < $1.key.description }.map { path, state in
                Rejection(
                    subject: path.description, stage: Self.stageName, kind: .goneSinceIngest,
                    reason: "an earlier run ingested this file (image \(state.imageID.prefix(12))…), but this run did not find it (deleted, moved, or its folder could not be read); its image and records stay")
            }
        }
        return tally
    }

    /// What one file adds to the store, decided in source order.
    ///
    /// - Parameter earlier: what an earlier run ingested at this path, when a fresh outcome replaces it.
    private func commitWrite(
        _ item: SourceItem, sequence: Int, _ outcome: Outcome, index: inout NearDuplicateIndex, anchored: inout Set<String>,
        sizes: inout [String: (width: Int, height: Int)], known: KnownImages, seenPaths: inout Set<ExactPath>,
        earlier: RunStore.IngestedFileState?
    ) -> StoreWrite {
        let path = relative(item.path.display)
        let doneEntry = LedgerEntry(item: path, stage: Self.stageName, status: .done)
        if case .fresh(let fresh, _) = outcome, !seenPaths.insert(ExactPath(path)).inserted {
            // The very file again, from another source: not a copy, but its annotations still count.
            var write = StoreWrite()
            let id = fresh.imageID
            var annotations = item.annotations
            if let id, let (objects, note) = Self.boxesChecked(item, against: sizes[id]) {
                annotations.objects = objects
                write.rejections = [Rejection(subject: path, stage: Self.stageName, kind: note.kind, reason: note.reason)]
            }
            if let id, !annotations.isEmpty { write.annotationMerges = [AnnotationMerge(imageID: id, annotations: annotations)] }
            return write
        }
        switch outcome {
        case .resumed:
            // Remembered before the walk (`remember`); nothing to write.
            return StoreWrite()
        case .fresh(let fresh, let stamp) where fresh.imageID != nil && fresh.imageID == earlier?.imageID:
            // The file an earlier run ingested, touched but not changed: only its size and time are new.
            return StoreWrite(
                ledger: [doneEntry],
                files: [IngestedFile(
                    path: path, imageID: fresh.imageID!, ordinal: sequence, size: stamp?.size, modified: stamp?.modified,
                    keepsNotes: true)])
        case .fresh(.rejected(let kind, var reason), _):
            if let earlier {
                // What an earlier run made of the file stays, as for a file gone since; the reason says so.
                reason += "; an earlier run ingested this file (image \(earlier.imageID.prefix(12))…), and its image and records stay"
            }
            return StoreWrite(
                ledger: [LedgerEntry(item: path, stage: Self.stageName, status: .failed, error: reason)],
                rejections: [Rejection(subject: path, stage: Self.stageName, kind: kind, reason: reason)])
        case .fresh(.copy(let id), let stamp):
            var write = copyWrite(item, path: path, of: id, size: sizes[id], sequence: sequence, entry: doneEntry, stamp: stamp)
            write.rejections += changeNote(path, earlier: earlier, now: id)
            return write
        case .fresh(.image(let decoded), let stamp):
            // Two copies decoded at the same moment: the later one in source order is the copy.
            if known.contains(decoded.id) {
                var write = copyWrite(
                    item, path: path, of: decoded.id, size: sizes[decoded.id], sequence: sequence, entry: doneEntry, stamp: stamp)
                write.rejections += changeNote(path, earlier: earlier, now: decoded.id)
                return write
            }
            known.insert(decoded.id)
            sizes[decoded.id] = (decoded.width, decoded.height)
            let duplicateOf = index.add(decoded.perceptualHash, id: decoded.id)
            if duplicateOf == nil { anchored.insert(decoded.id) }
            var annotations = item.annotations
            if let text = decoded.text { annotations.text = text }
            if let objects = decoded.objects { annotations.objects = objects }
            let image = IngestedImage(
                id: decoded.id, ordinal: sequence, sourcePath: path, origin: item.origin, format: decoded.format,
                width: decoded.width, height: decoded.height, perceptualHash: decoded.perceptualHash,
                duplicateOf: duplicateOf, thumbnail: decoded.thumbnail, annotations: annotations)
            return StoreWrite(
                media: [decoded.medium], ledger: [doneEntry], images: [image],
                files: [IngestedFile(path: path, imageID: decoded.id, ordinal: sequence, size: stamp?.size, modified: stamp?.modified)],
                rejections: notes(for: item, decoded) + changeNote(path, earlier: earlier, now: decoded.id))
        }
    }

    /// Makes the images of earlier invocations known before the walk: a file added since, wherever it sorts, is then
    /// an exact copy or near-duplicate of the image already stored (whose records exist), never the other way round.
    /// Every stored image counts, whether or not a file still names it, in the order the images entered the index
    /// (`RunStore.imagesInIngestOrder`): a group's entry is the hash of its first image, under the id of the image
    /// the group keeps (`keepLargestNearDuplicateImages` may have chosen a later, larger one).
    private func remember(known: KnownImages, index: inout NearDuplicateIndex, anchored: inout Set<String>) throws {
        for image in try store.imagesInIngestOrder() where !known.contains(image.id) {
            known.insert(image.id)
            let group = image.duplicateOf ?? image.id
            if anchored.insert(group).inserted { _ = index.add(image.perceptualHash, id: group) }
        }
    }

    /// The note for a file an earlier run ingested as another image (replaced under the same name); none when
    /// its content is what it was (only touched).
    private func changeNote(_ path: String, earlier: RunStore.IngestedFileState?, now id: String) -> [Rejection] {
        guard let earlier, earlier.imageID != id else { return [] }
        return [Rejection(
            subject: path, stage: Self.stageName, kind: .changedSinceIngest,
            reason: "the file is not the one an earlier run ingested (image \(earlier.imageID.prefix(12))): ingested again as it is now; the earlier version's records stay")]
    }

    /// A source's boxes for an image already ingested, checked against that image's displayed size as a decoded
    /// image's are (`IngestWorker.reconcile`; its orientation is not kept, so boxes given at a turned size are left
    /// out): nil when they all fit, or the size is unknown.
    private static func boxesChecked(
        _ item: SourceItem, against size: (width: Int, height: Int)?
    ) -> (objects: [AnnotatedObject], note: (kind: RejectionKind, reason: String))? {
        guard let size else { return nil }
        return IngestWorker.reconcile(item, displayed: size, stored: size, orientation: 1)
    }

    /// An exact copy is kept once; whatever its source says about it is added to the kept image. Its boxes are
    /// checked against the kept image's size, as a decoded image's are (`IngestWorker.reconcile`): a COCO file may
    /// list the same bytes under another name with boxes drawn on a resized copy.
    private func copyWrite(
        _ item: SourceItem, path: String, of id: String, size: (width: Int, height: Int)?, sequence: Int, entry: LedgerEntry,
        stamp: (size: Int64, modified: Int64)?
    ) -> StoreWrite {
        var annotations = item.annotations
        var note = Rejection(
            subject: path, stage: Self.stageName, kind: .exactCopy, reason: "the same bytes as image \(id.prefix(12))…, which is kept once")
        if let (objects, boxNote) = Self.boxesChecked(item, against: size) {
            annotations.objects = objects
            // One note a file: the boxes left out matter more than the copy.
            note = Rejection(subject: path, stage: Self.stageName, kind: boxNote.kind, reason: "\(note.reason); \(boxNote.reason)")
        }
        var write = StoreWrite(
            ledger: [entry], files: [IngestedFile(path: path, imageID: id, ordinal: sequence, size: stamp?.size, modified: stamp?.modified)],
            rejections: [note])
        if !annotations.isEmpty { write.annotationMerges = [AnnotationMerge(imageID: id, annotations: annotations)] }
        return write
    }

    /// Problems that did not stop the file from being used: its name is not UTF-8, its extension says another
    /// format than its content, or OCR failed on it.
    private func notes(for item: SourceItem, _ decoded: IngestWorker.Decoded) -> [Rejection] {
        var notes: [Rejection] = []
        let path = relative(item.path.display)
        let format = decoded.format
        if String(validating: item.path.bytes, as: UTF8.self) == nil {
            notes.append(Rejection(
                subject: path, stage: Self.stageName, kind: .nonUTF8Name,
                reason: "the file name is not valid UTF-8; it is shown with \\xNN escapes and the image was ingested"))
        }
        let suffix = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        let expected: [String: String] = [
            "jpg": "jpeg", "jpeg": "jpeg", "jpe": "jpeg", "png": "png", "webp": "webp", "heic": "heif", "heif": "heif", "avif": "avif",
        ]
        if let claimed = expected[suffix], claimed != format {
            notes.append(Rejection(
                subject: path, stage: Self.stageName, kind: .wrongExtension,
                reason: "named .\(suffix) but the content is \(format.uppercased()); read as \(format.uppercased())"))
        }
        if let problem = decoded.textProblem {
            notes.append(Rejection(subject: path, stage: Self.stageName, kind: .textNotRead, reason: problem))
        }
        if let note = decoded.boxNote {
            notes.append(Rejection(subject: path, stage: Self.stageName, kind: note.kind, reason: note.reason))
        }
        return notes
    }

    /// Paths under the recipe's folder are kept relative to it, so that the store (and its content hash) does
    /// not depend on where the project lives.
    func relative(_ path: String) -> String { Self.relative(path, to: recipeFolder) }

    static func relative(_ path: String, to recipeFolder: URL) -> String {
        let prefix = recipeFolder.standardizedFileURL.path + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    private func checkSourcesExist() throws {
        try Self.checkSourcesExist(of: recipe, recipeFolder: recipeFolder)
    }

    /// Every source path must exist before any work starts: a typo in a recipe is a recipe error. (The runner asks
    /// before it opens the run directory too, so that the mistake leaves nothing behind.)
    static func checkSourcesExist(of recipe: Recipe, recipeFolder: URL) throws {
        func check(_ path: String, _ what: String) throws {
            let resolved = RecipePath.resolve(path, in: recipeFolder)
            guard FileManager.default.fileExists(atPath: resolved) else {
                throw LoomError(.recipe, "the \(what) does not exist: \(resolved)", subject: "sources")
            }
        }
        for collection in recipe.collections {
            switch collection {
            case .folder(let path, _, _): try check(path, "folder")
            case .manifest(let file, let root):
                try check(file, "manifest")
                if let root { try check(root, "image folder") }
            case .coco(let instances, let captions, let images):
                if let instances { try check(instances, "COCO instances file") }
                if let captions { try check(captions, "COCO captions file") }
                try check(images, "COCO image folder")
            case .dataset(let conversion):
                try check(conversion.file, "dataset file")
                if let root = conversion.imageRoot { try check(root, "image folder") }
            }
        }
    }
}
