import GRDB
import LoomCore

/// A stored record's content as it came into the run, before any reviewer's edit: what `loom import` compares a
/// training file's row with, to tell a row it imported before from a changed one.
public struct RecordOrigin: Sendable, Hashable {
    public var id: String
    /// The media ids, in order.
    public var media: [String]
    /// The conversation as it came in (ShareGPT JSON): the review's version 1 when a reviewer edited the record,
    /// else the stored one.
    public var shareGPT: String
    /// Whether a reviewer edited the record (its stored conversation is then the reviewer's, not `shareGPT`).
    public var edited: Bool

    public init(id: String, media: [String], shareGPT: String, edited: Bool) {
        self.id = id
        self.media = media
        self.shareGPT = shareGPT
        self.edited = edited
    }
}

extension RunStore {
    /// The origins of the records whose provenance names `generator` and `template` (an import's records name the
    /// file they came from), in id order.
    public func recordOrigins(generator: String, template: String) throws -> [RecordOrigin] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: Self.originSQL(
                    where: "json_extract(records.body, '$.provenance.generator') = ? AND json_extract(records.body, '$.provenance.template') = ?"),
                arguments: [generator, template]
            ).map(Self.origin)
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
        SELECT records.id, records.media_ids, COALESCE(first.sharegpt, records.sharegpt), first.record_id IS NOT NULL
        FROM records LEFT JOIN record_versions AS first ON first.record_id = records.id AND first.version = 1
        WHERE \(condition) ORDER BY records.id
        """
    }

    private static func origin(_ row: Row) -> RecordOrigin {
        RecordOrigin(id: row[0], media: commaSeparated(row[1]), shareGPT: row[2], edited: row[3])
    }
}
