import Foundation
import GRDB
import LoomCore

// The review tables (migration v5-review). Every method that checks and then changes is one write transaction:
// the store's single writer serializes them, so two reviewers can never both pass the same check.

extension RunStore {
    // MARK: Accounts and sessions

    /// Adds an account, or replaces the role and password of an existing one. Replacing them signs the account
    /// out everywhere: a password is reset because it leaked, and whoever used it must not stay signed in.
    public func saveReviewer(_ account: ReviewerAccount) throws {
        try write { db in
            try Self.cachedExecute(db, sql: """
                    INSERT INTO reviewers(name, role, password, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET role = excluded.role, password = excluded.password
                    """,
                arguments: [account.name, account.role.rawValue, account.passwordHash, account.createdAt])
            try Self.cachedExecute(db, sql: "DELETE FROM review_sessions WHERE reviewer = ?", arguments: [account.name])
        }
    }

    public func reviewer(named name: String) throws -> ReviewerAccount? {
        try read { db in
            try Self.cachedRow(db, sql: "SELECT * FROM reviewers WHERE name = ?", arguments: [name]).map(Self.reviewerAccount)
        }
    }

    public func reviewers() throws -> [ReviewerAccount] {
        try read { db in try Self.cachedRows(db, sql: "SELECT * FROM reviewers ORDER BY name").map(Self.reviewerAccount) }
    }

    /// Stores a login session under the hash of its token (the token itself is only in the browser's cookie).
    public func createReviewSession(tokenHash: String, reviewer: String, csrf: String, now: Double, expiresAt: Double) throws {
        try write { db in
            try Self.cachedExecute(db, sql: "DELETE FROM review_sessions WHERE expires_at <= ?", arguments: [now])
            try Self.cachedExecute(db, sql: "INSERT INTO review_sessions(token_hash, reviewer, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [tokenHash, reviewer, csrf, now, expiresAt])
        }
    }

    /// The account and CSRF token of an unexpired session.
    public func reviewSession(tokenHash: String, now: Double) throws -> (account: ReviewerAccount, csrf: String)? {
        try read { db in
            guard
                let row = try Self.cachedRow(db,
                    sql: """
                        SELECT r.*, s.csrf AS session_csrf FROM review_sessions s JOIN reviewers r ON r.name = s.reviewer
                        WHERE s.token_hash = ? AND s.expires_at > ?
                        """,
                    arguments: [tokenHash, now])
            else { return nil }
            return (Self.reviewerAccount(row), row["session_csrf"])
        }
    }

    public func deleteReviewSession(tokenHash: String) throws {
        try write { db in try Self.cachedExecute(db, sql: "DELETE FROM review_sessions WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    // MARK: Batches

    /// Creates a batch; a batch of the same name is refused.
    public func createReviewBatch(name: String, filter: ReviewBatchFilter, createdBy: String, now: Double) throws -> ReviewBatch {
        let json = String(decoding: try JSONEncoder().encode(filter), as: UTF8.self)
        return try write { db in
            if try Self.cachedOne(Bool.self, db, sql: "SELECT 1 FROM review_batches WHERE name = ?", arguments: [name]) == true {
                throw ReviewRefusal(.conflict, "a batch named '\(name)' exists already")
            }
            try Self.cachedExecute(db, sql: "INSERT INTO review_batches(name, filter, created_by, created_at) VALUES (?, ?, ?, ?)",
                arguments: [name, json, createdBy, now])
            return ReviewBatch(id: db.lastInsertedRowID, name: name, filter: filter, createdBy: createdBy, createdAt: now)
        }
    }

    public func reviewBatches() throws -> [ReviewBatch] {
        try read { db in try Self.cachedRows(db, sql: "SELECT * FROM review_batches ORDER BY id").map(Self.reviewBatch) }
    }

    public func reviewBatch(id: Int64) throws -> ReviewBatch? {
        try read { db in
            try Self.cachedRow(db, sql: "SELECT * FROM review_batches WHERE id = ?", arguments: [id]).map(Self.reviewBatch)
        }
    }

    /// How many records a batch holds, and how many of them are decided.
    public func reviewBatchCounts(_ batch: ReviewBatch) throws -> (records: Int, accepted: Int, rejected: Int, adjudication: Int) {
        let (condition, arguments) = Self.batchCondition(batch.filter)
        return try read { db in
            let row = try Self.cachedRow(db,
                sql: """
                    SELECT COUNT(*), SUM(s.status = 'accepted'), SUM(s.status = 'rejected'), SUM(s.status = 'adjudication')
                    FROM records r LEFT JOIN review_states s ON s.record_id = r.id WHERE \(condition)
                    """,
                arguments: arguments)
            return (row?[0] ?? 0, row?[1] ?? 0, row?[2] ?? 0, row?[3] ?? 0)
        }
    }

    // MARK: Claiming records

    /// Leases the next record of `queue` to `reviewer`: one they have not reviewed or skipped, that still needs a
    /// pass, and that nobody else holds. Records are walked in id order from the id found at `start` (0..<1) of
    /// the table (ids are hashes, so this is a shuffle of the generation order, and a new `start` per request
    /// starts each walk somewhere else). A reviewer
    /// holds one record at a time: claiming releases their other leases, and a lease they still hold on a record
    /// of this queue is returned again (a reload shows the same record).
    public func claimNextRecord(
        _ queue: ReviewQueue, reviewer: String, requiredPasses: Int, leaseSeconds: Double, start: Double, now: Double
    ) throws -> ReviewClaim? {
        try write { db in
            try Self.claimNextRecord(
                db, queue, reviewer: reviewer, requiredPasses: requiredPasses, leaseSeconds: leaseSeconds, start: start, now: now)
        }
    }

    /// `claimNextRecord`, with what the review screen shows of the claimed record read in the same transaction.
    ///
    /// Read on the writing connection, whose page cache stays warm: a reading connection drops its whole cache
    /// whenever another connection has committed, which under a team of reviewers is before nearly every read,
    /// so a separate read of the record fetched its pages from the file again (a seventh of the review
    /// server's CPU went to those `pread`s).
    /// It is a grouped write (`groupedWrite`): claims and verdicts of many reviewers share commits.
    public func claimNextRecordWithParts(
        _ queue: ReviewQueue, reviewer: String, requiredPasses: Int, leaseSeconds: Double, start: Double, now: Double
    ) async throws -> (claim: ReviewClaim, parts: ReviewRecordParts)? {
        try await groupedWrite { db in
            guard
                let claim = try Self.claimNextRecord(
                    db, queue, reviewer: reviewer, requiredPasses: requiredPasses, leaseSeconds: leaseSeconds, start: start, now: now),
                let parts = try Self.reviewRecordParts(db, claim.recordID)
            else { return nil }
            return (claim, parts)
        }
    }

    private static func claimNextRecord(
        _ db: Database, _ queue: ReviewQueue, reviewer: String, requiredPasses: Int, leaseSeconds: Double, start: Double, now: Double
    ) throws -> ReviewClaim? {
        // The id at a random place of the table: ids need not share a shape (template, model and imported
        // records differ), so a random id string could fall before or after all of them. Rowids are dense.
        let startID = try Self.cachedOne(String.self, db,
            sql: """
                SELECT id FROM records WHERE rowid >= (SELECT CAST(COALESCE(MAX(rowid), 0) * ? AS INTEGER) FROM records)
                ORDER BY rowid LIMIT 1
                """,
            arguments: [min(max(start, 0), 1)]) ?? ""
        let (condition, arguments) = Self.queueCondition(queue, reviewer: reviewer, requiredPasses: requiredPasses, now: now)
        let held = try Self.cachedRow(db,
            sql: """
                SELECT r.id, l.pass, COALESCE(s.version, 1) FROM review_leases l JOIN records r ON r.id = l.record_id
                LEFT JOIN review_states s ON s.record_id = r.id
                WHERE l.reviewer = ? AND l.expires_at > ? AND \(condition)
                """,
            arguments: [reviewer, now] + arguments)
        let chosen: (id: String, pass: Int, version: Int)?
        if let held {
            chosen = (held[0], held[1], held[2])
        } else {
            chosen = try Self.walkQueue(db, condition: condition, arguments: arguments, queue: queue, start: startID)
        }
        try Self.cachedExecute(db, sql: "DELETE FROM review_leases WHERE reviewer = ?", arguments: [reviewer])
        guard let chosen else { return nil }
        let expiresAt = now + leaseSeconds
        try Self.cachedExecute(db, sql: """
                INSERT INTO review_leases(record_id, reviewer, pass, expires_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(record_id) DO UPDATE SET reviewer = excluded.reviewer, pass = excluded.pass,
                    expires_at = excluded.expires_at
                """,
            arguments: [chosen.id, reviewer, chosen.pass, expiresAt])
        return ReviewClaim(
            recordID: chosen.id, pass: chosen.pass, version: chosen.version, expiresAt: expiresAt,
            adjudication: queue == .adjudication)
    }

    /// The first record from `start` on that satisfies `condition`, wrapping around to the beginning.
    private static func walkQueue(
        _ db: Database, condition: String, arguments: StatementArguments, queue: ReviewQueue, start: String
    ) throws -> (id: String, pass: Int, version: Int)? {
        // Forcing the id index keeps the walk in id order and stops it at the first match.
        let source: String
        let idColumn: String
        switch queue {
        case .batch:
            source = """
                records r INDEXED BY sqlite_autoindex_records_1 LEFT JOIN review_states s ON s.record_id = r.id
                LEFT JOIN review_leases l ON l.record_id = r.id
                """
            idColumn = "r.id"
        case .adjudication:
            source = """
                review_states s INDEXED BY review_states_by_status JOIN records r ON r.id = s.record_id
                LEFT JOIN review_leases l ON l.record_id = r.id
                """
            idColumn = "s.record_id"
        }
        for range in ["\(idColumn) >= ?", "\(idColumn) < ?"] {
            if let row = try Self.cachedRow(db,
                sql: """
                    SELECT r.id, COALESCE(s.passes, 0), COALESCE(s.version, 1) FROM \(source)
                    WHERE \(range) AND \(condition) ORDER BY \(idColumn) LIMIT 1
                    """,
                arguments: [start] + arguments)
            {
                return (row[0], (row[1] as Int) + 1, row[2])
            }
        }
        return nil
    }

    /// The condition a record must meet to be served from `queue` to `reviewer` now.
    private static func queueCondition(
        _ queue: ReviewQueue, reviewer: String, requiredPasses: Int, now: Double
    ) -> (String, StatementArguments) {
        let free = "(l.record_id IS NULL OR l.expires_at <= ? OR l.reviewer = ?)"
        switch queue {
        case .adjudication:
            return ("s.status = 'adjudication' AND \(free)", [now, reviewer])
        case .batch(let batch):
            let (filter, filterArguments) = batchCondition(batch.filter)
            let sql = """
                \(filter) AND (s.record_id IS NULL OR (s.status IN ('pending', 'in_review') AND s.passes < ?)) AND \(free)
                AND NOT EXISTS (SELECT 1 FROM review_passes p WHERE p.reviewer = ? AND p.record_id = r.id)
                AND NOT EXISTS (SELECT 1 FROM review_skips k WHERE k.record_id = r.id AND k.reviewer = ?)
                """
            return (sql, filterArguments + [requiredPasses, now, reviewer, reviewer, reviewer])
        }
    }

    /// A batch filter as SQL over `records r`.
    static func batchCondition(_ filter: ReviewBatchFilter) -> (String, StatementArguments) {
        var conditions = ["1"]
        var arguments: [any DatabaseValueConvertible] = []
        for (column, values) in [("r.domain", filter.domains), ("r.type", filter.types), ("r.skill", filter.skills)]
        where !values.isEmpty {
            conditions.append("\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))")
            arguments += values.map { $0 as any DatabaseValueConvertible }
        }
        switch filter.flags {
        case .include: break
        case .exclude: conditions.append("r.flagged = 0")
        case .only: conditions.append("r.flagged = 1")
        }
        if let code = filter.flagCode {
            // The canonical record JSON writes each flag as {"code":"…","reason":"…"}.
            conditions.append("instr(r.body, ?) > 0")
            arguments.append("\"code\":\(JSONText.quoted(code))")
        }
        switch filter.verdict {
        case nil: break
        case .supported?: conditions.append("EXISTS (SELECT 1 FROM verdicts v WHERE v.record_id = r.id AND v.supported = 1)")
        case .unsupported?: conditions.append("EXISTS (SELECT 1 FROM verdicts v WHERE v.record_id = r.id AND v.supported = 0)")
        case .unjudged?: conditions.append("NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.record_id = r.id)")
        }
        return (conditions.joined(separator: " AND "), StatementArguments(arguments))
    }

    // MARK: Deciding

    /// Records a verdict for the pass the reviewer claimed. Refused when someone else holds the record, when the
    /// pass or the version changed since the reviewer loaded it, or when the record is decided. `resolve` turns
    /// the verdicts so far into the record's new status (the team's disagreement policy).
    @discardableResult
    public func submitReviewVerdict(
        recordID: String, reviewer: String, verdict: ReviewVerdict, reason: String?, pass: Int, seenVersion: Int,
        adjudication: Bool, resolve: @Sendable ([ReviewVerdict]) -> ReviewStatus, now: Double
    ) throws -> ReviewState {
        try write { db in
            try Self.submitReviewVerdict(
                db, recordID: recordID, reviewer: reviewer, verdict: verdict, reason: reason, pass: pass, seenVersion: seenVersion,
                adjudication: adjudication, resolve: resolve, now: now)
        }
    }

    /// `submitReviewVerdict` as a grouped write (`groupedWrite`): the review app's verdicts share commits.
    @discardableResult
    public func submitReviewVerdict(
        recordID: String, reviewer: String, verdict: ReviewVerdict, reason: String?, pass: Int, seenVersion: Int,
        adjudication: Bool, resolve: @escaping @Sendable ([ReviewVerdict]) -> ReviewStatus, now: Double
    ) async throws -> ReviewState {
        try await groupedWrite { db in
            try Self.submitReviewVerdict(
                db, recordID: recordID, reviewer: reviewer, verdict: verdict, reason: reason, pass: pass, seenVersion: seenVersion,
                adjudication: adjudication, resolve: resolve, now: now)
        }
    }

    private static func submitReviewVerdict(
        _ db: Database, recordID: String, reviewer: String, verdict: ReviewVerdict, reason: String?, pass: Int, seenVersion: Int,
        adjudication: Bool, resolve: ([ReviewVerdict]) -> ReviewStatus, now: Double
    ) throws -> ReviewState {
        let state = try Self.reviewState(db, recordID: recordID)
        try Self.checkHold(db, state: state, reviewer: reviewer, now: now)
        try Self.checkVersion(db, state: state, seenVersion: seenVersion)
        if adjudication {
            guard state.status == .adjudication else {
                throw ReviewRefusal(.closed, "this record is \(state.status.rawValue), not waiting for adjudication")
            }
        } else {
            guard state.status.isOpen else {
                throw ReviewRefusal(.closed, "this record is already \(state.status.rawValue); your verdict was not saved. Load the next record")
            }
            guard state.passes + 1 == pass else {
                throw ReviewRefusal(
                    .conflict,
                    "pass \(pass) of this record was completed by someone else while you had it open; load the next record")
            }
            if try Self.cachedOne(Bool.self, db, sql: "SELECT 1 FROM review_passes WHERE record_id = ? AND reviewer = ?", arguments: [recordID, reviewer]) == true
            {
                throw ReviewRefusal(.closed, "you have already reviewed this record; passes must be independent")
            }
            // A pass is the reviewer's only when the queue served it to them: a verdict on a record picked by id
            // would let reviewers choose which records they pass, which random serving rules out.
            guard let lease = state.lease, lease.reviewer == reviewer, lease.pass == pass else {
                throw ReviewRefusal(
                    .forbidden, "this record was not served to you for pass \(pass) (or you have moved on from it); your verdict was not saved. Load the next record")
            }
        }
        let number = (try Self.cachedOne(Int.self, db, sql: "SELECT MAX(pass) FROM review_passes WHERE record_id = ?", arguments: [recordID]) ?? 0) + 1
        try Self.cachedExecute(db, sql: """
                INSERT INTO review_passes(record_id, pass, reviewer, verdict, reason, version, adjudication, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [recordID, number, reviewer, verdict.rawValue, reason, state.version, adjudication, now])
        var updated = state
        if adjudication {
            updated.status = verdict == .accept ? .accepted : .rejected
        } else {
            updated.passes += 1
            let verdicts = try Self.cachedAll(String.self, db, sql: "SELECT verdict FROM review_passes WHERE record_id = ? AND adjudication = 0 ORDER BY pass",
                arguments: [recordID]
            ).compactMap(ReviewVerdict.init(rawValue:))
            updated.status = resolve(verdicts)
        }
        updated.updatedAt = now
        updated.lease = nil
        try Self.saveState(db, updated)
        try Self.cachedExecute(db, sql: "DELETE FROM review_leases WHERE record_id = ?", arguments: [recordID])
        return updated
    }

    /// Decides again the records still in review that have as many passes as `required` or more: after the team
    /// lowers its number of passes, they would otherwise never be served again (they have enough passes) nor
    /// decided (a status is worked out only when a verdict comes). Decided records stay decided when it is raised.
    /// Returns how many changed status.
    @discardableResult
    public func redecideReviews(required: Int, _ resolve: @escaping @Sendable ([ReviewVerdict]) -> ReviewStatus, now: Double) throws -> Int {
        try write { db in
            let ids = try String.fetchAll(
                db, sql: "SELECT record_id FROM review_states WHERE status = 'in_review' AND passes >= ? ORDER BY record_id",
                arguments: [required])
            var changed = 0
            for id in ids {
                let verdicts = try Self.cachedAll(String.self, db, sql: "SELECT verdict FROM review_passes WHERE record_id = ? AND adjudication = 0 ORDER BY pass",
                    arguments: [id]
                ).compactMap(ReviewVerdict.init(rawValue:))
                var state = try Self.reviewState(db, recordID: id)
                let status = resolve(verdicts)
                guard status != state.status else { continue }
                state.status = status
                state.updatedAt = now
                try Self.saveState(db, state)
                // A hold taken for a pass the record no longer needs is let go.
                if status != .inReview { try Self.cachedExecute(db, sql: "DELETE FROM review_leases WHERE record_id = ?", arguments: [id]) }
                changed += 1
            }
            return changed
        }
    }

    // MARK: Versions

    /// Saves `record` as the record's next version, refused if the current version is not `seenVersion` (someone
    /// saved meanwhile) or if someone else holds the record. The first edit also keeps the generated record as
    /// version 1. The `records` row takes the new content, so exports read the latest version.
    @discardableResult
    /// - Parameter holdingOpenPass: whether `author` must hold the record's lease, with its pass still open (an
    ///   annotator): checked in the transaction that saves, so a verdict that closed the pass meanwhile wins.
    /// - Parameter seenPass: the pass the editor's page was doing, and whether it was an adjudication; refused once
    ///   that pass is completed (a pass counted, or the adjudication decided).
    public func saveRecordVersion(
        _ record: LoomCore.Record, author: String, note: String, seenVersion: Int, now: Double, holdingOpenPass: Bool = false,
        seenPass: (pass: Int, adjudication: Bool)? = nil
    ) throws -> ReviewState {
        // Versions keep the whole record's JSON: each stands on its own, whatever the record's columns say later.
        let body = record.canonicalJSON
        let shareGPT = record.shareGPTJSON
        return try write { db in
            let state = try Self.reviewState(db, recordID: record.id)
            try Self.checkHold(db, state: state, reviewer: author, now: now)
            if holdingOpenPass {
                guard let lease = state.lease, lease.reviewer == author, state.status.isOpen else {
                    throw ReviewRefusal(
                        .conflict, "the pass you were doing on this record was completed meanwhile (your verdict, or another tab's); your edit was not saved")
                }
            }
            if let seenPass, seenPass.adjudication ? state.status != .adjudication : state.passes >= seenPass.pass {
                throw ReviewRefusal(
                    .conflict,
                    "the record was decided while you had it open (it is now \(state.status.rawValue), after \(state.passes) passes); your edit was not saved. Reload to see it")
            }
            try Self.checkVersion(db, state: state, seenVersion: seenVersion)
            if state.version == 1,
                try Self.cachedOne(Bool.self, db, sql: "SELECT 1 FROM record_versions WHERE record_id = ?", arguments: [record.id]) != true,
                let row = try Self.cachedRow(db, sql: "SELECT \(StoredRecord.columns), flagged FROM records WHERE id = ?", arguments: [record.id])
            {
                let generated = StoredRecord(row: row)
                try Self.cachedExecute(db, sql: """
                        INSERT INTO record_versions(record_id, version, author, created_at, note, sharegpt, body, flagged)
                        VALUES (?, 1, 'generated', ?, 'as generated', ?, ?, ?)
                        """,
                    arguments: [record.id, now, generated.shareGPT, try generated.record().canonicalJSON, row[9] as Int])
            }
            var updated = state
            updated.version += 1
            updated.updatedAt = now
            // A decided record changed afterwards (an adjudicator's edit from its history) goes back to adjudication:
            // its decision was on text it no longer has, and `--review accepted` must not export text nobody accepted.
            if state.status == .accepted || state.status == .rejected { updated.status = .adjudication }
            try Self.cachedExecute(db, sql: """
                    INSERT INTO record_versions(record_id, version, author, created_at, note, sharegpt, body, flagged)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [record.id, updated.version, author, now, note, shareGPT, body, record.flags.isEmpty ? 0 : 1])
            // The content digest of records follows the edit (`ContentDigests`): the row's item before and after.
            let kept = try ContentDigests.keptTables(db).contains("records")
            var digest = MultisetDigest()
            if kept, let old = try ContentDigests.storedItem(table: "records", key: record.id, in: db) { digest.remove(old) }
            try Self.cachedExecute(db, sql: StoredRecord.updateSQL, arguments: StoredRecord.updateArguments(record, id: record.id))
            if kept, let new = try ContentDigests.storedItem(table: "records", key: record.id, in: db) { digest.add(new) }
            try ContentDigests.apply(["records": digest], in: db)
            try Self.saveState(db, updated)
            return updated
        }
    }

    /// Every version of a record, oldest first (empty until its first edit: then version 1 is as generated).
    public func recordVersions(_ recordID: String) throws -> [RecordVersion] {
        try read { db in
            try Self.cachedRows(db, sql: "SELECT * FROM record_versions WHERE record_id = ? ORDER BY version", arguments: [recordID]
            ).map(Self.recordVersion)
        }
    }

    /// The review state of a record (pending with no passes if it has none yet); nil if there is no such record.
    public func reviewState(recordID: String) throws -> ReviewState? {
        try read { db in
            guard try Self.cachedOne(Bool.self, db, sql: "SELECT 1 FROM records WHERE id = ?", arguments: [recordID]) == true else {
                return nil
            }
            return try Self.reviewState(db, recordID: recordID)
        }
    }

    /// The passes of a record, in order.
    public func reviewPasses(recordID: String) throws -> [ReviewPass] {
        try read { db in
            try Self.cachedRows(db, sql: "SELECT * FROM review_passes WHERE record_id = ? ORDER BY pass", arguments: [recordID])
                .map(Self.reviewPass)
        }
    }

    // MARK: Plumbing

    static func reviewState(_ db: Database, recordID: String) throws -> ReviewState {
        let lease = try Self.cachedRow(db, sql: "SELECT * FROM review_leases WHERE record_id = ?", arguments: [recordID]).map {
            ReviewLease(recordID: $0["record_id"], reviewer: $0["reviewer"], pass: $0["pass"], expiresAt: $0["expires_at"])
        }
        guard let row = try Self.cachedRow(db, sql: "SELECT * FROM review_states WHERE record_id = ?", arguments: [recordID]) else {
            guard try Self.cachedOne(Bool.self, db, sql: "SELECT 1 FROM records WHERE id = ?", arguments: [recordID]) == true else {
                throw ReviewRefusal(.notFound, "there is no record \(recordID)")
            }
            return ReviewState(recordID: recordID, status: .pending, version: 1, passes: 0, updatedAt: 0, lease: lease)
        }
        return ReviewState(
            recordID: recordID, status: ReviewStatus(rawValue: row["status"]) ?? .pending, version: row["version"],
            passes: row["passes"], updatedAt: row["updated_at"], lease: lease)
    }

    private static func saveState(_ db: Database, _ state: ReviewState) throws {
        try Self.cachedExecute(db, sql: """
                INSERT INTO review_states(record_id, status, version, passes, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(record_id) DO UPDATE SET status = excluded.status, version = excluded.version,
                    passes = excluded.passes, updated_at = excluded.updated_at
                """,
            arguments: [state.recordID, state.status.rawValue, state.version, state.passes, state.updatedAt])
    }

    /// Refuses when another reviewer holds an unexpired lease on the record.
    private static func checkHold(_ db: Database, state: ReviewState, reviewer: String, now: Double) throws {
        if let lease = state.lease, lease.reviewer != reviewer, lease.expiresAt > now {
            throw ReviewRefusal(.leased, "\(lease.reviewer) is reviewing this record now; your change was not saved")
        }
    }

    /// Refuses a change made on a version that is no longer the current one, naming who saved the newer one.
    private static func checkVersion(_ db: Database, state: ReviewState, seenVersion: Int) throws {
        guard state.version != seenVersion else { return }
        let newer = try Self.cachedRow(db, sql: "SELECT author, created_at FROM record_versions WHERE record_id = ? AND version = ?",
            arguments: [state.recordID, state.version])
        let who = newer.map { " by \($0["author"] as String)" } ?? ""
        throw ReviewRefusal(
            .conflict,
            "this record was changed\(who) while you had it open (you saw version \(seenVersion), it is now version \(state.version)); your change was not saved. Reload to see the current version")
    }

    private static func reviewerAccount(_ row: Row) -> ReviewerAccount {
        ReviewerAccount(
            name: row["name"], role: ReviewerRole(rawValue: row["role"]) ?? .annotator, passwordHash: row["password"],
            createdAt: row["created_at"])
    }

    private static func reviewBatch(_ row: Row) throws -> ReviewBatch {
        ReviewBatch(
            id: row["id"], name: row["name"], filter: try decode(ReviewBatchFilter.self, row["filter"]),
            createdBy: row["created_by"], createdAt: row["created_at"])
    }

    static func recordVersion(_ row: Row) throws -> RecordVersion {
        RecordVersion(
            recordID: row["record_id"], version: row["version"], author: row["author"], createdAt: row["created_at"],
            note: row["note"], record: try decode(LoomCore.Record.self, row["body"]))
    }

    static func reviewPass(_ row: Row) -> ReviewPass {
        ReviewPass(
            recordID: row["record_id"], pass: row["pass"], reviewer: row["reviewer"],
            verdict: ReviewVerdict(rawValue: row["verdict"]) ?? .reject, reason: row["reason"], version: row["version"],
            adjudication: row["adjudication"], createdAt: row["created_at"])
    }

    // MARK: Cached statements

    // The review app runs the same few statements thousands of times a minute. Compiling a statement (with GRDB's
    // authorizer) cost more than running it, so every statement here comes from the connection's cache.

    static func cachedRow(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func cachedRows(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func cachedOne<T: DatabaseValueConvertible & StatementColumnConvertible>(
        _ type: T.Type, _ db: Database, sql: String, arguments: StatementArguments = StatementArguments()
    ) throws -> T? {
        try T.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    private static func cachedAll<T: DatabaseValueConvertible & StatementColumnConvertible>(
        _ type: T.Type, _ db: Database, sql: String, arguments: StatementArguments = StatementArguments()
    ) throws -> [T] {
        try T.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func cachedExecute(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

}
