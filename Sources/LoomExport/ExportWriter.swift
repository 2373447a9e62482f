import Foundation
import LoomCore
import LoomStore

/// Writes one training format from a run store, streaming records one at a time (memory does not grow with the
/// number of records).
public struct ExportWriter: Sendable {
    public let store: RunStore
    /// The run directory the store's media paths are relative to.
    public let runDirectory: URL
    /// When false, records refer to `images/…` but no file is written (for runs that drew no images).
    public let writeImageFiles: Bool
    /// Whether an export makes the store's export index when it is missing (`RunStore.buildExportIndex`).
    public let buildsExportIndex: Bool
    /// Told before each rotated or HDR video is re-encoded for an export that carries videos (`NormalizedVideos`):
    /// how many were done, how many there are, and the video's path in the run. A re-encode takes seconds a
    /// minute of video, so a command line shows it.
    public var videoProgress: (@Sendable (_ done: Int, _ total: Int, _ path: String) -> Void)?

    /// What a command line or a run's progress shows for `videoProgress`.
    public static func videoProgressMessage(done: Int, total: Int, path: String) -> String {
        "re-encoding \(path) upright and in SDR for the trainers' video loaders (\(done + 1) of \(total) videos checked)"
    }

    /// - Parameter buildsExportIndex: make the export index first when the store has none. Worth it for the
    ///   exports a user runs again and again over a finished run: each then scans the index. A run's own exports,
    ///   written once side by side, pass false: each then sorts its own records, on its own thread, instead of
    ///   all of them waiting for one thread to build the index.
    public init(store: RunStore, runDirectory: URL, copyImages: Bool = true, buildsExportIndex: Bool = true) {
        self.store = store
        self.runDirectory = runDirectory
        self.writeImageFiles = copyImages
        self.buildsExportIndex = buildsExportIndex
    }

    /// How many reasons for skipped records a summary keeps.
    static let problemLimit = 10

    /// Writes `format` into `folder`.
    ///
    /// A record whose image cannot be read or converted is left out and counted, with its reason, in the
    /// summary; any other failure (the store, a full disk) stops the export and deletes its partial files.
    public func export(_ format: ExportFormat, to folder: URL, options: ExportOptions = ExportOptions()) throws -> ExportSummary {
        var selection = options.selection
        if format == .llava {
            selection.media = .single
        } else if selection.media == nil {
            // Inlined examples make a single-image query a multi-image record.
            selection.media = options.inContextExamples > 0 ? .any : format.defaultMedia
        }
        if buildsExportIndex { store.buildExportIndex() }
        let catalog = try MediaCatalog(store: store)
        let placer = MediaPlacer(
            runDirectory: runDirectory, imagesFolder: folder.appendingPathComponent("images"), options: options.images,
            writeFiles: writeImageFiles, catalog: catalog)
        let counter = try options.budget?.tokenizer.map { try BPETokenCounter(contentsOf: URL(fileURLWithPath: $0)) }
        var assigner = try options.splits.map { try SplitAssigner(plan: $0, store: store, selection: selection) }
        let splitNames: [String?] = options.splits?.splits.map(\.name) ?? [nil]
        let tally = DatasetTally()
        var sinks: [any FormatSink] = []
        // MIMIC-IT uses the run's stored in-context links when `stages.in_context` or `loom link` made some; the
        // multi-image formats inline them when asked.
        let linked = try store.inContextFingerprint() != nil
        let inlining = options.inContextExamples > 0
        if inlining {
            guard InContextInlining.formats.contains(format) else {
                throw LoomError(
                    .usage, "in-context examples are inlined into \(InContextInlining.formats.map(\.rawValue).sorted().joined(separator: ", ")) exports, not \(format.rawValue)",
                    subject: "export")
            }
            guard linked else {
                throw LoomError(
                    .usage, "the run has no in-context links yet: run `loom link RUN` or add stages.in_context to the recipe",
                    subject: "export")
            }
        }
        let inContext = (format == .mimicit && linked) || inlining
        if options.videos {
            guard format == .llamafactory else {
                throw LoomError(.usage, "videos are carried by llamafactory exports, not \(format.rawValue)", subject: "export")
            }
            guard !inlining else {
                throw LoomError(.usage, "videos and inlined in-context examples cannot be combined yet", subject: "export")
            }
        }
        // Only now, with every option checked (a wrong one must not cost the previous export its images), is the
        // folder cleared for this export.
        let exportFolder = try ExportFolder(claiming: folder, images: !format.embedsImages)
        let sampleVideos = options.videos ? try store.sampleVideos() : [:]
        var inlinedQueries = 0
        var counts = Array(repeating: 0, count: splitNames.count)
        var budget = BudgetCounts()
        var skippedForMedia = 0
        var problems: [String] = []
        // An imported image whose file was rewritten in place since is not carried (`KeptMediaCheck`), whether
        // its file is placed or its bytes embedded.
        let stamps = writeImageFiles || format.embedsImages ? try store.linkedMediaStamps() : [:]
        if !stamps.isEmpty {
            // Only media that records show: an image no record uses any more (its row was corrected and imported
            // again) is no reason to warn.
            // Videos are checked below, by exports that carry them.
            let images = stamps.keys.sorted().compactMap { catalog.item($0) }.filter { $0.kind != .video }
            let changed = KeptMediaCheck.changed(images, stamps: stamps, runDirectory: runDirectory)
                .filter { (try? store.isMediumShown($0.key)) ?? true }
            placer.files.refusedMedia.merge(changed) { first, _ in first }
            problems += changed.values.sorted()
        }
        if writeImageFiles && !sampleVideos.isEmpty {
            var videos = Set(sampleVideos.values).sorted().compactMap { catalog.item($0) }
            // A kept video that no longer holds its ingested bytes is not carried (`KeptMediaCheck`).
            let changed = KeptMediaCheck.changed(videos, stamps: stamps, runDirectory: runDirectory)
            placer.files.refusedMedia.merge(changed) { first, _ in first }
            problems += changed.values.sorted()
            videos.removeAll { changed[$0.id] != nil }
            // Rotated and HDR videos are carried as trainers' loaders must see them (`NormalizedVideos`).
            for copy in NormalizedVideos.copies(of: videos, runDirectory: runDirectory, problems: &problems, progress: videoProgress).values {
                catalog.substitute(copy)
            }
        }
        do {
            for split in splitNames {
                var context = try context(folder, format: format, split: split, placer: placer, options: options)
                context.inContext = inContext
                context.videos = sampleVideos
                sinks.append(try Self.sink(format, context: context, tally: tally))
            }
            // The catalog holds every medium, so sinks need no lookup into the reader's store connection.
            let noLookup: MediaLookup = { _ in nil }
            // Image files are placed on a thread of their own, ahead of this one, when every row read is written
            // with all its images. Not when images are embedded, nor when a token budget may drop a record, nor
            // when a video export refers to a video sample's video instead of its frames.
            let placesFilesAhead = writeImageFiles && !format.embedsImages && options.budget == nil && !options.videos
            let fileStage = placesFilesAhead ? MediaFileStage(files: placer.files, catalog: catalog) : nil
            placer.fileStage = fileStage
            // LLaVA and Mantis write the stored ShareGPT as it is, unless its turns are to be changed or counted.
            let copiesShareGPT = format.writesStoredShareGPT && !inlining && options.budget == nil
            let reader = RowReader(
                store: store, selection: selection, order: format == .mimicit ? .sample : .id, inContext: inContext,
                copiesShareGPT: copiesShareGPT, catalog: catalog, prepare: fileStage.map(Self.placingFiles))
            defer { reader.stop() }
            /// Writes one record (or one part of a split record); false when its media could not be placed.
            func add(_ row: borrowing ExportRow, to target: Int, recordID: String) throws -> Bool {
                do {
                    try sinks[target].add(row, media: noLookup)
                    counts[target] += 1
                    return true
                } catch let problem as UnreadableMedium {
                    skippedForMedia += 1
                    if problems.count < Self.problemLimit { problems.append("record \(recordID): \(problem.reason)") }
                    return false
                }
            }
            /// Writes one stored record, split or with examples inlined as the options say.
            func write(_ stored: borrowing ExportRow) throws {
                let target = assigner?.split(of: stored) ?? 0
                guard inlining || options.budget != nil else {
                    // The common case, with no copy of the row.
                    _ = try add(stored, to: target, recordID: stored.id)
                    return
                }
                var row = copy stored
                if inlining, let link = stored.inContext, link.isQuery, !link.examples.isEmpty {
                    // Only examples of the query's own split: an example's images must not cross splits.
                    let examples = try store.exportRows(ids: Array(link.examples.prefix(options.inContextExamples)))
                        .filter { (assigner?.split(of: $0) ?? 0) == target }
                    row = InContextInlining.inline(examples, into: stored)
                    if !examples.isEmpty { inlinedQueries += 1 }
                }
                var parts = [row]
                if let limit = options.budget {
                    switch limit.fit(row, counter: counter) {
                    case .fits: break
                    case .split(let pieces, let lost):
                        parts = pieces
                        budget.split += 1
                        budget.parts += pieces.count
                        budget.droppedExchanges += lost
                    case .dropped:
                        budget.dropped += 1
                        return
                    }
                }
                for part in parts where try !add(part, to: target, recordID: row.id) { break }
            }
            while let batch = try reader.next() {
                // Rows are borrowed from the batch's storage, not copied out of it.
                try batch.withUnsafeBufferPointer { rows in
                    for index in rows.indices { try write(rows[index]) }
                }
                reader.recycle(consume batch)
            }
            var files: [String] = []
            var writtenSplits: [(split: String?, files: [String])] = []
            for (index, (split, sink)) in zip(splitNames, sinks).enumerated() {
                let subfolder = format == .mimicit ? split.map { "\($0)/" } ?? "" : ""
                let written = try sink.finish().map { subfolder + $0 }
                // A split that got no records writes nothing: trainers and `datasets` refuse empty split files.
                if counts[index] == 0 && split != nil {
                    try Self.remove(written, in: folder)
                    if format == .mimicit, let split { try? FileManager.default.removeItem(at: folder.appendingPathComponent(split)) }
                    continue
                }
                files += written
                writtenSplits.append((split, written))
            }
            let skippedFlagged = reader.leftOutForFlags
            switch format {
            case .llamafactory:
                try LlamaFactoryDatasetInfo.write(
                    folder: folder, name: options.datasetName, files: writtenSplits.map { ($0.split, $0.files[0]) },
                    videos: options.videos)
                files.append("dataset_info.json")
            case .hf:
                try DatasetCardWriter.write(
                    DatasetCardWriter.Facts(
                        name: options.datasetName, license: options.license, splits: writtenSplits.map { $0.split ?? "train" },
                        tally: tally, images: placer.placed, leftOutForFlags: skippedFlagged, budget: budget,
                        timestamp: options.timestamp),
                    to: folder)
                files.append("README.md")
            case .trl, .mantisHF:
                try LoaderCardWriter.write(
                    format: format, name: options.datasetName,
                    files: writtenSplits.map { ($0.split ?? "train", $0.files[0]) }, to: folder)
                files.append("README.md")
            default: break
            }
            var summary = ExportSummary(
                format: format, folder: folder.path, files: files, records: counts.reduce(0, +),
                splits: zip(splitNames, counts).map { ExportSummary.SplitCount(name: $0 ?? "all", records: $1) },
                images: format.embedsImages ? placer.embedded : placer.placed, skippedFlagged: skippedFlagged, budget: budget,
                skippedForMedia: skippedForMedia, problems: problems)
            summary.inlinedQueries = inlinedQueries
            summary.videos = placer.placedVideos
            summary.warnings = try warnings(format) + Self.splitNameWarnings(format, splits: options.splits)
            let mimicit = sinks.compactMap { $0 as? MIMICITSink }
            let (withoutImages, withImages) = mimicit.reduce((0, 0)) { ($0.0 + $1.recordsWithoutImages, $0.1 + $1.recordsWithImages) }
            if withoutImages > 0 && withImages > 0 {
                // Otter stacks a batch's images: a text-only instruction among image ones fails its collate.
                summary.warnings.append(
                    "\(withoutImages) record\(withoutImages == 1 ? "" : "s") without images \(withoutImages == 1 ? "is" : "are") in this export beside \(withImages) with images: Otter's IMAGE_TEXT and VIDEO_TEXT groups cannot take a text-only instruction (its batch fails); export them apart with `--media none` for a TEXT_ONLY group of their own (a MIMIC-IT export leaves them out unless told `--media any`)")
            }
            if summary.records == 0 {
                summary.warnings.append(try emptyExportReason(format, media: selection.media ?? .any, review: selection.review ?? .any))
            }
            try exportFolder.finish(files: files)
            return summary
        } catch {
            for sink in sinks { sink.abandon() }
            exportFolder.release()
            throw error
        }
    }

    /// Why an export wrote no record, in words a user can act on: the run's records are all of the other kind of
    /// media, or the filters and flags left none.
    private func emptyExportReason(_ format: ExportFormat, media: RecordSelection.Media, review: RecordSelection.Review) throws -> String {
        let all = try store.recordCounts()
        guard all.total > 0 else { return "the run has no records yet" }
        if review == .accepted, (try store.reviewStatusCounts()[.accepted] ?? 0) == 0 {
            return "no record was written: the review has accepted no record yet (`--review accepted`)"
        }
        let single = try store.recordCounts(multiImage: false).total
        switch media {
        case .multiple where single == all.total:
            return "no record was written: every record of the run shows one image, and \(format.rawValue) takes multi-image records unless told `--media any`"
        case .single where single == 0:
            return "no record was written: every record of the run shows several images, and \(format.rawValue) takes single-image ones here (mantis takes multi-image records)"
        default:
            return "no record was written: the selection (filters, review state, flags: \(all.flagged) of \(all.total) records are flagged) left none"
        }
    }

    /// Advice about how the export's consumer will read it.
    private func warnings(_ format: ExportFormat) throws -> [String] {
        guard format == .mimicit, let links = try store.inContextFingerprint(), !links.hasPrefix("siblings|") else { return [] }
        // Otter's general loader shows every example's text with the query's image (EXPORTS.md).
        return [
            "the run's in-context links are by text or image similarity, but Otter shows each example's text with the query's image; for Otter, link the run with `loom link RUN --strategy siblings` (or export one without links)"
        ]
    }

    /// Split names a format's trainer cannot ask for: Mantis reads a Hub dataset's splits only as train, val and test
    /// (its `data.py`), so a `mantis-hf` split named `validation` could not be named in its data config.
    static func splitNameWarnings(_ format: ExportFormat, splits: SplitPlan?) -> [String] {
        let mantisNames = ["train", "val", "test"]
        guard format == .mantisHF, let names = splits?.splits.map(\.name), names.contains(where: { !mantisNames.contains($0) }) else {
            return []
        }
        let odd = names.filter { !mantisNames.contains($0) }
        return [
            "Mantis's data config reads a Hub dataset's splits only by the names train, val and test; the split\(odd.count == 1 ? "" : "s") \(odd.joined(separator: ", ")) could not be named there: name them so (e.g. --split train=0.95,val=0.05) to train Mantis on this export from the Hub"
        ]
    }

    /// The reader's preparing step that places the files of each batch's media.
    private static func placingFiles(_ stage: MediaFileStage) -> @Sendable ([ExportRow]) throws -> Void {
        { rows in try stage.placeFiles(of: rows) }
    }

    private func context(_ folder: URL, format: ExportFormat, split: String?, placer: MediaPlacer, options: ExportOptions) throws -> SinkContext {
        // MIMIC-IT's file names carry no split, so each split gets its own folder; every other format names its
        // files after the split and shares `images/` (no image is in two splits).
        guard format == .mimicit, let split else { return SinkContext(folder: folder, split: split, placer: placer, options: options) }
        let subfolder = folder.appendingPathComponent(split)
        try ExportFolder.makeFolder(subfolder)
        return SinkContext(folder: subfolder, split: split, placer: placer, options: options)
    }

    private static func sink(_ format: ExportFormat, context: SinkContext, tally: DatasetTally) throws -> any FormatSink {
        switch format {
        case .llava: try LLaVASink(context)
        case .mantis: try MantisSink(context)
        case .mantisHF: try MantisHFSink(context)
        case .mimicit: try MIMICITSink(context)
        case .llamafactory: try LlamaFactorySink(context)
        case .trl: try TRLSink(context)
        case .openai: try OpenAIChatSink(context)
        case .webdataset: try WebDatasetSink(context)
        case .hf: try HFFolderSink(context, tally: tally)
        }
    }

    /// Whether `folder` holds a finished export, all of whose files are there (`ExportFolder`): false while an
    /// export is under way there, after one was interrupted, and when a file it wrote is gone.
    public static func holdsFinishedExport(_ folder: URL) -> Bool { ExportFolder.holdsFinishedExport(folder) }

    private static func remove(_ files: [String], in folder: URL) throws {
        for file in files {
            do {
                try FileManager.default.removeItem(at: folder.appendingPathComponent(file))
            } catch {
                throw LoomError(.export, "cannot remove an empty split's file: \(error.localizedDescription)", subject: file)
            }
        }
    }

}
