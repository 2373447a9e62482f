import Foundation
import GRDB
import LoomCore
import Testing

@testable import LoomStore

@Suite("The content digests a store keeps as it writes")
struct ContentDigestsTests {
    private func scene(_ objects: Int) -> SceneTruth {
        SceneTruth(width: 64, height: 64, background: .plain, backgroundName: "plain \(objects)", objects: [], labels: [])
    }

    private func record(_ n: Int, answer: String = "a", skill: Skill? = nil) -> LoomCore.Record {
        Record(
            id: "rec-\(n)", sampleID: "smp-\(n)", media: ["m\(n)"],
            turns: [Turn(role: .user, text: "<image>\nq\(n)"), Turn(role: .assistant, text: answer)], type: .shortVQA,
            domain: "counting", skill: skill, language: "en", options: nil, answerKey: nil, checks: [],
            provenance: Provenance(generator: "t", template: "t", phrasing: 0, seed: 1), flags: [])
    }

    private func write(_ n: Int, answer: String = "a", background: Int = 0, path: String? = nil) -> StoreWrite {
        StoreWrite(
            media: [MediaItem(id: "m\(n)", kind: .image, path: path ?? "media/m\(n).png", format: "png", width: 64, height: 64)],
            samples: [Sample(id: "smp-\(n)", kind: .single, ordinal: n, media: ["m\(n)"], truth: .single(scene(background)))],
            records: [record(n, answer: answer, skill: n.isMultiple(of: 2) ? .coreference : nil)],
            ledger: [LedgerEntry(item: "smp-\(n)", stage: "render", status: .done)])
    }

    /// The content hash taken from the rows alone: every kept digest dropped first.
    private func hashFromRows(_ store: RunStore) throws -> String {
        try store.write { db in try db.execute(sql: "DELETE FROM content_digests") }
        return try store.contentHash()
    }

    private func keptTables(_ store: RunStore) throws -> Set<String> {
        try store.read { db in Set(try String.fetchAll(db, sql: "SELECT name FROM content_digests")) }
    }

    @Test("a new store keeps every table's digest as rows are added, and the hash equals the one read from the rows")
    func keptWhileWriting() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        #expect(try keptTables(store) == ["media", "samples", "records", "images", "image_files"])
        try store.commit([3, 1].map { write($0) })
        try store.commit([2].map { write($0) })
        #expect(try store.contentDigestMismatches().isEmpty)
        let kept = try store.contentHash()
        #expect(try hashFromRows(store) == kept)
        // The scan's digests are kept again.
        #expect(try keptTables(store).count == 5)
        #expect(try store.contentHash() == kept)
    }

    @Test("removed records take their digest items and their samples' with them; their review passes are filed away, not inherited by a record that comes back")
    func removedRecords() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit([write(1), write(2)])
        try store.write { db in
            try db.execute(
                sql: "INSERT INTO review_passes(record_id, pass, reviewer, verdict, version, created_at) VALUES ('rec-1', 1, 'ann', 'reject', 1, 0)")
        }
        #expect(try store.removeRecords(["rec-1", "rec-missing"]) == 1)
        #expect(try store.contentDigestMismatches().isEmpty)
        // Its medium stays (other records may show it); its sample, which no record names now, goes.
        let reference = try RunStore(directory: try temporaryStoreDirectory())
        try reference.commit([write(2), StoreWrite(media: write(1).media)])
        #expect(try store.contentHash() == reference.contentHash())
        #expect(try store.reviewPasses(recordID: "rec-1").isEmpty)
        let archived = try store.read { db in try String.fetchAll(db, sql: "SELECT record_id FROM review_passes") }
        #expect(archived.count == 1 && archived[0].hasPrefix("rec-1~removed-"))
        // The same record back: it starts with no review.
        try store.commit([write(1)])
        #expect(try store.reviewPasses(recordID: "rec-1").isEmpty && store.reviewState(recordID: "rec-1")?.passes == 0)
    }

    @Test("rows written again under the same id replace their digest items: media, samples and records")
    func replacedRows() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit([write(1), write(2)])
        // The same sample redone with other content, its medium at another path; and a medium written twice in one batch.
        var twice = write(3)
        twice.media.append(twice.media[0])
        try store.commit([write(1, answer: "b", background: 5, path: "media/elsewhere.png"), twice])
        #expect(try store.contentDigestMismatches().isEmpty)
        let reference = try RunStore(directory: try temporaryStoreDirectory())
        try reference.commit([write(1, answer: "b", background: 5, path: "media/elsewhere.png"), write(2), write(3)])
        #expect(try store.contentHash() == reference.contentHash())
    }

    @Test("rewriting records keeps the records' digest")
    func rewrites() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit([1, 2, 3].map { write($0) })
        var flagged = record(2)
        flagged.flags = [QualityFlag(code: "text.short", reason: "short")]
        #expect(try store.rewriteRecords(["rec-2", "rec-3"]) { $0.id == "rec-2" ? flagged : $0 } == 1)
        #expect(try keptTables(store).contains("records"))
        #expect(try store.contentDigestMismatches().isEmpty)
        #expect(try store.contentHash() == hashFromRows(store))
    }

    @Test("a reviewer's edit, ingested images and their files, and annotation merges keep their tables' digests")
    func editsAndIngestKept() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit([1, 2].map { write($0) })
        try store.saveRecordVersion(record(1, answer: "edited"), author: "ann", note: "fix", seenVersion: 1, now: 1)
        let image = IngestedImage(
            id: "img-1", ordinal: 0, sourcePath: "/photos/a.jpg", origin: "folder", format: "jpeg", width: 8, height: 8,
            perceptualHash: 42, duplicateOf: nil, thumbnail: "thumbs/img-1.jpg", annotations: ImageAnnotations())
        try store.commit([StoreWrite(images: [image], files: [IngestedFile(path: "/photos/a.jpg", imageID: "img-1", ordinal: 0)])])
        // Found again under another name, and again under the first (a replaced row).
        var again = StoreWrite(images: [image], files: [IngestedFile(path: "/photos/copy.jpg", imageID: "img-1", ordinal: 1)])
        again.annotationMerges = [AnnotationMerge(imageID: "img-1", annotations: ImageAnnotations(captions: ["a dog"]))]
        try store.commit([again])
        #expect(try keptTables(store).count == 5)
        #expect(try store.contentDigestMismatches().isEmpty)
        #expect(try store.contentHash() == hashFromRows(store))
    }

    @Test("rows an older Loom adds without the digests are caught by the count, digested from the rows and kept")
    func rowsAddedBehindTheDigests() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit([1, 2].map { write($0) })
        try store.write { db in
            try db.execute(sql: "INSERT INTO media(id, kind, path, format, width, height) VALUES ('m9', 'image', 'media/m9.png', 'png', 8, 8)")
        }
        #expect(try store.contentDigestMismatches().map(\.table) == ["media"])
        let hash = try store.contentHash()
        #expect(try store.contentDigestMismatches().isEmpty)
        #expect(try hashFromRows(store) == hash)
    }

    @Test("a kept digest that cannot be read is digested again from the rows")
    func unreadableDigest() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit([1, 2].map { write($0) })
        let hash = try store.contentHash()
        try store.write { db in try db.execute(sql: "UPDATE content_digests SET digest = 'garbled' WHERE name = 'samples'") }
        try store.commit([write(3)])
        #expect(try !keptTables(store).contains("samples"))
        let reference = try RunStore(directory: try temporaryStoreDirectory())
        try reference.commit([1, 2, 3].map { write($0) })
        #expect(try store.contentHash() == reference.contentHash())
        #expect(try store.contentHash() != hash)
        #expect(try keptTables(store).count == 5)
    }

    @Test("a store made before the digests gets none for tables with rows, and a resumed run keeps them once hashed")
    func olderStore() throws {
        let directory = try temporaryStoreDirectory()
        let reference = try RunStore(directory: try temporaryStoreDirectory())
        try reference.commit([1, 2, 3].map { write($0) })
        do {
            let store = try RunStore(directory: directory)
            try store.commit([1, 2].map { write($0) })
            // As a store of the earlier schema: no digests table, and the migration not recorded.
            try store.write { db in
                try db.execute(sql: "DROP TABLE content_digests")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v11-content-digests'")
            }
        }
        let store = try RunStore(directory: directory)
        #expect(try keptTables(store) == ["images", "image_files"])
        try store.commit([write(3)])
        #expect(try store.contentHash() == reference.contentHash())
        #expect(try keptTables(store).count == 5)
        #expect(try store.contentDigestMismatches().isEmpty)
    }

    @Test("a kept digest that its rows do not match is found")
    func mismatchFound() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit([1, 2].map { write($0) })
        try store.write { db in try db.execute(sql: "UPDATE samples SET body = body || ' ' WHERE id = 'smp-1'") }
        let mismatches = try store.contentDigestMismatches()
        #expect(mismatches.map(\.table) == ["samples"])
    }
}
