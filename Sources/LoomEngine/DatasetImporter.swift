import Foundation
import LoomCore
import LoomIngest
import LoomMedia
import LoomQuality
import LoomRecipe
import LoomStore

/// What `loom import` did.
public struct ImportSummary: Sendable, Codable {
    public var output: String
    public var rows: Int
    public var records: Int
    public var images: Int
    /// Rows left out, with their reasons in the run's rejections (`loom status`).
    public var rejected: Int
    public var firstProblems: [String]
    /// Rows imported without their system prompt (Loom's records carry none).
    public var systemPromptsLeftOut = 0
    /// Records an earlier import of the same file wrote for rows it no longer holds (or no longer imports), removed
    /// with their review and quality state.
    public var staleRecordsRemoved = 0
    /// Rows whose content changed since an earlier import of the file wrote them under the same id (their own
    /// `rec-` id): the new content replaced the old, and its review starts over (the old review is filed away).
    public var changedRecords = 0
    /// Rows imported before, unchanged in the file, whose records a reviewer corrected since: kept as corrected.
    public var correctionsKept = 0
    /// Rows whose records an earlier import stored as they are: left as they were, with their quality flags.
    public var unchangedRecords = 0
    /// Images that no record shows any more (their rows removed, or changed to show others): taken out of the run
    /// (its `media/` copy deleted; the user's file stays).
    public var mediaRemoved = 0
}

/// Reads a training file in a format Loom writes (LLaVA, Mantis, LLaMA-Factory sharegpt) into a run directory,
/// so an existing dataset can go through the quality checks, review and any export.
///
/// Images are decoded whole (a cut file is rejected), then stored by content (SHA-256) under `media/`, the file a
/// symbolic link names hard-linked where the filesystem allows; records keep
/// the file's Loom ids (`rec-…`) so a Loom export imported back has the same ids, and otherwise get ids derived
/// from the file name and the row's content (`ImportedRowKey`). Rows that cannot be used are recorded as
/// rejections with the reason and the import goes on. Importing the same file again writes the same records;
/// importing a corrected file again leaves the run holding what the file holds: records of rows no longer in it
/// are removed, rejections of rows now imported go, and a row's review state stays with its content (a changed
/// row starts unreviewed; a row a reviewer corrected in the run since, unchanged in the file, keeps the
/// correction).
public struct DatasetImporter: Sendable {
    public typealias Format = TrainingFileRow.Format

    public var file: URL
    public var format: Format
    /// The folder image paths are relative to (LLaVA's `--image_folder`); nil means the file's folder.
    public var imageRoot: URL?
    public var output: URL
    public var domain: Domain
    public var language: String

    public init(file: URL, format: Format = .auto, imageRoot: URL? = nil, output: URL, domain: Domain = "imported", language: String = "en") {
        self.file = file
        self.format = format
        self.imageRoot = imageRoot
        self.output = output
        self.domain = domain
        self.language = language
    }

    static let stage = "import"
    /// Meta key: the paths of the files imported into the run, in the order they first were (JSON).
    static let sourcesKey = "import_sources"
    /// Meta key: the path of the file imported last, as given.
    static let lastSourceKey = "import_source"
    /// Meta key: "1" when every record imported into the run names its file alone in its template (see `run`).
    static let templatesBySourceKey = "import_templates_by_source"
    /// Meta key: "1" while the clean-up of samples and images no record shows is due (set before records are
    /// removed or replaced, cleared once the clean-up is committed).
    static let cleanupKey = "import_cleanup_due"
    static let batchSize = 512

    public func run() throws -> ImportSummary {
        let manager = FileManager.default
        // The file is opened before the run directory is made: a wrong path or a file that is no dataset leaves
        // nothing behind (and an existing run untouched).
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: file.path, isDirectory: &isFolder), !isFolder.boolValue, manager.isReadableFile(atPath: file.path) else {
            throw LoomError(.usage, isFolder.boolValue ? "this is a folder, not a training file" : "no readable file here", subject: file.path)
        }
        let table: DatasetTable
        do {
            table = try DatasetTable(file: file.path)
        } catch let error as IngestFileError {
            throw LoomError(.usage, error.reason, subject: file.path)
        }
        do {
            try manager.createDirectory(at: output.appendingPathComponent(SampleWorker.mediaFolder), withIntermediateDirectories: true)
        } catch {
            throw LoomError(.io, "cannot create the run directory: \(FileErrorReason.reason(creating: output, error: error))", subject: output.path)
        }
        // The run lock (`RunLock`) keeps a run, an import or another mix from writing here at the same time.
        let lock = try RunLock.acquire(in: output)
        defer { withExtendedLifetime(lock) {} }
        let store = try RunStore(directory: output)
        // Every file imported into the run, by path. Row ids come from the file's name and the row's content, so
        // that importing a file again replaces its rows; a second file of the same name from another folder
        // (`splitA/train.json`, `splitB/train.json`) takes its path into its ids instead, or its rows would replace
        // the first file's.
        let path = file.standardizedFileURL.path
        var sources = (try store.meta(Self.sourcesKey)).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
        // A Loom from before this list kept only the last file imported.
        if sources.isEmpty, let last = try store.meta(Self.lastSourceKey) {
            sources = [URL(fileURLWithPath: last).standardizedFileURL.path]
        }
        // Records name the file they came from in their provenance's template: its name, or its path for a second
        // file of the same name. An earlier Loom gave both files the name, so in a run it made, a file's records
        // are known by their template only when no other file of the run has the same name.
        // (A run with no import yet qualifies whatever else it holds: a recipe's run, a mix.)
        let templatesBySource = try store.meta(Self.templatesBySourceKey) == "1"
            || (sources.isEmpty && !store.hasRecords(generator: ValidationSettings.importedGenerator))
        // Only a file imported here before has records here to match, replace or remove: records of another run's
        // file of the same name (brought in by `loom mix`) are not this file's.
        let importedBefore = sources.contains(path)
        if !importedBefore { sources.append(path) }
        let fileName = file.lastPathComponent
        let nameTakenBefore = sources.prefix { $0 != path }.contains { URL(fileURLWithPath: $0).lastPathComponent == fileName }
        let nameShared = sources.filter { URL(fileURLWithPath: $0).lastPathComponent == fileName }.count > 1
        let idSource = nameTakenBefore ? path : fileName
        let sourcesJSON = String(decoding: try JSONEncoder().encode(sources), as: UTF8.self)
        var meta = [
            RunDirectory.Key.recipeName: "import", Self.lastSourceKey: file.path, Self.sourcesKey: sourcesJSON,
            Self.templatesBySourceKey: templatesBySource ? "1" : "0",
        ]
        // A run an earlier Loom imported into may hold samples and images no record shows: cleaned up once.
        if try store.meta(Self.cleanupKey) == nil { meta[Self.cleanupKey] = sources.count > 1 || importedBefore ? "1" : "" }
        try store.commit([StoreWrite.meta(meta)])
        var qualityOutdated = false
        /// Called before the first write that changes the run's records. The quality stage then runs again over all
        /// of them (its stamp is the settings and the record count, which a corrected file of as many rows leaves as
        /// it was) and hashes them again for dedup: the band keys go first, so that a kill between the two leaves no
        /// stamp over stale keys. A file imported again unchanged changes nothing, and keeps the quality stage's
        /// results.
        func outdateQuality() throws {
            guard !qualityOutdated else { return }
            try store.clearSignatures()
            try store.commit([StoreWrite.meta([QualityStage.Key.settings: ""])])
            qualityOutdated = true
        }
        /// Called before a write that can leave samples or images no record shows (records removed, or replaced
        /// with content that shows other images): the clean-up at the end is marked as due in a commit before it,
        /// so that a kill before the clean-up is done leaves it to the next import.
        var cleanupMarked = false
        func markCleanupDue() throws {
            guard !cleanupMarked else { return }
            try store.commit([StoreWrite.meta([Self.cleanupKey: "1"])])
            cleanupMarked = true
        }
        let root = imageRoot ?? file.deletingLastPathComponent()

        var pending = StoreWrite()
        // Each image path read so far: the medium, and whether this import put its file under `media/`.
        var media: [String: (item: MediaItem, created: Bool)] = [:]
        // The stamps of media whose file is a link to the user's, by id: a rejected row may have linked the file
        // that a kept row shows under another path.
        var stampByID: [String: LinkedMediumStamp] = [:]
        var mediaStored: Set<String> = []
        /// Deletes the files this import put under `media/` for rows it then rejected, that no kept row shows.
        func removeRejectedRowsFiles() {
            for imported in media.values where imported.created && !mediaStored.contains(imported.item.id) {
                try? FileManager.default.removeItem(at: output.appendingPathComponent(imported.item.path))
            }
        }
        // Samples written by this import or stored before it: rows that show the same images share one sample.
        var samplesWritten: Set<String> = []
        // A run made by an older Loom with two files of this name cannot tell their records apart: nothing is
        // removed there (rows still find their records, by id or by content).
        let attributable = templatesBySource || !nameShared
        var matcher = try ImportedRecordMatcher(store: store, idSource: idSource, importedBefore: importedBefore)
        var summary = ImportSummary(output: output.path, rows: 0, records: 0, images: 0, rejected: 0, firstProblems: [])
        // Subjects name the file ("train.json:12"); a second file of the same name names its path, so that
        // re-importing one of them never touches the other's rejections.
        let subjectName = idSource
        var rejectedSubjects: [String: Set<String>] = [:]
        func reject(_ subject: String, _ kind: RejectionKind, _ reason: String) {
            let subject = subjectName == fileName ? subject : subjectName + subject.dropFirst(fileName.count)
            rejectedSubjects[subject, default: []].insert(kind.rawValue)
            pending.rejections.append(Rejection(subject: subject, stage: Self.stage, category: kind.rawValue, reason: reason))
            summary.rejected += 1
            if summary.firstProblems.count < 10 { summary.firstProblems.append("\(subject): \(reason)") }
        }
        func flush() throws {
            if !pending.records.isEmpty { try outdateQuality() }
            if !pending.resetRecords.isEmpty { try markCleanupDue() }
            try store.commit([pending])
            pending = StoreWrite()
        }
        do {
            try table.forEachRow({ subject, index, members in
                summary.rows += 1
                let row: TrainingFileRow
                do {
                    row = try TrainingFileRow(members, format: format)
                } catch let problem as TrainingFileRow.Problem {
                    return reject(subject, .badDatasetRow, problem.reason)
                }
                if row.hadSystemPrompt { summary.systemPromptsLeftOut += 1 }
                var items: [MediaItem] = []
                for path in row.images {
                    if let known = media[path] {
                        items.append(known.item)
                        continue
                    }
                    do {
                        let imported = try importImage(path, root: root)
                        media[path] = (imported.item, imported.created)
                        if let linked = imported.linked { stampByID[imported.item.id] = linked }
                        items.append(imported.item)
                    } catch let problem as ImageProblem {
                        return reject("\(subject) image \(path)", problem.kind, problem.reason)
                    }
                }
                // Stored with the first row that is kept: a rejected row's images are not the run's.
                for item in items where mediaStored.insert(item.id).inserted {
                    pending.media.append(item)
                    if let linked = stampByID[item.id] { pending.linkedMedia.append(linked) }
                }
                let kind: SampleKind = items.count <= 1 ? .single : items.count == 2 ? .pair : .set
                let sampleID = StableID.derive("smp", ["import"] + items.map(\.id))
                let key = ImportedRowKey.of(media: items.map(\.id), turns: row.turns)
                let id = matcher.id(own: row.id, key: key, row: index)
                var record = Record(
                    id: id, sampleID: sampleID, media: items.map(\.id), turns: row.turns, type: row.questionType, domain: domain,
                    skill: nil, language: language, options: nil, answerKey: nil, checks: [],
                    provenance: Provenance(generator: ValidationSettings.importedGenerator, template: idSource, phrasing: 0, seed: 0))
                summary.records += 1
                switch try matcher.match(id, key: key, store: store) {
                case .new:
                    break
                case .same:
                    // Stored as the row says (its quality flags aside): left as it is, flags and all.
                    if var stored = try store.record(id: id) {
                        // Made by the run (a Loom export imported into its own run): its answer key, checks and
                        // domain are more than the file carries.
                        if stored.provenance.generator != ValidationSettings.importedGenerator {
                            summary.unchangedRecords += 1
                            return
                        }
                        stored.flags = []
                        if stored == record {
                            summary.unchangedRecords += 1
                            return
                        }
                        // Its conversation is not what came in any more: a reviewer corrected it since this import
                        // started (the review app works beside an import). The correction stays.
                        if ImportedRowKey.of(media: stored.media, turns: stored.turns) != key {
                            summary.correctionsKept += 1
                            return
                        }
                    }
                case .corrected:
                    // The run holds a reviewer's correction of what the row holds (or the correction itself, a Loom
                    // export imported back): it stays, under its review, taking only another domain or language.
                    summary.correctionsKept += 1
                    guard var stored = try store.record(id: id), stored.provenance.generator == ValidationSettings.importedGenerator,
                        stored.domain != domain || stored.language != language
                    else { return }
                    stored.domain = domain
                    stored.language = language
                    stored.flags = []
                    record = stored
                case .changed:
                    pending.resetRecords.append(id)
                    summary.changedRecords += 1
                }
                if samplesWritten.insert(record.sampleID).inserted, try store.sample(id: record.sampleID) == nil {
                    // Ordinal 0: an import's samples have no order of their own, and a position would differ between
                    // a re-import and a fresh import of the same file once rows are deleted or inserted.
                    pending.samples.append(
                        Sample(id: sampleID, kind: kind, ordinal: 0, media: items.map(\.id), truth: .described(DescribedContext(kind: kind, origin: "import"))))
                }
                pending.records.append(record)
                if pending.records.count >= Self.batchSize { try flush() }
            }, rejected: { rejection in reject(rejection.subject, rejection.kind, rejection.reason) })
        } catch let error as IngestFileError {
            try flush()
            removeRejectedRowsFiles()
            // The rows before the break are in the run; importing the mended file again replaces them (same ids).
            throw LoomError(
                .usage,
                "\(error.reason); the \(summary.records) rows before it were imported, unchecked. Mend the file and import it again: its rows replace these",
                subject: file.path)
        }
        try flush()
        removeRejectedRowsFiles()
        summary.images = mediaStored.count
        guard summary.records > 0 else {
            // Nothing usable: an empty file, or one of another shape (a pretty-printed .jsonl, whose every line is a
            // fragment). Not a success.
            let first = summary.firstProblems.first.map { "; the first: \($0)" } ?? ""
            throw LoomError(
                .usage,
                summary.rows == 0 && summary.rejected == 0
                    ? "the file holds no rows"
                    : "no row could be imported (\(summary.rejected) left out\(first))"
                        + (file.pathExtension.lowercased() == "jsonl" ? "; a .jsonl file needs one JSON object per line" : ""),
                subject: file.path)
        }
        // The whole file was read: what an earlier import of it left that this one did not write goes.
        if importedBefore && attributable {
            let stale = matcher.untakenStoredIDs
            if !stale.isEmpty {
                try outdateQuality()
                try markCleanupDue()
            }
            summary.staleRecordsRemoved = try store.removeRecords(stale)
            try store.removeRejections(stage: Self.stage, keeping: rejectedSubjects) { subject in
                subject.hasPrefix(subjectName + ":") || subject.hasPrefix(subjectName + "[")
            }
        }
        // Samples and images that no record shows any more (rows removed, or changed to show other images) go,
        // as this import's earlier writes or an import killed before its clean-up left them due: the run then
        // holds what an import of the file into a new run would.
        if try store.meta(Self.cleanupKey) == "1" {
            try store.removeSamplesWithoutRecords(describedOrigin: "import")
            for medium in try store.removeUnreferencedMedia() where medium.path.hasPrefix(SampleWorker.mediaFolder + "/") {
                // The run's copy (a hard link to the user's file, most often): the user's file stays.
                try? FileManager.default.removeItem(at: output.appendingPathComponent(medium.path))
                summary.mediaRemoved += 1
            }
            try store.commit([StoreWrite.meta([Self.cleanupKey: ""])])
        }
        return summary
    }

    struct ImageProblem: Error {
        var kind: RejectionKind
        var reason: String
    }

    /// Stores one image by content, checking that it is one: the whole file decodes (a truncated JPEG's header
    /// alone would, and a trainer's loader would then crash on it).
    /// - Returns: the medium; its stamp when its file is a link to the user's (the latest); whether this call put
    ///   its file under `media/`.
    private func importImage(_ path: String, root: URL) throws -> (item: MediaItem, linked: LinkedMediumStamp?, created: Bool) {
        let named = path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
        // A hard link to a symbolic link is a link to the link: from `media/`, a relative target points nowhere.
        let source = named.resolvingSymlinksInPath()
        guard let data = FileManager.default.contents(atPath: source.path) else {
            throw ImageProblem(kind: .missingFile, reason: "\(named.path) is missing or unreadable")
        }
        let bytes = [UInt8](data)
        let info: ImageInfo
        do {
            // Decoded small (JPEG's DCT scaling): every byte is still read, so a cut or damaged file is found.
            // Up to a gigapixel (a scan, a panorama): decoded reduced, it is never held at full size.
            info = try ImageDecoder.decode(bytes, maxPixels: 1_000_000_000, minimumLongestSide: 64, colorProfile: .leaveToCaller).info
        } catch let error as ImageDecodeError {
            throw ImageProblem(kind: error.kind, reason: "\(named.path): \(error.reason)")
        }
        let id = StableID.sha256Hex(bytes)
        let format = info.format.rawValue
        let relative = "\(SampleWorker.mediaFolder)/\(id).\(format == "jpeg" ? "jpg" : format)"
        let target = output.appendingPathComponent(relative)
        var linked: LinkedMediumStamp?
        var created = false
        if let stamp = Self.sharedStamp(of: source.path, and: target.path) {
            // Linked by an earlier import (one made before stamps were kept, or the file touched since): its bytes
            // were just read and are the id's, so its stamp now is what an export compares.
            linked = LinkedMediumStamp(mediaID: id, size: stamp.size, modified: stamp.modified)
        } else if !FileManager.default.fileExists(atPath: target.path) {
            if link(source.path, target.path) == 0 {
                // The user's file and the run's copy are one: its stamp now is what an export compares.
                linked = SourcePath(target.path).stamp().map { LinkedMediumStamp(mediaID: id, size: $0.size, modified: $0.modified) }
                created = true
            } else if errno != EEXIST {
                do {
                    try data.write(to: target, options: .atomic)
                    created = true
                } catch {
                    throw LoomError(.io, "cannot write: \(FileErrorReason.reason(error))", subject: target.path)
                }
            }
        }
        return (MediaItem(id: id, kind: .image, path: relative, format: format, width: info.width, height: info.height), linked, created)
    }
}

extension DatasetImporter {
    /// The stamp of `target` when it is the same file as `source` (a hard link), else nil.
    static func sharedStamp(of source: String, and target: String) -> (size: Int64, modified: Int64)? {
        var first = stat(), second = stat()
        guard stat(source, &first) == 0, stat(target, &second) == 0, first.st_dev == second.st_dev, first.st_ino == second.st_ino else {
            return nil
        }
        return (Int64(second.st_size), Int64(second.st_mtim.tv_sec) * 1_000_000_000 + Int64(second.st_mtim.tv_nsec))
    }

    /// Runs the quality stage (validators, dedup, balance) over everything in the run directory, as `loom run`
    /// would after its model stages; imported records carry no ground truth, so the checks that need it skip them.
    public static func checkQuality(
        of directory: URL, settings: QualitySettings = QualitySettings(), seed: UInt64 = 0
    ) async throws -> (summary: QualitySummary, records: Int, flagged: Int) {
        let run = try RunDirectory(existing: directory)
        let workers = CPUWorkers()
        do {
            let summary = try await QualityStage(settings: settings, seed: seed, store: run.store, workers: workers, observer: nil).run()
            try await workers.shutdown()
            let counts = try run.store.recordCounts()
            return (summary, counts.total, counts.flagged)
        } catch {
            try? await workers.shutdown()
            throw error
        }
    }
}
