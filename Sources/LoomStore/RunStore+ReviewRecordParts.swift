import GRDB
import LoomCore

extension RunStore {
    /// Everything the review screen shows about a record, read in one transaction; nil if there is no such record.
    ///
    /// - Parameter withVersions: also read every version of the record (its history page). The review screen
    ///   shows none, and a record edited many times would make each claim of it read them all inside the team's
    ///   shared write.
    public func reviewRecordParts(_ recordID: String, withVersions: Bool = false) throws -> ReviewRecordParts? {
        try read { db in try Self.reviewRecordParts(db, recordID, withVersions: withVersions) }
    }

    static func reviewRecordParts(_ db: Database, _ recordID: String, withVersions: Bool = false) throws -> ReviewRecordParts? {
        guard let row = try Self.cachedRow(db, sql: "SELECT \(StoredRecord.columns) FROM records WHERE id = ?", arguments: [recordID]) else {
            return nil
        }
        // Without its answer checks, which the review screen does not show: decoding them with `JSONDecoder` was
        // a twentieth of the review server's CPU.
        let record = try StoredRecord(row: row).recordForReview().record
        let sample = try Self.cachedRow(db, sql: "SELECT kind, body FROM samples WHERE id = ?", arguments: [record.sampleID])
        var media: [MediaItem?] = []
        var captions: [String: String] = [:]
        for id in record.media {
            media.append(
                try Self.cachedRow(db, sql: "SELECT id, kind, path, format, width, height FROM media WHERE id = ?", arguments: [id]).map {
                    MediaItem(id: $0[0], kind: MediaKind(rawValue: $0[1]) ?? .image, path: $0[2], format: $0[3], width: $0[4], height: $0[5])
                })
            if let text = try Self.cachedOne(String.self, db, sql: "SELECT text FROM captions WHERE image_id = ?", arguments: [id]) {
                captions[id] = text
            }
        }
        let verdict = try Self.cachedRow(db, sql: "SELECT supported, reason, endpoint FROM verdicts WHERE record_id = ?", arguments: [recordID]).map {
            RecordVerdict(recordID: recordID, supported: $0[0], reason: $0[1], endpoint: $0[2])
        }
        let passes = try Self.cachedRows(db, sql: "SELECT * FROM review_passes WHERE record_id = ? ORDER BY pass", arguments: [recordID])
            .map(Self.reviewPass)
        let versions = withVersions
            ? try Self.cachedRows(db, sql: "SELECT * FROM record_versions WHERE record_id = ? ORDER BY version", arguments: [recordID])
                .map(Self.recordVersion) : []
        return ReviewRecordParts(
            record: record, state: try Self.reviewState(db, recordID: recordID),
            sampleKind: sample.map { SampleKind(rawValue: $0[0]) ?? .single }, annotations: sample?[1], media: media,
            captions: captions, verdict: verdict, passes: passes, versions: versions)
    }
}
