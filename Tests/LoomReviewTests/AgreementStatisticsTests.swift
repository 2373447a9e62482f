import LoomReview
import LoomStore
import Testing

@Suite("Agreement statistics")
struct AgreementStatisticsTests {
    /// Passes of three reviewers a, b, c over four records, verdicts per record in reviewer order.
    private func passes(_ table: [[ReviewVerdict]]) -> [ReviewPass] {
        table.enumerated().flatMap { record, verdicts in
            verdicts.enumerated().map { index, verdict in
                ReviewPass(
                    recordID: "r\(record)", pass: index + 1, reviewer: ["a", "b", "c"][index], verdict: verdict, reason: nil,
                    version: 1, adjudication: false, createdAt: 0)
            }
        }
    }

    @Test func fleissAndCohenMatchHandComputedValues() throws {
        let all = passes([[.accept, .accept, .accept], [.accept, .accept, .reject], [.reject, .reject, .reject], [.accept, .reject, .reject]])
        let statistics = try AgreementStatistics.compute { body in for pass in all { try body(pass) } }
        // Per-record agreement 1, 1/3, 1, 1/3 (mean 2/3); accepts are half the verdicts (chance 1/2): kappa 1/3.
        #expect(abs((statistics.fleiss ?? 0) - 1.0 / 3.0) < 1e-12)
        #expect(statistics.fleissRaters == 3 && statistics.fleissRecords == 4)
        // a and b agree on 3 of 4; a accepts 3/4, b 2/4: chance 1/2, kappa 1/2.
        let ab = statistics.pairs.first { $0.first == "a" && $0.second == "b" }
        #expect(ab?.records == 4 && ab?.observed == 0.75)
        #expect(abs((ab?.kappa ?? 0) - 0.5) < 1e-12)
        #expect(statistics.pairs.count == 3)
    }

    @Test func kappaIsUndefinedWhenEveryVerdictIsTheSame() throws {
        let all = passes([[.accept, .accept, .accept], [.accept, .accept, .accept]])
        let statistics = try AgreementStatistics.compute { body in for pass in all { try body(pass) } }
        #expect(statistics.fleiss == nil)
        #expect(statistics.pairs.allSatisfy { $0.kappa == nil && $0.observed == 1 })
    }

    @Test func recordsWithOnePassDoNotCount() throws {
        let one = passes([[.accept]])
        let statistics = try AgreementStatistics.compute { body in for pass in one { try body(pass) } }
        #expect(statistics.fleiss == nil && statistics.fleissRecords == 0 && statistics.pairs.isEmpty)
    }
}
