import GRDB

// Manual correction's progress figures, read from the review tables (`RunStore+Review`).

extension RunStore {
    /// Passes per round (pass number) and verdict, annotator passes only.
    public func reviewRounds() throws -> [(pass: Int, accepted: Int, rejected: Int)] {
        try read { db in
            try Self.cachedRows(db,
                sql: """
                    SELECT pass, SUM(verdict = 'accept'), SUM(verdict = 'reject') FROM review_passes WHERE adjudication = 0
                    GROUP BY pass ORDER BY pass
                    """
            ).map { ($0[0], $0[1], $0[2]) }
        }
    }

    /// Records per review status (records without a state row count as pending).
    public func reviewStatusCounts() throws -> [ReviewStatus: Int] {
        try read { db in
            var counts: [ReviewStatus: Int] = [:]
            for row in try Self.cachedRows(db, sql: "SELECT status, COUNT(*) FROM review_states GROUP BY status") {
                if let status = ReviewStatus(rawValue: row[0]) { counts[status] = row[1] }
            }
            let total = try Self.cachedOne(Int.self, db, sql: "SELECT COUNT(*) FROM records") ?? 0
            let withState = try Self.cachedOne(Int.self, db, sql: "SELECT COUNT(*) FROM review_states") ?? 0
            counts[.pending, default: 0] += total - withState
            return counts
        }
    }

    /// Each reviewer's passes: how many, accepted, the first and last time, and how many since `since`.
    public func reviewerActivity(since: Double) throws -> [(reviewer: String, passes: Int, accepted: Int, first: Double, last: Double, recent: Int)] {
        try read { db in
            try Self.cachedRows(db,
                sql: """
                    SELECT reviewer, COUNT(*), SUM(verdict = 'accept'), MIN(created_at), MAX(created_at), SUM(created_at >= ?)
                    FROM review_passes GROUP BY reviewer ORDER BY reviewer
                    """,
                arguments: [since]
            ).map { ($0[0], $0[1], $0[2], $0[3], $0[4], $0[5]) }
        }
    }

    /// Streams every annotator pass grouped by record (record id order, then pass order), for agreement statistics.
    public func forEachReviewPass(_ body: (ReviewPass) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM review_passes WHERE adjudication = 0 ORDER BY record_id, pass")
            while let row = try rows.next() { try body(Self.reviewPass(row)) }
        }
    }
}
