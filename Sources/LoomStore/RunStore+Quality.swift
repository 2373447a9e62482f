import Foundation
import GRDB
import LoomCore

/// What the quality stage reads and writes: samples page by page with their records, records in a compact form
/// for deduplication and balancing, MinHash band keys, and records written back with new flags.
extension RunStore {
    /// Up to `limit` samples with ids after `id` (all from the start when nil), in id order.
    public func samples(after id: String?, limit: Int) throws -> [Sample] {
        try read { db in
            let rows = try String.fetchAll(
                db, sql: "SELECT body FROM samples WHERE id > ? ORDER BY id LIMIT ?", arguments: [id ?? "", limit])
            return try rows.map { try Self.decode(Sample.self, $0) }
        }
    }

    /// Up to `limit` sample ids after `id` (all from the start when nil), in id order.
    public func sampleIDs(after id: String?, limit: Int) throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT id FROM samples WHERE id > ? ORDER BY id LIMIT ?", arguments: [id ?? "", limit])
        }
    }

    /// One sample's stored records in id order, found through `records_in_sample_order` (its sample's order
    /// key, then its id).
    static let recordsOfSampleSQL = """
        SELECT \(StoredRecord.columns) FROM records
        WHERE sample_order IS (SELECT \(SampleOrderKey.sql) FROM samples WHERE id = ?1) AND sample_id = ?1 ORDER BY id
        """

    /// The records of several samples, grouped by sample id (in id order within each).
    public func records(ofSamples ids: [String]) throws -> [String: [LoomCore.Record]] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            var grouped: [String: [LoomCore.Record]] = [:]
            let statement = try db.cachedStatement(sql: Self.recordsOfSampleSQL)
            for id in ids {
                grouped[id] = try Row.fetchAll(statement, arguments: [id]).map { try StoredRecord(row: $0).record() }
            }
            return grouped
        }
    }

    /// The stored rows of the records of several samples, grouped by sample id (in id order within each), for
    /// callers that decode them on threads of their own.
    public func storedRecords(ofSamples ids: [String]) throws -> [String: [StoredRecord]] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            var grouped: [String: [StoredRecord]] = [:]
            let statement = try db.cachedStatement(sql: Self.recordsOfSampleSQL)
            for id in ids { grouped[id] = try Row.fetchAll(statement, arguments: [id]).map { StoredRecord(row: $0) } }
            return grouped
        }
    }

    /// The model captions of some images, by image id.
    public func captions(imageIDs: [String]) throws -> [String: String] {
        guard !imageIDs.isEmpty else { return [:] }
        return try read { db in
            var found: [String: String] = [:]
            let statement = try db.cachedStatement(sql: "SELECT text FROM captions WHERE image_id = ?")
            for id in imageIDs {
                if let text = try String.fetchOne(statement, arguments: [id]) { found[id] = text }
            }
            return found
        }
    }

    /// A record as deduplication and balancing see it, read without decoding the record's JSON.
    public struct RecordDigest: Sendable {
        public var id: String
        public var sampleID: String
        public var type: String
        public var domain: String
        public var skill: String?
        public var language: String
        public var flagged: Bool
        public var media: [String]
        /// `[{"from": …, "value": …}, …]` as JSON text.
        public var conversation: String
        /// What wrote the record ("templates", "model", "converter").
        public var generator: String
    }

    /// Up to `limit` record digests with ids after `id` (from the start when nil), in id order.
    public func recordDigests(after id: String?, limit: Int) throws -> [RecordDigest] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: Self.digestColumns + " FROM records WHERE id > ? ORDER BY id LIMIT ?", arguments: [id ?? "", limit])
            return rows.map(Self.digest)
        }
    }

    /// The digests of the records with these ids (those the store has), in id order.
    public func recordDigests(ids: [String]) throws -> [RecordDigest] {
        guard !ids.isEmpty else { return [] }
        return try read { db in
            try Row.fetchAll(
                db,
                sql: Self.digestColumns + " FROM records WHERE id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", "))) ORDER BY id",
                arguments: StatementArguments(ids)
            ).map(Self.digest)
        }
    }

    /// The columns a `RecordDigest` is read from, in the order `digest(_:)` reads them.
    private static let digestColumns = """
        SELECT id, sample_id, type, domain, skill, language, flagged, media_ids, sharegpt,
            json_extract(body, '$.provenance.generator')
        """

    private static func digest(_ row: Row) -> RecordDigest {
        let ids: String = row[7]
        return RecordDigest(
            id: row[0], sampleID: row[1], type: row[2], domain: row[3], skill: row[4], language: row[5],
            flagged: (row[6] as Int) != 0, media: ids.isEmpty ? [] : ids.split(separator: ",").map(String.init),
            conversation: row[8], generator: row[9] ?? "")
    }

    /// Streams every record in id order as a digest.
    public func forEachRecordDigest(_ body: (RecordDigest) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: Self.digestColumns + " FROM records ORDER BY id")
            while let row = try rows.next() { try body(Self.digest(row)) }
        }
    }

    /// Records by id (those that exist).
    public func records(ids: [String]) throws -> [LoomCore.Record] {
        try read { db in
            let statement = try db.cachedStatement(sql: "SELECT \(StoredRecord.columns) FROM records WHERE id = ?")
            return try ids.compactMap { id in try Row.fetchOne(statement, arguments: [id]).map { try StoredRecord(row: $0).record() } }
        }
    }

    /// How many records have MinHash band keys stored under `settings`.
    public func signatureCount(settings: String) throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record_signatures WHERE settings = ?", arguments: [settings]) ?? 0
        }
    }

    /// Stores band keys (little-endian UInt64s) of records, with their ordinals, under `settings`; forgets keys
    /// stored under other settings.
    public func saveSignatures(
        _ rows: [(recordID: String, ordinal: Int, bands: [UInt64])], settings: String, meta: [String: String] = [:]
    ) throws {
        try write { db in
            for (key, value) in meta.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [key, value])
            }
            try db.execute(sql: "DELETE FROM record_signatures WHERE settings <> ?", arguments: [settings])
            let statement = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO record_signatures(record_id, ordinal, settings, bands) VALUES (?, ?, ?, ?)")
            for row in rows {
                let data = row.bands.map(\.littleEndian).withUnsafeBytes { Data($0) }
                try statement.execute(arguments: [row.recordID, row.ordinal, settings, data])
            }
        }
    }

    /// Streams stored band keys in ordinal order.
    public func forEachSignature(settings: String, _ body: (_ recordID: String, _ ordinal: Int, _ keys: [UInt64]) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT record_id, ordinal, bands FROM record_signatures WHERE settings = ? ORDER BY ordinal", arguments: [settings])
            while let row = try rows.next() {
                let data: Data = row[2]
                let keys = data.withUnsafeBytes { raw in
                    (0..<(raw.count / 8)).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
                }
                try body(row[0], row[1], keys)
            }
        }
    }

    /// Deletes every stored band key.
    public func clearSignatures() throws {
        try write { db in try db.execute(sql: "DELETE FROM record_signatures") }
    }
}

extension RunStore {
    /// Rewrites records in one transaction: each of `ids` is read, passed to `transform`, and written back when
    /// the transform returns a changed record; `meta` is set in the same transaction. Nothing is held in memory
    /// beyond one record, and a crash leaves either all of it or none.
    @discardableResult
    public func rewriteRecords(
        _ ids: some Sequence<String>, meta: [String: String] = [:], _ transform: (LoomCore.Record) throws -> LoomCore.Record?
    ) throws -> Int {
        try write { db in
            let select = try db.cachedStatement(sql: "SELECT \(StoredRecord.columns) FROM records WHERE id = ?")
            let update = try db.cachedStatement(sql: StoredRecord.updateSQL)
            var changed = 0
            var digest = MultisetDigest()
            for id in ids {
                guard let row = try Row.fetchOne(select, arguments: [id]) else { continue }
                let stored = StoredRecord(row: row)
                let record = try stored.record()
                guard let updated = try transform(record), updated != record else { continue }
                // The row as the update leaves it: a rewrite keeps the id and the sample.
                let rewritten = StoredRecord(updated, id: stored.id, sampleID: stored.sampleID)
                try update.execute(arguments: rewritten.updateArguments(of: updated))
                // The content digest of records follows the rewrite (`ContentDigests`).
                digest.remove(try stored.digestItem())
                digest.add(try rewritten.digestItem())
                changed += 1
            }
            try ContentDigests.apply(["records": digest], in: db)
            for (key, value) in meta.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [key, value])
            }
            return changed
        }
    }
}

extension RunStore {
    /// Streams the flag codes of every flagged record.
    public func forEachFlaggedRecordFlags(_ body: ([String]) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT id, body FROM records WHERE flagged = 1 ORDER BY id")
            while let row = try rows.next() {
                let id: String = row[0]
                let flags: FlagsOnly
                do {
                    flags = try JSONDecoder().decode(FlagsOnly.self, from: Data((row[1] as String).utf8))
                } catch {
                    throw LoomError(.store, "the stored record's flags cannot be read: \(error)", subject: "record \(id)")
                }
                try body(flags.flags.map(\.code))
            }
        }
    }
}

/// A stored record read for the quality stage's validators: everything but its answer checks, which are only
/// counted. Decoding the checks' facts (nested enums) was a quarter of the stage's time, and the validators never
/// look at them; a record whose flags change is read again in full before it is written.
public struct RecordForReview: Sendable {
    /// The record with `checks` left empty.
    public var record: LoomCore.Record
    /// Whether the stored record has answer checks (ground truth verified its answers).
    public var hasChecks: Bool
}

extension RunStore {
    /// The flags of a stored body (the only member a flag count needs).
    private struct FlagsOnly: Decodable {
        var flags: [QualityFlag]
    }
}
