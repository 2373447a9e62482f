import Foundation
import LoomCore
import LoomReview
import LoomStore
import Testing

/// The review app's claims and verdicts go through the store's group commit: many at once, each in its own
/// savepoint of a shared transaction. These hold that grouping changes nothing a reviewer can see.
@Suite("Claims and verdicts committed in groups")
struct GroupedReviewWriteTests {
    @Test func concurrentClaimsNeverHandOneRecordToTwoReviewers() async throws {
        let fixture = try ReviewFixture(records: 12)
        let batch = try fixture.batch()
        let reviewers = try (0..<16).map { try fixture.account("r\($0)") }
        let claimed = try await withThrowingTaskGroup(of: String?.self) { group in
            for reviewer in reviewers {
                group.addTask { try await fixture.service.nextWithView(.batch(batch), for: reviewer)?.claim.recordID }
            }
            var ids: [String?] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        let records = claimed.compactMap { $0 }
        // Twelve records, sixteen reviewers: every record leased once, four reviewers told the batch is empty.
        #expect(records.count == 12)
        #expect(Set(records).count == 12)
    }

    @Test func theViewReadWithTheClaimIsTheRecordsView() async throws {
        let fixture = try ReviewFixture(records: 3)
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        let (claim, view) = try #require(try await fixture.service.nextWithView(.batch(batch), for: ann))
        let separate = try fixture.service.view(recordID: claim.recordID)
        #expect(view.record == separate.record)
        #expect(view.state == separate.state)
        #expect(view.media == separate.media)
        #expect(view.checklist == separate.checklist)
        #expect(view.annotations == separate.annotations)
        #expect(view.state.lease?.reviewer == "ann")
    }

    @Test func aRefusedVerdictInAGroupLeavesTheOthersSaved() async throws {
        let fixture = try ReviewFixture(records: 8, settings: ReviewSettings(passes: 1))
        let batch = try fixture.batch()
        let reviewers = try (0..<8).map { try fixture.account("r\($0)") }
        var claims: [(ReviewerAccount, ReviewClaim)] = []
        for reviewer in reviewers {
            let claim = try #require(try await fixture.service.nextWithView(.batch(batch), for: reviewer)?.claim)
            claims.append((reviewer, claim))
        }
        // Every second verdict names a version the record never had: refused, while the rest land.
        let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
            for (index, (reviewer, claim)) in claims.enumerated() {
                group.addTask {
                    do {
                        _ = try await fixture.service.decide(
                            recordID: claim.recordID, verdict: .accept, reason: nil, pass: claim.pass,
                            seenVersion: index % 2 == 0 ? claim.version : claim.version + 5, adjudication: false, by: reviewer)
                        return (claim.recordID, true)
                    } catch {
                        return (claim.recordID, false)
                    }
                }
            }
            var outcomes: [(String, Bool)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        #expect(outcomes.filter(\.1).count == 4)
        for (recordID, saved) in outcomes {
            let state = try #require(try fixture.store.reviewState(recordID: recordID))
            #expect((state.status == .accepted) == saved, "record \(recordID)")
            #expect(state.passes == (saved ? 1 : 0), "record \(recordID)")
            #expect(try fixture.store.reviewPasses(recordID: recordID).count == (saved ? 1 : 0))
        }
    }

    @Test func twoVerdictsRacingForOnePassSaveOne() async throws {
        let fixture = try ReviewFixture(records: 1, settings: ReviewSettings(passes: 2, leaseSeconds: 60))
        let batch = try fixture.batch()
        let ann = try fixture.account("ann")
        let ben = try fixture.account("ben")
        let stale = try #require(try await fixture.service.nextWithView(.batch(batch), for: ann)?.claim)
        fixture.advance(seconds: 61)
        let fresh = try #require(try await fixture.service.nextWithView(.batch(batch), for: ben)?.claim)
        #expect(fresh.recordID == stale.recordID)
        async let first: ReviewState? = try? fixture.service.decide(
            recordID: stale.recordID, verdict: .accept, reason: nil, pass: stale.pass, seenVersion: stale.version,
            adjudication: false, by: ann)
        async let second: ReviewState? = try? fixture.service.decide(
            recordID: fresh.recordID, verdict: .accept, reason: nil, pass: fresh.pass, seenVersion: fresh.version,
            adjudication: false, by: ben)
        let results = await [first, second]
        // Ben holds the lease now: only his verdict is saved, whichever ran first.
        #expect(results[0] == nil)
        #expect(results[1]?.passes == 1)
        #expect(try fixture.store.reviewPasses(recordID: fresh.recordID).map(\.reviewer) == ["ben"])
    }
}
