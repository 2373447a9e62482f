import Foundation
import LoomCore
import LoomReview
import LoomStore
import Testing

@Suite("Reviewing while a run writes")
struct LiveReviewTests {
    @Test func recordsWrittenByAnotherConnectionJoinTheBatchAndAcceptedOnesExportAtOnce() throws {
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(passes: 1))
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        // A second store on the same file stands for `loom run` writing (its own connection pool, WAL).
        let generator = try RunStore(directory: fixture.directory)
        let first = try #require(try fixture.service.next(.batch(batch), for: ann))
        var write = StoreWrite()
        write.records = [
            Record(
                id: "rec-new", sampleID: "sample-new", media: ["m000"],
                turns: [Turn(role: .user, text: "<image>\nHow many cubes?"), Turn(role: .assistant, text: "Two.")],
                type: .shortVQA, domain: "counting", skill: nil, language: "en", options: nil, answerKey: nil, checks: [],
                provenance: Provenance(generator: "template", template: "t", phrasing: 0, seed: 2))
        ]
        try generator.commit([write])
        #expect(try fixture.store.reviewBatchCounts(batch).records == 2)
        try fixture.service.decide(
            recordID: first.recordID, verdict: .accept, reason: nil, pass: first.pass, seenVersion: first.version,
            adjudication: false, by: ann)
        let second = try #require(try fixture.service.next(.batch(batch), for: ann))
        #expect(second.recordID == "rec-new")
        try fixture.service.decide(
            recordID: second.recordID, verdict: .accept, reason: nil, pass: second.pass, seenVersion: second.version,
            adjudication: false, by: ann)
        // What was accepted is exportable at once, read through the generator's connection.
        var accepted: [String] = []
        try generator.forEachExportRow(RecordSelection(review: .accepted)) { row, _ in accepted.append(row.id) }
        #expect(accepted.sorted() == [first.recordID, "rec-new"].sorted())
    }
}
