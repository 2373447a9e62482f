import Foundation
import LoomCore
import LoomQuality
import LoomReview
import LoomStore
import Testing

@Suite("Review workflow: passes, policies, leases, versions")
struct ReviewWorkflowTests {
    /// Claims the next record of `batch` for `account` and gives `verdict` on it.
    @discardableResult
    private func pass(
        _ fixture: ReviewFixture, _ account: ReviewerAccount, _ batch: ReviewBatch, _ verdict: ReviewVerdict, reason: String? = nil
    ) throws -> (ReviewClaim, ReviewState) {
        let claim = try #require(try fixture.service.next(.batch(batch), for: account))
        let state = try fixture.service.decide(
            recordID: claim.recordID, verdict: verdict, reason: verdict == .reject ? (reason ?? "The answer is wrong.") : nil,
            pass: claim.pass, seenVersion: claim.version, adjudication: false, by: account)
        return (claim, state)
    }

    @Test("manual correction's time is estimated from the gaps between a reviewer's verdicts, breaks left out")
    func reviewEffortFromVerdictTimes() {
        var effort = ReviewEffort()
        // Gaps of 30, 40, 30 s, a break of 1,900 s, then 40 s: the typical record takes 40 s (the median gap), which
        // the first verdict and the one after the break are counted at.
        effort.add(reviewerTimes: [2040, 0, 30, 70, 100, 2000])
        #expect(effort == ReviewEffort(verdicts: 6, reviewers: 1, seconds: 140 + 2 * 40))
        effort.add(reviewerTimes: [500])  // one verdict alone counts a minute
        #expect(effort == ReviewEffort(verdicts: 7, reviewers: 2, seconds: 280))
        effort.add(reviewerTimes: [])
        #expect(effort.reviewers == 2)
    }

    @Test("the run's cost counts manual correction: verdicts, reviewers, hours, and dollars at the recipe's hourly rate")
    func manualCorrectionIsCounted() throws {
        let fixture = try ReviewFixture(records: 4, settings: ReviewSettings(passes: 1))
        #expect(try fixture.store.cost() == nil)  // no model call, no verdict: nothing to count
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        for _ in 0..<4 {
            fixture.advance(seconds: 90)
            try pass(fixture, ann, batch, .accept)
        }
        var cost = try #require(try fixture.store.cost())
        #expect(cost.review == ReviewEffort(verdicts: 4, reviewers: 1, seconds: 4 * 90))
        #expect(cost.reviewCost == nil)
        let settings = ReviewSettings(passes: 1, hourlyRate: 20)
        try fixture.store.setMeta(ReviewSettings.metaKey, String(decoding: try JSONEncoder().encode(settings), as: UTF8.self))
        cost = try #require(try fixture.store.cost())
        #expect(cost.reviewHourlyRate == 20)
        #expect(abs((cost.reviewCost ?? 0) - 2) < 1e-9)  // 6 minutes at $20 an hour
        #expect(abs(cost.totalWithReview - 2) < 1e-9)
    }

    @Test("a queue that came up empty answers at once for half a minute, then is walked again")
    func anEmptyQueueIsNotWalkedOnEveryRequest() throws {
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(passes: 1, leaseSeconds: 20))
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        let ben = try fixture.account("ben")
        #expect(try fixture.service.next(.batch(batch), for: ann) != nil)  // ann holds the only record
        #expect(try fixture.service.next(.batch(batch), for: ben) == nil)
        fixture.advance(seconds: 25)  // ann's hold has run out; ben's empty answer is still remembered
        #expect(try fixture.service.next(.batch(batch), for: ben) == nil)
        fixture.advance(seconds: 6)
        #expect(try fixture.service.next(.batch(batch), for: ben)?.recordID == "rec-000")
    }

    @Test func threeAgreeingPassesByThreeReviewersAcceptARecord() throws {
        let fixture = try ReviewFixture(records: 1)
        let batch = try fixture.batch()
        let (first, afterFirst) = try pass(fixture, try fixture.account("ann"), batch, .accept)
        #expect(afterFirst.status == .inReview && afterFirst.passes == 1 && first.pass == 1)
        let (second, _) = try pass(fixture, try fixture.account("ben"), batch, .accept)
        #expect(second.pass == 2 && second.recordID == first.recordID)
        let (_, final) = try pass(fixture, try fixture.account("cat"), batch, .reject)
        #expect(final.status == .accepted)  // majority: 2 accept, 1 reject
        #expect(try fixture.service.next(.batch(batch), for: try fixture.account("dan")) == nil)  // no pass left
        #expect(try fixture.store.reviewPasses(recordID: first.recordID).map(\.reviewer) == ["ann", "ben", "cat"])
    }

    @Test func aReviewerNeverGetsTheSameRecordForASecondPass() throws {
        let fixture = try ReviewFixture(records: 1)
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        try pass(fixture, ann, batch, .accept)
        #expect(try fixture.service.next(.batch(batch), for: ann) == nil)
    }

    @Test func anyRejectSendsTheRecordToAdjudicationWhereAnAdjudicatorDecides() throws {
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(passes: 2, policy: .anyReject))
        let batch = try fixture.batch()
        try pass(fixture, try fixture.account("ann"), batch, .accept)
        let (claim, state) = try pass(fixture, try fixture.account("ben"), batch, .reject, reason: "The options are broken.")
        #expect(state.status == .adjudication)
        let annotator = try fixture.account("cat")
        #expect(throws: ReviewRefusal.self) { try fixture.service.next(.adjudication, for: annotator) }
        let judge = try fixture.account("jo", role: .adjudicator)
        let held = try #require(try fixture.service.next(.adjudication, for: judge))
        #expect(held.recordID == claim.recordID && held.adjudication)
        let decided = try fixture.service.decide(
            recordID: held.recordID, verdict: .reject, reason: "Confirmed: options broken.", pass: held.pass,
            seenVersion: held.version, adjudication: true, by: judge)
        #expect(decided.status == .rejected)
        #expect(try fixture.service.next(.adjudication, for: judge) == nil)
    }

    @Test("an adjudicator's edit sent after another adjudicator decided the record is refused, not saved behind the decision")
    func anEditAfterTheDecisionIsRefused() throws {
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(passes: 2, policy: .anyReject, leaseSeconds: 60))
        let batch = try fixture.batch()
        try pass(fixture, try fixture.account("ann"), batch, .accept)
        _ = try pass(fixture, try fixture.account("ben"), batch, .reject, reason: "The options are broken.")
        let jo = try fixture.account("jo", role: .adjudicator)
        let lead = try fixture.account("lead", role: .admin)
        let seen = try #require(try fixture.service.next(.adjudication, for: jo))
        // Jo's hold runs out while editing; the admin takes the record and decides it.
        fixture.advance(seconds: 61)
        let taken = try #require(try fixture.service.next(.adjudication, for: lead))
        _ = try fixture.service.decide(
            recordID: taken.recordID, verdict: .accept, reason: nil, pass: taken.pass, seenVersion: taken.version, adjudication: true, by: lead)
        let refusal = #expect(throws: ReviewRefusal.self) {
            try fixture.service.edit(
                recordID: seen.recordID, RecordEdit(turns: [nil, "A late answer."]), seenVersion: seen.version, seenPass: (seen.pass, seen.adjudication), by: jo)
        }
        #expect(refusal?.kind == .conflict)
        #expect(refusal?.message.contains("decided while you had it open") == true)
        #expect(try fixture.store.record(id: seen.recordID)?.turns[1].text != "A late answer.")
        // From the record's history (no pass seen), an adjudicator may still correct a decided record.
        #expect(throws: Never.self) {
            try fixture.service.edit(recordID: seen.recordID, RecordEdit(turns: [nil, "A considered answer."]), seenVersion: seen.version, by: jo)
        }
    }

    @Test func majorityTieGoesToAdjudication() {
        #expect(DisagreementPolicy.majority.status(after: [.accept, .reject], required: 2) == .adjudication)
        #expect(DisagreementPolicy.majority.status(after: [.reject, .reject, .accept], required: 3) == .rejected)
        #expect(DisagreementPolicy.anyReject.status(after: [.accept, .accept, .accept], required: 3) == .accepted)
        #expect(DisagreementPolicy.anyReject.status(after: [.accept], required: 3) == .inReview)
    }

    @Test func aRejectionNeedsAReason() throws {
        let fixture = try ReviewFixture(records: 1)
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        let claim = try #require(try fixture.service.next(.batch(batch), for: ann))
        let refusal = #expect(throws: ReviewRefusal.self) {
            try fixture.service.decide(
                recordID: claim.recordID, verdict: .reject, reason: "  ", pass: claim.pass, seenVersion: claim.version,
                adjudication: false, by: ann)
        }
        #expect(refusal?.message.contains("needs a reason") == true)
    }

    @Test func twoReviewersNeverHoldTheSameRecordUntilTheLeaseExpires() throws {
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(leaseSeconds: 600))
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        let ben = try fixture.account("ben")
        let held = try #require(try fixture.service.next(.batch(batch), for: ann))
        #expect(try fixture.service.next(.batch(batch), for: ben) == nil)
        // A reload gives ann the same record back.
        #expect(try fixture.service.next(.batch(batch), for: ann)?.recordID == held.recordID)
        fixture.advance(seconds: 601)
        let taken = try #require(try fixture.service.next(.batch(batch), for: ben))
        #expect(taken.recordID == held.recordID)
        // Ann's late verdict is refused: ben holds the record now.
        let refusal = #expect(throws: ReviewRefusal.self) {
            try fixture.service.decide(
                recordID: held.recordID, verdict: .accept, reason: nil, pass: held.pass, seenVersion: held.version,
                adjudication: false, by: ann)
        }
        #expect(refusal?.kind == .leased)
        #expect(refusal?.message.contains("ben is reviewing this record") == true)
    }

    @Test func aPassCompletedMeanwhileRefusesTheStaleVerdict() throws {
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(leaseSeconds: 60))
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        let ben = try fixture.account("ben")
        let stale = try #require(try fixture.service.next(.batch(batch), for: ann))
        fixture.advance(seconds: 61)
        try pass(fixture, ben, batch, .accept)
        let refusal = #expect(throws: ReviewRefusal.self) {
            try fixture.service.decide(
                recordID: stale.recordID, verdict: .accept, reason: nil, pass: stale.pass, seenVersion: stale.version,
                adjudication: false, by: ann)
        }
        #expect(refusal?.kind == .conflict)
    }

    @Test("a verdict on a record the queue did not serve to the reviewer is refused: nobody picks which records they pass")
    func aVerdictNeedsTheRecordToHaveBeenServed() throws {
        let fixture = try ReviewFixture(records: 2)
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        let ben = try fixture.account("ben")
        let served = try #require(try fixture.service.next(.batch(batch), for: ann))
        let other = served.recordID == "rec-000" ? "rec-001" : "rec-000"
        let refusal = #expect(throws: ReviewRefusal.self) {
            try fixture.service.decide(recordID: other, verdict: .accept, reason: nil, pass: 1, seenVersion: 1, adjudication: false, by: ben)
        }
        #expect(refusal?.kind == .forbidden && refusal?.message.contains("not served to you") == true)
        // The one served is decided as before.
        try fixture.service.decide(
            recordID: served.recordID, verdict: .accept, reason: nil, pass: served.pass, seenVersion: served.version, adjudication: false, by: ann)
    }

    @Test("skipping a record the reviewer does not hold is refused: a skip of any id would add a row for it")
    func skippingNeedsTheRecord() throws {
        let fixture = try ReviewFixture(records: 2)
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        let served = try #require(try fixture.service.next(.batch(batch), for: ann))
        let refusal = #expect(throws: ReviewRefusal.self) { try fixture.service.skip(recordID: "rec-that-is-not-there", by: ann) }
        #expect(refusal?.kind == .forbidden)
        try fixture.service.skip(recordID: served.recordID, by: ann)
    }

    @Test("a correction is checked with the settings the run's quality stage used, not the defaults")
    func correctionsAreCheckedWithTheRunsSettings() throws {
        let fixture = try ReviewFixture(records: 1)
        var strict = ValidationSettings()
        strict.lengthBounds[.shortVQA] = LengthBounds(minWords: 1, maxWords: 3)
        try fixture.store.setMeta(ValidationSettings.metaKey, String(decoding: try JSONEncoder().encode(strict), as: UTF8.self))
        let service = try ReviewService(store: fixture.store, runDirectory: fixture.directory, settings: ReviewSettings())
        let root = try fixture.account("root", role: .admin)
        let (_, flags) = try service.edit(recordID: "rec-000", RecordEdit(turns: [nil, "It is a bright red colour."]), seenVersion: 1, by: root)
        #expect(flags.contains { $0.code == QualityCode.tooLong })
        let (_, fine) = try fixture.service.edit(recordID: "rec-000", RecordEdit(turns: [nil, "It is a bright red colour, too."]), seenVersion: 2, by: root)
        #expect(!fine.contains { $0.code == QualityCode.tooLong })
    }

    @Test("an accepted record an adjudicator edits afterwards goes back to adjudication: nobody accepted the new text")
    func editingADecidedRecordReopensIt() throws {
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(passes: 1))
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        let (claim, state) = try pass(fixture, ann, batch, .accept)
        #expect(state.status == .accepted)
        let jo = try fixture.account("jo", role: .adjudicator)
        let (edited, _) = try fixture.service.edit(recordID: claim.recordID, RecordEdit(turns: [nil, "It is dark red."]), seenVersion: 1, by: jo)
        #expect(edited.status == .adjudication)
        #expect(try fixture.store.reviewState(recordID: claim.recordID)?.status == .adjudication)
    }

    @Test func skippedRecordsAreNotServedAgainToTheSameReviewer() throws {
        let fixture = try ReviewFixture(records: 2)
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        let first = try #require(try fixture.service.next(.batch(batch), for: ann))
        try fixture.service.skip(recordID: first.recordID, by: ann)
        let second = try #require(try fixture.service.next(.batch(batch), for: ann))
        #expect(second.recordID != first.recordID)
        try fixture.service.skip(recordID: second.recordID, by: ann)
        #expect(try fixture.service.next(.batch(batch), for: ann) == nil)
        // Someone else still gets the skipped records.
        #expect(try fixture.service.next(.batch(batch), for: try fixture.account("ben")) != nil)
        // Asked for, they come back to ann at once (the queue is no longer remembered as empty for her), and only
        // the one ben does not hold.
        #expect(try fixture.service.skippedCount(in: batch, by: ann) == 2)
        #expect(try fixture.service.unskip(batch, by: ann) == 2)
        #expect(try fixture.service.skippedCount(in: batch, by: ann) == 0)
        let back = try #require(try fixture.service.next(.batch(batch), for: ann))
        #expect([first.recordID, second.recordID].contains(back.recordID))
    }

    @Test func batchesServeOnlyTheirFilter() throws {
        let fixture = try ReviewFixture(records: 4)
        let ocr = try fixture.batch(ReviewBatchFilter(domains: ["ocr"]), name: "ocr")
        #expect(try fixture.store.reviewBatchCounts(ocr).records == 2)
        var seen: Set<String> = []
        for name in ["a1", "a2", "a3", "a4"] {
            let account = try fixture.account(name)
            while let claim = try fixture.service.next(.batch(ocr), for: account) {
                seen.insert(claim.recordID)
                try fixture.service.decide(
                    recordID: claim.recordID, verdict: .accept, reason: nil, pass: claim.pass, seenVersion: claim.version,
                    adjudication: false, by: account)
            }
        }
        #expect(seen == ["rec-000", "rec-002"])
        #expect(try fixture.store.reviewBatchCounts(ocr).accepted == 2)
    }

    @Test func batchCountsAreReusedForHalfAMinute() throws {
        let fixture = try ReviewFixture(records: 2, settings: ReviewSettings(passes: 1))
        let batch = try fixture.batch()
        #expect(try fixture.service.batchCounts(batch).accepted == 0)
        try pass(fixture, try fixture.account("ann"), batch, .accept)
        #expect(try fixture.service.batchCounts(batch).accepted == 0)  // the list shows counts up to 30 s old
        fixture.advance(seconds: 31)
        #expect(try fixture.service.batchCounts(batch).accepted == 1)
    }

    @Test("a reviewer's rewritten answer loses the grounding check's flag on it; untouched answers and other flags keep theirs")
    func rewrittenAnswersLeaveTheirGroundingFlags() throws {
        let fixture = try ReviewFixture(records: 1)
        var record = Record(
            id: "rec-two", sampleID: "sample-two", media: ["m000"],
            turns: [
                Turn(role: .user, text: "<image>\nWhat is on the table?"), Turn(role: .assistant, text: "A golden trumpet beside Mozart."),
                Turn(role: .user, text: "How many cups are there?"), Turn(role: .assistant, text: "There are 7 cups."),
            ],
            type: .multiRound, domain: "image_scene", skill: nil, language: "en", options: nil, answerKey: nil, checks: [],
            provenance: Provenance(generator: "model", template: "conversation", phrasing: 0, seed: 1))
        let mozart = QualityFlag(code: QualityCode.unsupported, reason: "turn 2: names that the captions and annotations never mention: Mozart")
        let seven = QualityFlag(code: QualityCode.underivableNumber, reason: "turn 4: 7 cannot be derived from the annotations")
        let duplicate = QualityFlag(code: QualityCode.nearDuplicate, reason: "like rec-000")
        record.flags = [mozart, seven, duplicate]
        try fixture.store.commit([StoreWrite(records: [record])])
        let admin = try fixture.account("root", role: .admin)
        let (_, flags) = try fixture.service.edit(
            recordID: "rec-two", RecordEdit(turns: [nil, nil, nil, "There are 3 cups."]), seenVersion: 1, by: admin)
        #expect(flags == [mozart, duplicate])
        #expect(try fixture.store.record(id: "rec-two")?.flags == [mozart, duplicate])
        // Rewriting the first question leaves its answer to the reviewer too.
        let (_, after) = try fixture.service.edit(
            recordID: "rec-two", RecordEdit(turns: ["<image>\nWho is pictured with the trumpet?", nil, nil, nil]), seenVersion: 2, by: admin)
        #expect(after == [duplicate])
    }

    @Test func editsAreVersionsWithValidatorsRerunAndStaleSavesRefused() throws {
        let fixture = try ReviewFixture(records: 1)
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        let claim = try #require(try fixture.service.next(.batch(batch), for: ann))
        // Dropping the <image> placeholder is refused: the record would show one image fewer than it has.
        let dropped = #expect(throws: ReviewRefusal.self) {
            try fixture.service.edit(recordID: claim.recordID, RecordEdit(turns: ["What colour is the cube?", "Blue."]), seenVersion: 1, by: ann)
        }
        #expect(dropped?.message.contains("must keep its 1 <image> placeholder") == true)
        // An answer longer than a short answer may be is a format problem the validators flag on save.
        let (saved, flags) = try fixture.service.edit(
            recordID: claim.recordID, RecordEdit(turns: [nil, "It is red and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny and shiny."]), seenVersion: 1, by: ann)
        #expect(saved.version == 2)
        #expect(flags.contains { $0.code == "format.too_long" })
        let versions = try fixture.store.recordVersions(claim.recordID)
        #expect(versions.map(\.version) == [1, 2])
        #expect(versions[0].author == "generated" && versions[0].record.turns[1].text == "It is red.")
        #expect(versions[1].author == "ann" && versions[1].note.contains("answer (turn 2)"))
        #expect(try fixture.store.record(id: claim.recordID)?.turns[1].text.hasPrefix("It is red and shiny") == true)

        // An admin saving on the version they loaded before ann's edit is refused, naming ann.
        let admin = try fixture.account("root", role: .admin)
        fixture.advance(seconds: 10_000)  // ann's lease has expired
        let refusal = #expect(throws: ReviewRefusal.self) {
            try fixture.service.edit(recordID: claim.recordID, RecordEdit(turns: ["<image>\nQ?", "A."]), seenVersion: 1, by: admin)
        }
        #expect(refusal?.kind == .conflict)
        #expect(refusal?.message.contains("by ann") == true)

        // Restoring version 1 adds version 3 with the generated text; nothing is overwritten.
        let restored = try fixture.service.restore(recordID: claim.recordID, version: 1, seenVersion: 2, by: admin)
        #expect(restored.version == 3)
        let after = try fixture.store.recordVersions(claim.recordID)
        #expect(after.map(\.version) == [1, 2, 3])
        #expect(after[2].note == "restored version 1" && after[2].record.turns == after[0].record.turns)
        #expect(try fixture.store.record(id: claim.recordID)?.flags.isEmpty == true)
    }

    @Test("an edit that leaves a turn out (nil) keeps that turn as it is")
    func anEditKeepsTheTurnsItLeavesOut() throws {
        let fixture = try ReviewFixture(records: 1, firstAnswer: "\nIt is red.\r\n")
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        let claim = try #require(try fixture.service.next(.batch(batch), for: ann))
        let (saved, _) = try fixture.service.edit(
            recordID: claim.recordID, RecordEdit(turns: ["<image>\nWhat colour is it?", nil]), seenVersion: 1, by: ann)
        #expect(saved.version == 2)
        #expect(try fixture.store.recordVersions(claim.recordID).last?.note == "edited question (turn 1)")
        #expect(try fixture.store.record(id: claim.recordID)?.turns[1].text == "\nIt is red.\r\n")
    }

    @Test("lowering the number of passes decides the records in review that already have enough, and lets go of their holds")
    func loweringPassesDecidesFinishedRecords() throws {
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(passes: 3))
        let batch = try fixture.batch()
        let (claim, _) = try pass(fixture, try fixture.account("ann"), batch, .accept)
        let (_, afterTwo) = try pass(fixture, try fixture.account("ben"), batch, .accept)
        #expect(afterTwo.status == .inReview && afterTwo.passes == 2)
        let cat = try fixture.account("cat")
        let held = try #require(try fixture.service.next(.batch(batch), for: cat))  // cat holds it for pass 3

        let lowered = try ReviewService(
            store: fixture.store, runDirectory: fixture.directory, settings: ReviewSettings(passes: 2),
            hasher: PasswordHasher(logRounds: 4, blockSize: 1), clock: { fixture.service.now })
        #expect(try lowered.settleFinishedRecords() == 1)
        let state = try #require(try fixture.store.reviewState(recordID: claim.recordID))
        #expect(state.status == .accepted && state.lease == nil)
        // Cat's pass is no longer needed: the verdict is refused, and nothing is left to serve.
        #expect(throws: ReviewRefusal.self) {
            try lowered.decide(
                recordID: held.recordID, verdict: .accept, reason: nil, pass: held.pass, seenVersion: held.version,
                adjudication: false, by: cat)
        }
        #expect(try lowered.next(.batch(batch), for: try fixture.account("dan")) == nil)
        #expect(try lowered.settleFinishedRecords() == 0)
    }

    @Test("resetting an account's password signs it out of every session")
    func resettingAPasswordEndsSessions() throws {
        let fixture = try ReviewFixture(records: 1)
        try fixture.account("ann")
        let login = try #require(try fixture.service.login(name: "ann", password: "password-ann"))
        #expect(try fixture.service.session(token: login.token)?.account.name == "ann")
        try fixture.service.addUser(name: "ann", role: .annotator, password: "a-new-password")
        #expect(try fixture.service.session(token: login.token) == nil)
        #expect(try fixture.service.login(name: "ann", password: "a-new-password") != nil)
    }

    @Test func annotatorsEditOnlyTheRecordTheyHold() throws {
        let fixture = try ReviewFixture(records: 2)
        let ann = try fixture.account("ann")
        let refusal = #expect(throws: ReviewRefusal.self) {
            try fixture.service.edit(recordID: "rec-001", RecordEdit(turns: ["<image>\nQ?", "A."]), seenVersion: 1, by: ann)
        }
        #expect(refusal?.kind == .forbidden)
    }

    @Test("an annotator's edit whose pass a verdict closed between its checks and its save is refused where it is saved")
    func anEditRacingItsOwnVerdictIsRefused() throws {
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(passes: 1, leaseSeconds: 60))
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        let held = try #require(try fixture.service.next(.batch(batch), for: ann))
        let record = try #require(try fixture.store.record(id: held.recordID))
        // The edit's first check passed while ann held the record; the verdict (another tab, a quick click) lands first.
        _ = try fixture.service.decide(
            recordID: held.recordID, verdict: .accept, reason: nil, pass: held.pass, seenVersion: held.version, adjudication: false, by: ann)
        var edited = record
        edited.turns[1].text = "An answer nobody accepted."
        let refusal = #expect(throws: ReviewRefusal.self) {
            try fixture.store.saveRecordVersion(
                edited, author: "ann", note: "edited answer (turn 2)", seenVersion: held.version, now: 1, holdingOpenPass: true)
        }
        #expect(refusal?.kind == .conflict)
        #expect(try fixture.store.record(id: held.recordID)?.turns[1].text == record.turns[1].text)
    }

    @Test func exportsSelectAcceptedRecordsWithTheirLatestVersion() throws {
        let fixture = try ReviewFixture(records: 3, settings: ReviewSettings(passes: 1))
        let batch = try fixture.batch(ReviewBatchFilter(domains: ["attribute_recognition"]))
        let ann = try fixture.account("ann")
        let claim = try #require(try fixture.service.next(.batch(batch), for: ann))
        let (edited, _) = try fixture.service.edit(
            recordID: claim.recordID, RecordEdit(turns: ["<image>\nWhat colour is the cube?", "It is green."]), seenVersion: 1, by: ann)
        try fixture.service.decide(
            recordID: claim.recordID, verdict: .accept, reason: nil, pass: claim.pass, seenVersion: edited.version,
            adjudication: false, by: ann)
        var exported: [(String, String)] = []
        try fixture.store.forEachExportRow(RecordSelection(review: .accepted)) { row, _ in
            exported.append((row.id, row.turns[1].text))
        }
        #expect(exported.count == 1)
        #expect(exported.first?.0 == claim.recordID && exported.first?.1 == "It is green.")
        var notRejected = 0
        try fixture.store.forEachExportRow(RecordSelection(review: .notRejected)) { _, _ in notRejected += 1 }
        #expect(notRejected == 3)
    }

    @Test func mediaOutsideTheRunAreNeverServed() throws {
        let fixture = try ReviewFixture(records: 1)
        #expect(try fixture.service.mediaFile(id: "m000")?.url.lastPathComponent == "m000.png")
        #expect(try fixture.service.mediaFile(id: "../m000") == nil)
        let outside = fixture.directory.deletingLastPathComponent().appendingPathComponent("loom-outside-\(UUID().uuidString).png")
        try Data(ReviewFixture.tinyPNG).write(to: outside)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(
            at: fixture.directory.appendingPathComponent("media/link.png"), withDestinationURL: outside)
        var write = StoreWrite()
        write.media = [
            MediaItem(id: "escape-dots", kind: .image, path: "../\(outside.lastPathComponent)", format: "png", width: 1, height: 1),
            MediaItem(id: "escape-absolute", kind: .image, path: outside.path, format: "png", width: 1, height: 1),
            MediaItem(id: "escape-link", kind: .image, path: "media/link.png", format: "png", width: 1, height: 1),
        ]
        try fixture.store.commit([write])
        for id in ["escape-dots", "escape-absolute", "escape-link"] {
            #expect(try fixture.service.mediaFile(id: id) == nil, "\(id) must not be served")
        }
    }

    @Test func passwordsAreSaltedSlowHashesThatVerify() throws {
        let hasher = PasswordHasher(logRounds: 4, blockSize: 1)
        let first = try hasher.hash("correct horse")
        let second = try hasher.hash("correct horse")
        #expect(first != second)  // a fresh salt each time
        #expect(first.hasPrefix("scrypt$4$1$1$"))
        #expect(PasswordHasher.verify("correct horse", against: first))
        #expect(!PasswordHasher.verify("correct horsE", against: first))
        #expect(!PasswordHasher.verify("correct horse", against: "scrypt$4$1$1$not-base64$x"))
        #expect(!PasswordHasher.verify("anything", against: ""))
    }

    @Test func loginsOpenSessionsThatExpire() throws {
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(sessionSeconds: 100))
        try fixture.account("ann")
        #expect(try fixture.service.login(name: "ann", password: "wrong") == nil)
        #expect(try fixture.service.login(name: "nobody", password: "password-ann") == nil)
        let login = try #require(try fixture.service.login(name: "ann", password: "password-ann"))
        #expect(try fixture.service.session(token: login.token)?.account.name == "ann")
        fixture.advance(seconds: 101)
        #expect(try fixture.service.session(token: login.token) == nil)
    }

    @Test func shortPasswordsAndOddNamesAreRefused() throws {
        let fixture = try ReviewFixture(records: 1)
        #expect(throws: LoomError.self) { try fixture.service.addUser(name: "ann", role: .annotator, password: "short") }
        #expect(throws: LoomError.self) { try fixture.service.addUser(name: "a b", role: .annotator, password: "long enough") }
    }
}
