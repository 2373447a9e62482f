import Foundation
import GRDB
import LoomCore

/// Records a reviewer skipped (`review_skips`): not served to them again until they ask for them back.
extension RunStore {
    /// How many of `batch`'s records `reviewer` skipped (and so is not served).
    public func reviewSkipCount(reviewer: String, batch: ReviewBatch) throws -> Int {
        let (condition, arguments) = Self.batchCondition(batch.filter)
        return try read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM review_skips k JOIN records r ON r.id = k.record_id WHERE k.reviewer = ? AND \(condition)",
                arguments: [reviewer] + arguments) ?? 0
        }
    }

    /// Forgets `reviewer`'s skips of `batch`'s records, so that they are served to them again (those still needing
    /// a pass); returns how many were forgotten.
    @discardableResult
    public func clearReviewSkips(reviewer: String, batch: ReviewBatch) throws -> Int {
        let (condition, arguments) = Self.batchCondition(batch.filter)
        return try write { db in
            try db.execute(
                sql: "DELETE FROM review_skips WHERE reviewer = ? AND record_id IN (SELECT r.id FROM records r WHERE \(condition))",
                arguments: [reviewer] + arguments)
            return db.changesCount
        }
    }

    /// Gives a leased record back without a verdict; the reviewer is not served it again (until they ask for
    /// their skipped records back, `clearReviewSkips`).
    ///
    /// - Throws: `ReviewRefusal` when the reviewer does not hold the record: a skip of any id would otherwise add a
    ///   row for it.
    public func skipReviewRecord(recordID: String, reviewer: String) throws {
        try write { db in
            guard try Self.cachedOne(Bool.self, db, sql: "SELECT 1 FROM review_leases WHERE record_id = ? AND reviewer = ?", arguments: [recordID, reviewer]) == true
            else {
                throw ReviewRefusal(.forbidden, "you are not reviewing this record; load it from a batch first")
            }
            try Self.cachedExecute(db, sql: "INSERT OR IGNORE INTO review_skips(record_id, reviewer) VALUES (?, ?)", arguments: [recordID, reviewer])
            try Self.cachedExecute(db, sql: "DELETE FROM review_leases WHERE record_id = ? AND reviewer = ?", arguments: [recordID, reviewer])
        }
    }
}
