import Foundation
import LoomCore
import Testing

@testable import LoomStore

@Suite("Stored record reader")
struct StoredRecordReaderTests {
    /// What `JSONDecoder` makes of the same body, with the checks left out as the quality stage reads it.
    private func decoded(_ body: String) throws -> RecordForReview {
        var record = try RunStore.decodeRecord(body)
        let hasChecks = !record.checks.isEmpty
        record.checks = []
        return RecordForReview(record: record, hasChecks: hasChecks)
    }

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

    @Test("reads stored records exactly as JSONDecoder does, checks counted but not built")
    func matchesJSONDecoder() throws {
        for record in Self.records {
            let body = record.canonicalJSON
            let fast = try #require(StoredRecordReader.readWithoutChecks(body), "the stored layout is read directly")
            let slow = try decoded(body)
            #expect(fast.record == slow.record)
            #expect(fast.hasChecks == slow.hasChecks)
        }
    }

    @Test("anything outside the stored layout is left to JSONDecoder, which gives the same record")
    func unknownLayoutFallsBack() throws {
        let body = Self.records[0].canonicalJSON
        let extraMember = "{\"note\": {\"x\": [1, 2]}, " + body.dropFirst()
        #expect(StoredRecordReader.readWithoutChecks(extraMember) == nil)
        #expect(try RunStore.decodeRecordForReview(extraMember).record == decoded(extraMember).record)
        let unknownRole = body.replacingOccurrences(of: "\"role\":\"assistant\"", with: "\"role\":\"narrator\"")
        #expect(unknownRole != body)
        #expect(StoredRecordReader.readWithoutChecks(unknownRole) == nil)
        #expect(throws: (any Error).self) { try RunStore.decodeRecordForReview(unknownRole) }
        #expect(StoredRecordReader.readWithoutChecks("{\"id\": \"rec-1\"") == nil, "truncated JSON")
    }
}
