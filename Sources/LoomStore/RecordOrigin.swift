import GRDB
import LoomCore

/// A stored record's content as it came into the run, and a reviewer's correction of it: what `loom import`
/// compares a training file's row with, to tell a row it imported before from a changed one.
public struct RecordOrigin: Sendable, Hashable {
    public var id: String
    public var sampleID: String
    /// The media ids, in order.
    public var media: [String]
    /// The conversation as it came in (ShareGPT JSON): the review's version 1 when a reviewer edited the record,
    /// else the stored one.
    public var shareGPT: String
    /// The stored conversation when a reviewer edited the record (the correction), nil otherwise.
    public var corrected: String?

    public init(id: String, sampleID: String, media: [String], shareGPT: String, corrected: String?) {
        self.id = id
        self.sampleID = sampleID
        self.media = media
        self.shareGPT = shareGPT
        self.corrected = corrected
    }
}

extension RunStore {
    /// Streams the origins of the records whose provenance names `generator` and `template` (an import's records
    /// name the file they came from), in id order.
    public func forEachRecordOrigin(generator: String, template: String, _ body: (RecordOrigin) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: Self.originSQL(
                    where: "json_extract(records.body, '$.provenance.generator') = ? AND json_extract(records.body, '$.provenance.template') = ?"),
                arguments: [generator, template])
            while let row = try rows.next() { try body(Self.origin(row)) }
        }
    }

    /// The origin of the record `id`, if the store has it.
    public func recordOrigin(id: String) throws -> RecordOrigin? {
        try read { db in
            try Row.fetchOne(db, sql: Self.originSQL(where: "records.id = ?"), arguments: [id]).map(Self.origin)
        }
    }

    /// Version 1 of `record_versions` is the record as it was before its first edit (`saveRecordVersion`).
    private static func originSQL(where condition: String) -> String {
        """
        SELECT records.id, records.sample_id, records.media_ids, COALESCE(first.sharegpt, records.sharegpt),
            CASE WHEN first.record_id IS NULL THEN NULL ELSE records.sharegpt END
        FROM records LEFT JOIN record_versions AS first ON first.record_id = records.id AND first.version = 1
        WHERE \(condition) ORDER BY records.id
        """
    }

    private static func origin(_ row: Row) -> RecordOrigin {
        RecordOrigin(id: row[0], sampleID: row[1], media: commaSeparated(row[2]), shareGPT: row[3], corrected: row[4])
    }
}
