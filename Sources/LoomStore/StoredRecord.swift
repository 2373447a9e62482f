import Foundation
import GRDB
import LoomCore

/// A `records` row as the store holds it: the columns a record is put back together from.
///
/// The store keeps each part of a record once. Id, sample, media ids, type, domain, skill and language have
/// columns of their own; the turns are the ShareGPT text the exports copy (`sharegpt`); `body` holds the rest
/// (options, answer key, checks, provenance, flags: `Record.detailsJSON`). Before, `body` held the whole record
/// as well, about 40% of it repeating the other columns, and all of it was written, checkpointed and hashed.
/// Stores written then still read: the extra members of their bodies are skipped, the columns having always
/// carried the same values.
public struct StoredRecord: Sendable {
    public var id: String
    public var sampleID: String
    /// Media ids joined by commas.
    public var mediaIDs: String
    /// The turns as ShareGPT JSON.
    public var shareGPT: String
    public var type: String
    public var domain: String
    public var skill: String?
    public var language: String
    /// `Record.detailsJSON`, or in an older store the whole record's JSON.
    public var body: String

    /// The columns `init(row:)` reads, in its order.
    static let columns = "id, sample_id, media_ids, sharegpt, type, domain, skill, language, body"

    /// The same columns of the table named (or aliased) `table`.
    static func columns(of table: String) -> String {
        columns.split(separator: ", ").map { "\(table).\($0)" }.joined(separator: ", ")
    }

    /// Rewrites a stored record in place from `Record` (all but its id and sample, which a rewrite keeps).
    static let updateSQL = """
        UPDATE records SET media_ids = ?, media_count = ?, sharegpt = ?, type = ?, domain = ?, skill = ?, language = ?,
            body = ?, flagged = ? WHERE id = ?
        """

    /// The arguments of `updateSQL` that rewrite the row of record `id` from `record`.
    static func updateArguments(_ record: LoomCore.Record, id: String) -> StatementArguments {
        StoredRecord(record, id: id, sampleID: record.sampleID).updateArguments(of: record)
    }

    /// The arguments of `updateSQL` that rewrite this row's record (`record`, which this row was made from).
    func updateArguments(of record: LoomCore.Record) -> StatementArguments {
        [mediaIDs, record.media.count, shareGPT, type, domain, skill, language, body, record.flags.isEmpty ? 0 : 1, id]
    }

    /// Whether a stored body is a whole record's JSON (`Record.canonicalJSON`, which stores written before
    /// `detailsJSON` hold) rather than its details, which never start with its id.
    static func holdsWholeRecord(_ body: UnsafeBufferPointer<UInt8>) -> Bool {
        let prefix: StaticString = #"{"id":"#
        guard body.count >= prefix.utf8CodeUnitCount else { return false }
        return prefix.withUTF8Buffer { prefix in prefix.indices.allSatisfy { body[$0] == prefix[$0] } }
    }

    /// Reads `columns` from `row`, starting at column `first`.
    init(row: Row, first: Int = 0) {
        id = row[first]
        sampleID = row[first + 1]
        mediaIDs = row[first + 2]
        shareGPT = row[first + 3]
        type = row[first + 4]
        domain = row[first + 5]
        skill = row[first + 6]
        language = row[first + 7]
        body = row[first + 8]
    }

    /// The row `updateSQL` leaves for `record` in the row of record `id` of sample `sampleID` (a rewrite keeps both).
    init(_ record: LoomCore.Record, id: String, sampleID: String) {
        self.id = id
        self.sampleID = sampleID
        mediaIDs = record.media.joined(separator: ",")
        shareGPT = record.shareGPTJSON
        type = record.type.rawValue
        domain = record.domain.rawValue
        skill = record.skill?.rawValue
        language = record.language
        body = record.detailsJSON
    }

    /// The row's item in the content digest of `records` (`ContentDigests`): its columns in `columns` order, a
    /// whole-record body of an older store as the details it would be written as now.
    func digestItem() throws -> MultisetDigest.Item {
        var stored = body
        let details = stored.withUTF8(Self.holdsWholeRecord) ? try record().detailsJSON : body
        return MultisetDigest.Item(texts: [id, sampleID, mediaIDs, shareGPT, type, domain, skill, language, details])
    }

    /// The record. A caller reading many passes one `decoder` for all of them.
    ///
    /// - Throws: `LoomError` of kind `.store` naming the record when a column or the body cannot be read.
    public func record(using decoder: JSONDecoder = JSONDecoder()) throws -> LoomCore.Record {
        let details: Details
        do {
            details = try decoder.decode(Details.self, from: Data(body.utf8))
        } catch {
            throw LoomError(.store, "the stored record cannot be read: \(error)", subject: "record \(id)")
        }
        return try record(options: details.options, answerKey: details.answerKey, checks: details.checks,
            provenance: details.provenance, flags: details.flags)
    }

    /// The record without its answer checks, which are only counted (see `RecordForReview`).
    public func recordForReview() throws -> RecordForReview {
        if let read = StoredRecordReader.detailsWithoutChecks(body) {
            return RecordForReview(
                record: try record(options: read.options, answerKey: read.answerKey, checks: [], provenance: read.provenance,
                    flags: read.flags),
                hasChecks: read.checkCount > 0)
        }
        let details: ReviewDetails
        do {
            details = try JSONDecoder().decode(ReviewDetails.self, from: Data(body.utf8))
        } catch {
            throw LoomError(.store, "the stored record cannot be read: \(error)", subject: "record \(id)")
        }
        return RecordForReview(
            record: try record(options: details.options, answerKey: details.answerKey, checks: [],
                provenance: details.provenance, flags: details.flags),
            hasChecks: !details.checks.isEmpty)
    }

    private func record(
        options: [String]?, answerKey: String?, checks: [AnswerCheck], provenance: Provenance, flags: [QualityFlag]
    ) throws -> LoomCore.Record {
        guard let turns = Turn.turns(fromShareGPT: shareGPT) else {
            throw LoomError(.store, "the stored conversation is not a ShareGPT list", subject: "record \(id)")
        }
        guard let type = QuestionType(rawValue: type) else {
            throw LoomError(.store, "the stored question type '\(type)' is not one Loom knows", subject: "record \(id)")
        }
        var skill: Skill?
        if let name = self.skill {
            guard let known = Skill(rawValue: name) else {
                throw LoomError(.store, "the stored skill '\(name)' is not one Loom knows", subject: "record \(id)")
            }
            skill = known
        }
        return LoomCore.Record(
            id: id, sampleID: sampleID, media: RunStore.commaSeparated(mediaIDs), turns: turns, type: type, domain: Domain(rawValue: domain),
            skill: skill, language: language, options: options, answerKey: answerKey, checks: checks,
            provenance: provenance, flags: flags)
    }

    /// The members of `body` a record is read from (an older store's whole-record body has more: ignored).
    private struct Details: Decodable {
        var options: [String]?
        var answerKey: String?
        var checks: [AnswerCheck]
        var provenance: Provenance
        var flags: [QualityFlag]
    }

    /// `Details` with the checks skipped.
    private struct ReviewDetails: Decodable {
        var options: [String]?
        var answerKey: String?
        var checks: [Skipped]
        var provenance: Provenance
        var flags: [QualityFlag]
    }

    /// Any JSON value, not read.
    private struct Skipped: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}
