import Foundation
import GRDB
import LoomCore

extension RunStore {
    /// The tables that keep something about a record by its id, besides `records` itself, that go with it. Its
    /// review passes and versions stay, filed under another key (`archivedKey`): they are the audit trail and the
    /// reviewers' accounted work, and a record that comes back under the same id must not inherit them.
    fileprivate static let recordKeyedTables = [
        "verdicts", "record_signatures", "review_states", "review_skips", "review_leases", "in_context",
    ]

    /// The ids of the records whose provenance names `generator` and `template` (an import's records name the
    /// file they came from), in id order.
    public func recordIDs(generator: String, template: String) throws -> [String] {
        try read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM records
                    WHERE json_extract(body, '$.provenance.generator') = ? AND json_extract(body, '$.provenance.template') = ?
                    ORDER BY id
                    """,
                arguments: [generator, template])
        }
    }

    /// Whether any record's provenance names `generator`.
    public func hasRecords(generator: String) throws -> Bool {
        try read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM records WHERE json_extract(body, '$.provenance.generator') = ?)", arguments: [generator])
                ?? false
        }
    }

    /// Removes records and what the store keeps for using them (judge verdicts, dedup signatures, review state,
    /// skips and leases, in-context links, ledger rows), and each sample that no record names afterwards, in one
    /// transaction that keeps the content digests true; review passes and versions stay as the audit trail, under
    /// `archivedKey`. Returns how many records were removed.
    @discardableResult
    public func removeRecords(_ ids: [String]) throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try write { db in
            let kept = try ContentDigests.keptTables(db)
            var changes = ["records": MultisetDigest(), "samples": MultisetDigest()]
            let sampleOf = try db.cachedStatement(sql: "SELECT sample_id FROM records WHERE id = ?")
            let deleteRecord = try db.cachedStatement(sql: "DELETE FROM records WHERE id = ?")
            let eraser = try RecordUseEraser(db)
            var samples: Set<String> = []
            var removed = 0
            for id in ids {
                guard let sample = try String.fetchOne(sampleOf, arguments: [id]) else { continue }
                samples.insert(sample)
                if kept.contains("records"), let old = try ContentDigests.storedItem(table: "records", key: id, in: db) {
                    changes["records"]!.remove(old)
                }
                try deleteRecord.execute(arguments: [id])
                try eraser.erase(id)
                removed += 1
            }
            let stillNamed = try db.cachedStatement(sql: Self.sampleHasRecordsSQL)
            for sample in samples.sorted() where try Bool.fetchOne(stillNamed, arguments: [sample]) == false {
                if kept.contains("samples"), let old = try ContentDigests.storedItem(table: "samples", key: sample, in: db) {
                    changes["samples"]!.remove(old)
                }
                try db.execute(sql: "DELETE FROM samples WHERE id = ?", arguments: [sample])
                try db.execute(sql: "DELETE FROM sample_videos WHERE sample_id = ?", arguments: [sample])
                try db.execute(sql: "DELETE FROM ledger WHERE item = ?", arguments: [sample])
            }
            try ContentDigests.apply(changes, in: db)
            return removed
        }
    }

    /// Whether a sample (`?1`) has records, found through `records_in_sample_order` (its order key, then its id):
    /// no index starts with `sample_id`, and a scan of the records per sample made removing many slow.
    static let sampleHasRecordsSQL = """
        SELECT EXISTS (
            SELECT 1 FROM records WHERE sample_order IS (SELECT \(SampleOrderKey.sql) FROM samples WHERE id = ?1) AND sample_id = ?1)
        """

    /// Removes the samples whose truth says they came from `origin` (an import's) and that no record names any
    /// more, in one transaction that keeps the content digests true. Returns how many were removed.
    @discardableResult
    public func removeSamplesWithoutRecords(describedOrigin origin: String) throws -> Int {
        try write { db in
            let kept = try ContentDigests.keptTables(db).contains("samples")
            var changes = MultisetDigest()
            // `NOT IN` reads the records' sample ids once; a correlated `NOT EXISTS` scanned them per sample.
            let empty = try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM samples
                    WHERE json_extract(body, '$.truth.described._0.origin') = ? AND id NOT IN (SELECT sample_id FROM records)
                    """,
                arguments: [origin])
            for sample in empty {
                if kept, let old = try ContentDigests.storedItem(table: "samples", key: sample, in: db) { changes.remove(old) }
                try db.execute(sql: "DELETE FROM samples WHERE id = ?", arguments: [sample])
                try db.execute(sql: "DELETE FROM sample_videos WHERE sample_id = ?", arguments: [sample])
                try db.execute(sql: "DELETE FROM ledger WHERE item = ?", arguments: [sample])
            }
            try ContentDigests.apply(["samples": changes], in: db)
            return empty.count
        }
    }

    /// Removes the media that nothing names: no record, sample, sample's video or ingested image (the images of an
    /// import's rows that went), with the stamps and perceptual hashes kept about them, in one transaction that
    /// keeps the content digests true. Returns the removed media: deleting their files is the caller's, once this
    /// has returned (a file deleted first would be missing for a row a failed commit kept).
    public func removeUnreferencedMedia() throws -> [MediaItem] {
        try write { db in
            // Media ids are hex digests and derived ids (no quote, no comma): a record's list reads as JSON once quoted.
            try db.execute(
                sql: """
                    CREATE TEMP TABLE IF NOT EXISTS named_media (id TEXT PRIMARY KEY) WITHOUT ROWID;
                    DELETE FROM named_media;
                    INSERT OR IGNORE INTO named_media
                        SELECT value FROM records, json_each('["' || replace(records.media_ids, ',', '","') || '"]')
                        WHERE records.media_ids <> '';
                    INSERT OR IGNORE INTO named_media SELECT value FROM samples, json_each(samples.body, '$.media');
                    INSERT OR IGNORE INTO named_media SELECT video_id FROM sample_videos;
                    INSERT OR IGNORE INTO named_media SELECT id FROM images;
                    """)
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, kind, path, format, width, height FROM media WHERE id NOT IN (SELECT id FROM named_media) ORDER BY id")
            try db.execute(sql: "DELETE FROM named_media")
            let kept = try ContentDigests.keptTables(db).contains("media")
            var changes = MultisetDigest()
            var removed: [MediaItem] = []
            for row in rows {
                let id: String = row[0]
                if kept, let old = try ContentDigests.storedItem(table: "media", key: id, in: db) { changes.remove(old) }
                for table in ["linked_media", "media_hashes"] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE media_id = ?", arguments: [id])
                }
                try db.execute(sql: "DELETE FROM media WHERE id = ?", arguments: [id])
                removed.append(MediaItem(id: id, kind: MediaKind(rawValue: row[1]) ?? .image, path: row[2], format: row[3], width: row[4], height: row[5]))
            }
            try ContentDigests.apply(["media": changes], in: db)
            return removed
        }
    }

    /// Removes the rejections of `stage` whose subjects `belong` says are of one input and that `keeping` (subject →
    /// categories) does not hold: what a later, complete pass over the same file no longer rejected, or rejected
    /// for another reason. Returns how many were removed.
    @discardableResult
    public func removeRejections(stage: String, keeping: [String: Set<String>], where belong: (String) -> Bool) throws -> Int {
        try write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT subject, category FROM rejections WHERE stage = ?", arguments: [stage])
            let stale = rows.map { (subject: $0[0] as String, category: $0[1] as String) }.filter {
                belong($0.subject) && keeping[$0.subject]?.contains($0.category) != true
            }
            let delete = try db.cachedStatement(sql: "DELETE FROM rejections WHERE stage = ? AND subject = ? AND category = ?")
            for row in stale { try delete.execute(arguments: [stage, row.subject, row.category]) }
            return stale.count
        }
    }

    /// The key a removed record's review passes and versions are kept under: its id and when it was removed.
    public static func archivedKey(_ id: String, removedAt microseconds: UInt64) -> String {
        "\(id)~removed-\(microseconds)"
    }

    /// Whether any record shows the medium `id`.
    public func isMediumShown(_ id: String) throws -> Bool {
        try read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM records WHERE media_ids = ?1 OR instr(',' || media_ids || ',', ',' || ?1 || ',') > 0)",
                arguments: [id]) ?? false
        }
    }
}

/// Takes away, inside one write transaction, what the store keeps about using a record (`recordKeyedTables`, and
/// its ledger rows: a judge's "done" among them) and files its review passes and versions under
/// `RunStore.archivedKey`.
struct RecordUseEraser {
    let deleteKept: [Statement]
    let deleteLedger: Statement
    let archive: [Statement]
    let removedAt = UInt64(Date().timeIntervalSince1970 * 1_000_000)

    init(_ db: Database) throws {
        deleteKept = try RunStore.recordKeyedTables.map { try db.cachedStatement(sql: "DELETE FROM \($0) WHERE record_id = ?") }
        deleteLedger = try db.cachedStatement(sql: "DELETE FROM ledger WHERE item = ?")
        archive = try ["review_passes", "record_versions"].map {
            try db.cachedStatement(sql: "UPDATE \($0) SET record_id = ? WHERE record_id = ?")
        }
    }

    func erase(_ id: String) throws {
        for statement in deleteKept { try statement.execute(arguments: [id]) }
        try deleteLedger.execute(arguments: [id])
        for statement in archive { try statement.execute(arguments: [RunStore.archivedKey(id, removedAt: removedAt), id]) }
    }
}
