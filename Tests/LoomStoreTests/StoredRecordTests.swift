import Foundation
import GRDB
import LoomCore
import Testing

@testable import LoomStore

@Suite("Stored records")
struct StoredRecordTests {
    private typealias Record = LoomCore.Record

    private static let records: [Record] = [
        Record(
            id: "rec-1", sampleID: "smp-1", media: ["m1", "m2"],
            turns: [
                Turn(role: .user, text: "Image 1: <image>\nImage 2: <image>\nWhich \"one\" is bigger?\tA. left\\right\nB. 😀 \u{2028}"),
                Turn(role: .assistant, text: "A"),
            ],
            type: .multipleChoice, domain: "comparison", skill: .comparison, language: "en", options: ["left", "right"],
            answerKey: "A",
            checks: [AnswerCheck(turn: 1, kind: .exact(.count(image: 0, filter: ObjectFilter(category: "dog"))), expected: nil)],
            provenance: Provenance(generator: "templates", template: "counting.count", phrasing: 3, seed: UInt64.max),
            flags: [QualityFlag(code: "format.too_short", reason: "2 words, fewer than 3")]),
        Record(
            id: "rec-2", sampleID: "smp-2", media: [],
            turns: [Turn(role: .user, text: "Décrivez l'image."), Turn(role: .assistant, text: "Un chien\u{1}.")],
            type: .longVQA, domain: "image_description", skill: nil, language: "fr", options: nil, answerKey: nil,
            checks: [],
            provenance: Provenance(
                generator: "model", template: "caption", phrasing: 0, seed: 0,
                model: ModelProvenance(
                    endpoint: "local", model: "qwen", prompt: "syphus/caption", promptHash: "abc", seedQuestions: ["q1", "q2"],
                    promptTokens: 120, completionTokens: 45, cost: 1.5e-05),
                translatedFrom: "rec-0"),
            flags: []),
    ]

    /// A store holding `Self.records`.
    private func store() throws -> RunStore {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit([StoreWrite(records: Self.records)])
        return store
    }

    @Test("a record is stored once: its body holds only what no other column does, and it reads back equal")
    func roundTrip() throws {
        let store = try store()
        for record in Self.records {
            #expect(try store.record(id: record.id) == record)
            let body = try #require(try store.read { db in try String.fetchOne(db, sql: "SELECT body FROM records WHERE id = ?", arguments: [record.id]) })
            #expect(body == record.detailsJSON)
            for member in ["\"id\"", "\"sampleID\"", "\"media\"", "\"turns\"", "\"type\"", "\"domain\"", "\"language\""] {
                #expect(!body.contains(member), "\(member) in \(body)")
            }
        }
        #expect(try store.records(ids: Self.records.map(\.id)) == Self.records)
    }

    @Test("read for review: the record without its checks, which are counted; the direct reader agrees with JSONDecoder")
    func forReview() throws {
        let store = try store()
        let stored = try store.storedRecords(ofSamples: ["smp-1", "smp-2"])
        for record in Self.records {
            let row = try #require(stored[record.sampleID]?.first)
            let read = try row.recordForReview()
            var expected = record
            expected.checks = []
            #expect(read.record == expected)
            #expect(read.hasChecks == !record.checks.isEmpty)
            #expect(try row.record() == record)
            let direct = try #require(StoredRecordReader.detailsWithoutChecks(row.body), "the stored layout is read directly")
            #expect(direct.checkCount == record.checks.count)
            #expect(direct.provenance == record.provenance)
            #expect(direct.flags == record.flags)
            #expect(direct.options == record.options)
            #expect(direct.answerKey == record.answerKey)
        }
    }

    @Test("a store written before bodies were slimmed, whose bodies hold whole records, reads the same records")
    func olderLayout() throws {
        let store = try store()
        let slimHash = try store.contentHash()
        try store.write { db in
            for record in Self.records {
                try db.execute(sql: "UPDATE records SET body = ? WHERE id = ?", arguments: [record.canonicalJSON, record.id])
            }
        }
        for record in Self.records {
            #expect(try store.record(id: record.id) == record)
        }
        let stored = try store.storedRecords(ofSamples: ["smp-1"])
        let row = try #require(stored["smp-1"]?.first)
        #expect(StoredRecordReader.detailsWithoutChecks(row.body) != nil, "the older layout is read directly too")
        #expect(try row.recordForReview().record.turns == Self.records[0].turns)
        // Hashed as it would be written now: a run resumed across the change hashes like an uninterrupted one.
        #expect(try store.contentHash() == slimHash)
        // A rewrite stores the slim body and every column, and the record reads back as rewritten.
        var flagged = Self.records[1]
        flagged.flags = [QualityFlag(code: "dedup.exact", reason: "same as rec-1")]
        #expect(try store.rewriteRecords([flagged.id]) { _ in flagged } == 1)
        #expect(try store.record(id: flagged.id) == flagged)
        let body = try store.read { db in try String.fetchOne(db, sql: "SELECT body FROM records WHERE id = ?", arguments: [flagged.id]) }
        #expect(body == flagged.detailsJSON)
    }

    @Test("anything outside the stored layout is left to JSONDecoder; a broken row names its record and the reason")
    func unknownLayoutAndBrokenRows() throws {
        let record = Self.records[0]
        var row = try #require(try store().storedRecords(ofSamples: ["smp-1"])["smp-1"]?.first)
        let extraMember = "{\"note\": {\"x\": [1, 2]}, " + row.body.dropFirst()
        #expect(StoredRecordReader.detailsWithoutChecks(extraMember) == nil)
        row.body = extraMember
        var expected = record
        expected.checks = []
        #expect(try row.recordForReview().record == expected)
        #expect(try row.record() == record)
        #expect(StoredRecordReader.detailsWithoutChecks("{\"checks\": [") == nil, "truncated JSON")

        var broken = row
        broken.shareGPT = "[{\"from\": \"human\""
        #expect(throws: LoomError.self) { try broken.record() }
        broken = row
        broken.type = "haiku"
        let error = try #require(throws: LoomError.self) { try broken.record() }
        #expect(error.subject == "record rec-1" && error.message.contains("haiku"), "\(error)")
        broken = row
        broken.body = "{}"
        #expect(throws: LoomError.self) { try broken.record() }
    }
}
