import Foundation
import GRDB
import LoomCore
import LoomEngine
@testable import LoomStore
import Testing

/// A file imported again, after any change, leaves the run holding what an import of the file into a new run
/// would; what reviewers did stays with the content it was done on.
@Suite("Import again equals a fresh import")
struct ImportReimportTests {
    private static func row(_ image: String?, _ answer: String, id: String? = nil) -> String {
        let own = id.map { #""id": "\#($0)", "# } ?? ""
        let picture = image.map { #""image": "\#($0)", "# } ?? ""
        let question = image == nil ? "What shade?" : "<image>\\nWhat shade?"
        return #"{\#(own)\#(picture)"conversations": [{"from": "human", "value": "\#(question)"}, {"from": "gpt", "value": "\#(answer)"}]}"#
    }

    /// The content hash of `rows` imported into a new run, from a copy of the images in a folder of its own.
    private static func freshHash(_ rows: [String], images folder: URL) async throws -> String {
        let copy = folder.appendingPathComponent("fresh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for name in ["a.png", "b.png"] {
            try FileManager.default.copyItem(at: folder.appendingPathComponent(name), to: copy.appendingPathComponent(name))
        }
        try rows.joined(separator: "\n").write(to: copy.appendingPathComponent("rows.jsonl"), atomically: true, encoding: .utf8)
        let run = copy.appendingPathComponent("run")
        _ = try DatasetImporter(file: copy.appendingPathComponent("rows.jsonl"), output: run).run()
        _ = try await DatasetImporter.checkQuality(of: run)
        return try RunStore(directory: run).contentHash()
    }

    /// A scratch folder holding `a.png` and `b.png`, the `rows.jsonl` to write rows to, and the run to import into.
    private static func scratch() throws -> (folder: URL, file: URL, run: URL) {
        let folder = try ImportRoundTripTests.folderWithTwoGreyImages()
        return (folder, folder.appendingPathComponent("rows.jsonl"), folder.appendingPathComponent("run"))
    }

    /// A scratch folder with `splitA/train.jsonl` and `splitB/train.jsonl` (two rows each), both imported into
    /// its `run`.
    private static func twoFilesOfOneName() throws -> (folder: URL, run: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-import-splits-\(UUID().uuidString)")
        for split in ["splitA", "splitB"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(split), withIntermediateDirectories: true)
            try [row(nil, "\(split) one."), row(nil, "\(split) two.")].joined(separator: "\n")
                .write(to: folder.appendingPathComponent("\(split)/train.jsonl"), atomically: true, encoding: .utf8)
        }
        let run = folder.appendingPathComponent("run")
        for split in ["splitA", "splitB"] {
            _ = try DatasetImporter(file: folder.appendingPathComponent("\(split)/train.jsonl"), output: run).run()
        }
        return (folder, run)
    }

    private static func importAgain(_ rows: [String], into run: URL, file: URL) async throws -> ImportSummary {
        try rows.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let summary = try DatasetImporter(file: file, output: run).run()
        _ = try await DatasetImporter.checkQuality(of: run)
        return summary
    }

    @Test("deleting a row before an image's row, or pointing a row with its own id at another image, ends as a fresh import does")
    func reimportEqualsFreshImport() async throws {
        let (folder, file, run) = try Self.scratch()
        _ = try await Self.importAgain(
            [Self.row("b.png", "Dark."), Self.row("a.png", "Light."), Self.row("a.png", "Pale.", id: "rec-00000000000000000001")],
            into: run, file: file)

        let deleted = [Self.row("a.png", "Light."), Self.row("a.png", "Pale.", id: "rec-00000000000000000001")]
        let first = try await Self.importAgain(deleted, into: run, file: file)
        #expect(first.staleRecordsRemoved == 1 && first.mediaRemoved == 1)
        let freshDeleted = try await Self.freshHash(deleted, images: folder)
        #expect(try RunStore(directory: run).contentHash() == freshDeleted)

        let repointed = [Self.row("a.png", "Light."), Self.row("b.png", "Pale.", id: "rec-00000000000000000001")]
        let second = try await Self.importAgain(repointed, into: run, file: file)
        #expect(second.changedRecords == 1 && second.staleRecordsRemoved == 0)
        let store = try RunStore(directory: run)
        #expect(try store.contentDigestMismatches().isEmpty)
        let freshRepointed = try await Self.freshHash(repointed, images: folder)
        #expect(try store.contentHash() == freshRepointed)
    }

    @Test("a reviewer's correction imported back (a Loom export of the run, its ids kept) keeps its review")
    func correctionImportedBackKeepsReview() async throws {
        let (_, file, run) = try Self.scratch()
        let id = "rec-00000000000000000007"
        _ = try await Self.importAgain([Self.row(nil, "No.", id: id)], into: run, file: file)
        let store = try RunStore(directory: run)
        var record = try #require(try store.record(id: id))
        record.turns[1].text = "Yes."
        try store.saveRecordVersion(record, author: "ann", note: "wrong", seenVersion: 1, now: 1)

        // The corrected text, as an export of the run would give it, imported with another domain.
        try [Self.row(nil, "Yes.", id: id)].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let again = try DatasetImporter(file: file, output: run, domain: "shades").run()
        #expect(again.correctionsKept == 1 && again.changedRecords == 0)
        #expect(try store.reviewState(recordID: id)?.version == 2 && store.recordVersions(id).count == 2)
        let kept = try #require(try store.record(id: id))
        #expect(kept.turns[1].text == "Yes." && kept.domain == "shades")

        // Another answer in the file: the file wins, and the review starts over.
        try [Self.row(nil, "Maybe.", id: id)].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let changed = try DatasetImporter(file: file, output: run).run()
        #expect(changed.changedRecords == 1)
        #expect(try store.record(id: id)?.turns[1].text == "Maybe." && store.recordVersions(id).isEmpty)
        #expect(try store.reviewState(recordID: id)?.version ?? 1 == 1)
    }

    @Test("a changed row's review, verdict and ledger rows go in the commit that writes its new content")
    func changedRowLosesItsJudgements() throws {
        let (_, file, run) = try Self.scratch()
        let id = "rec-00000000000000000003"
        try Self.row(nil, "No.", id: id).write(to: file, atomically: true, encoding: .utf8)
        _ = try DatasetImporter(file: file, output: run).run()
        let store = try RunStore(directory: run)
        try store.write { db in
            try db.execute(sql: "INSERT INTO review_states(record_id, status, version, passes, updated_at) VALUES (?, 'accepted', 1, 1, 0)", arguments: [id])
            try db.execute(sql: "INSERT INTO ledger(item, stage, status, attempts, updated_at) VALUES (?, 'verify', 'done', 1, 0)", arguments: [id])
        }
        try Self.row(nil, "Yes.", id: id).write(to: file, atomically: true, encoding: .utf8)
        #expect(try DatasetImporter(file: file, output: run).run().changedRecords == 1)
        let left = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM review_states WHERE record_id = ?1) + (SELECT COUNT(*) FROM ledger WHERE item = ?1)", arguments: [id])
        }
        #expect(left == 0)
    }

    @Test("the clean-up spares an image a run ingested, and one an import killed before its clean-up left is done by the next")
    func cleanupSparesIngestedImagesAndResumes() throws {
        let (folder, file, run) = try Self.scratch()
        try [Self.row("a.png", "Light."), Self.row("b.png", "Dark.")].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        _ = try DatasetImporter(file: file, output: run).run()
        let store = try RunStore(directory: run)
        // A photo `loom run` ingested, whose samples are not made yet.
        let photo = MediaItem(id: String(repeating: "c", count: 64), kind: .image, path: "media/photo.jpg", format: "jpeg", width: 8, height: 8)
        let ingested = IngestedImage(
            id: photo.id, ordinal: 0, sourcePath: "/photos/c.jpg", origin: "folder", format: "jpeg", width: 8, height: 8,
            perceptualHash: 1, duplicateOf: nil, thumbnail: "thumbs/c.jpg", annotations: ImageAnnotations())
        try store.commit([StoreWrite(media: [photo], images: [ingested])])
        // An import killed after it removed the row of b.png, before its clean-up.
        let bImage = try StableID.sha256Hex(fileAt: folder.appendingPathComponent("b.png").path)
        let bRecord = try #require(try store.read { db in try String.fetchOne(db, sql: "SELECT id FROM records WHERE media_ids = ?", arguments: [bImage]) })
        try store.removeRecords([bRecord])
        try store.commit([StoreWrite.meta(["import_cleanup_due": "1"])])

        try Self.row("a.png", "Light.").write(to: file, atomically: true, encoding: .utf8)
        let again = try DatasetImporter(file: file, output: run).run()
        #expect(again.mediaRemoved == 1 && again.unchangedRecords == 1)
        #expect(try store.media(id: photo.id) != nil)
        #expect(try store.meta("import_cleanup_due") == "")
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("media").path).count == 1)
    }

    @Test("in a run an older Loom made with two files of one name, importing one again adds nothing")
    func olderRunWithSharedNameDoesNotDuplicate() throws {
        let (folder, run) = try Self.twoFilesOfOneName()
        let store = try RunStore(directory: run)
        // As an older Loom left it: records not told apart by file.
        try store.commit([StoreWrite.meta(["import_templates_by_source": "0"])])
        let before = try store.recordCounts().total
        for _ in 0..<2 {
            _ = try DatasetImporter(file: folder.appendingPathComponent("splitA/train.jsonl"), output: run).run()
            _ = try DatasetImporter(file: folder.appendingPathComponent("splitB/train.jsonl"), output: run).run()
        }
        #expect(try store.recordCounts().total == before)
    }

    @Test("a row copied without its id beside the row that names it gets a record of its own, as in a fresh import")
    func copiedRowWithoutIDIsItsOwnRecord() async throws {
        let (folder, file, run) = try Self.scratch()
        let id = "rec-00000000000000000005"
        _ = try await Self.importAgain([Self.row("a.png", "Light.", id: id)], into: run, file: file)
        let both = [Self.row("a.png", "Light.", id: id), Self.row("a.png", "Light.")]
        let again = try await Self.importAgain(both, into: run, file: file)
        #expect(again.records == 2 && again.unchangedRecords == 1)
        #expect(try RunStore(directory: run).recordCounts().total == 2)
        let fresh = try await Self.freshHash(both, images: folder)
        #expect(try RunStore(directory: run).contentHash() == fresh)
    }

    @Test("a rejected row's images are not the run's: an unchanged file imported again equals a fresh import")
    func rejectedRowsImagesStayOut() async throws {
        let (folder, file, run) = try Self.scratch()
        let rows = [
            Self.row("b.png", "Dark."),
            #"{"images": ["a.png", "missing.png"], "conversations": [{"from": "human", "value": "<image>\n<image>\nCompare."}, {"from": "gpt", "value": "Same."}]}"#,
        ]
        let first = try await Self.importAgain(rows, into: run, file: file)
        #expect(first.rejected == 1 && first.images == 1)
        let store = try RunStore(directory: run)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM media") } == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("media").path).count == 1)
        _ = try await Self.importAgain(rows, into: run, file: file)
        let fresh = try await Self.freshHash(rows, images: folder)
        #expect(try store.contentHash() == fresh)
    }

    @Test("a file imported into a run for the first time takes away none of the records another run's file of its name brought (loom mix)")
    func firstImportRemovesNothing() throws {
        let (_, file, run) = try Self.scratch()
        let store = try RunStore(directory: run)
        // A record another run imported from its own rows.jsonl, mixed into this one.
        let sample = Sample(id: "smp-mixed", kind: .single, ordinal: 0, media: [], truth: .described(DescribedContext(kind: .single, origin: "import")))
        let mixed = Record(
            id: "rec-mixed", sampleID: sample.id, media: [], turns: [Turn(role: .user, text: "Is it dark?"), Turn(role: .assistant, text: "Yes.")],
            type: .judgement, domain: "imported", skill: nil, language: "en", options: nil, answerKey: nil, checks: [],
            provenance: Provenance(generator: "import", template: "rows.jsonl", phrasing: 0, seed: 0))
        try store.commit([StoreWrite(samples: [sample], records: [mixed])])
        try Self.row("a.png", "Light.").write(to: file, atomically: true, encoding: .utf8)
        let imported = try DatasetImporter(file: file, output: run).run()
        #expect(imported.staleRecordsRemoved == 0 && imported.records == 1)
        #expect(try store.record(id: "rec-mixed") != nil && store.recordCounts().total == 2)
    }

    @Test("in a run an older Loom made with two files of one name, rows find their position-id records by content: no review moves, nothing is removed")
    func positionIDsDoNotCarryReviewsToOtherContent() throws {
        let (folder, run) = try Self.twoFilesOfOneName()
        let fileA = folder.appendingPathComponent("splitA/train.jsonl")
        let store = try RunStore(directory: run)
        // What an older Loom left: file A's rows under position ids, the run's records not told apart by file.
        let records = try store.recordIDs(generator: "import", template: "train.jsonl").map { try #require(try store.record(id: $0)) }
        var older: [LoomCore.Record] = []
        for (index, answer) in ["splitA one.", "splitA two."].enumerated() {
            var record = try #require(records.first { $0.turns[1].text == answer })
            record.id = StableID.derive("rec", "import", "train.jsonl", String(index))
            older.append(record)
        }
        let sampleID = try #require(older.first).sampleID
        let sample = try #require(try store.sample(id: sampleID))
        try store.removeRecords(records.map(\.id))
        try store.commit([StoreWrite(samples: [sample], records: older), StoreWrite.meta(["import_templates_by_source": "0"])])
        try store.write { db in
            try db.execute(
                sql: "INSERT INTO review_passes(record_id, pass, reviewer, verdict, version, created_at) VALUES (?, 1, 'ann', 'accept', 1, 0)",
                arguments: [older[1].id])
        }
        let total = try store.recordCounts().total
        // The first row deleted: the second keeps its record and review; the first row's record stays.
        try Self.row(nil, "splitA two.").write(to: fileA, atomically: true, encoding: .utf8)
        let again = try DatasetImporter(file: fileA, output: run).run()
        #expect(again.changedRecords == 0 && again.staleRecordsRemoved == 0 && again.unchangedRecords == 1)
        #expect(try store.record(id: older[1].id)?.turns[1].text == "splitA two." && store.reviewPasses(recordID: older[1].id).count == 1)
        #expect(try store.record(id: older[0].id)?.turns[1].text == "splitA one." && store.recordCounts().total == total)
    }

    @Test("a run's own records imported back unchanged (a Loom export of the run) keep their answer keys, checks and domain")
    func ownRecordsImportedBackStayAsMade() throws {
        let folder = try ImportRoundTripTests.folderWithTwoGreyImages()
        let run = folder.appendingPathComponent("run")
        let store = try RunStore(directory: run)
        let sample = Sample(id: "smp-made", kind: .single, ordinal: 0, media: [], truth: .described(DescribedContext(kind: .single, origin: "syphus")))
        let made = Record(
            id: "rec-00000000000000000042", sampleID: sample.id, media: [],
            turns: [Turn(role: .user, text: "Are there two cubes?"), Turn(role: .assistant, text: "Yes")],
            type: .judgement, domain: "counting", skill: nil, language: "en", options: nil, answerKey: "yes", checks: [],
            provenance: Provenance(generator: "templates", template: "counting.count", phrasing: 2, seed: 7))
        try store.commit([StoreWrite(samples: [sample], records: [made])])
        let file = folder.appendingPathComponent("export.jsonl")
        try #"{"id": "rec-00000000000000000042", "conversations": [{"from": "human", "value": "Are there two cubes?"}, {"from": "gpt", "value": "Yes"}]}"#
            .write(to: file, atomically: true, encoding: .utf8)
        let imported = try DatasetImporter(file: file, output: run).run()
        #expect(imported.unchangedRecords == 1 && imported.changedRecords == 0)
        #expect(try store.record(id: made.id) == made)
    }
}
