import Crypto
import Foundation
import LoomCore
import LoomQuality
import LoomStore
import Synchronization

/// Manual correction of one run: accounts and logins, batches, leasing records to reviewers, verdicts under the
/// disagreement policy, edits as new versions with the validators re-run, restores, and progress. The web app
/// and the CLI call this; it holds no HTTP.
///
/// Every check-then-change happens inside one store transaction, so concurrent reviewers cannot race past each
/// other. Time comes from `clock`, so tests move it instead of sleeping.
public final class ReviewService: Sendable {
    public let store: RunStore
    /// The run directory: media paths in the store are relative to it.
    public let runDirectory: URL
    public let settings: ReviewSettings
    public let checklists: ReviewChecklists
    private let validator: RecordValidator
    private let hasher: PasswordHasher
    private let clock: @Sendable () -> Double
    /// A hash, at this service's cost, of a password nobody has: checked when a login names an unknown account.
    private let decoyHash: String
    /// Open sessions by token hash, with the time until which they are trusted without asking the store.
    private let sessionCache = Mutex<[String: (session: ReviewSession, validUntil: Double)]>([:])
    /// Batches by id (see `batch(id:)`).
    private let batchCache = Mutex<[Int64: ReviewBatch]>([:])
    /// Batch counts by batch id, with the time until which they are shown without counting again.
    private let countCache = BatchCountCache(seconds: ReviewService.batchCountSeconds)
    private let emptyQueues = EmptyQueueMemo(seconds: ReviewService.emptyQueueSeconds)

    public init(
        store: RunStore, runDirectory: URL, settings: ReviewSettings, hasher: PasswordHasher = PasswordHasher(),
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) throws {
        self.store = store
        self.runDirectory = runDirectory.standardizedFileURL
        self.settings = settings
        self.hasher = hasher
        self.clock = clock
        checklists = try ReviewChecklists()
        validator = RecordValidator(settings: try Self.storedValidation(store))
        decoyHash = try hasher.hash(Self.randomToken())
    }

    /// The settings the run's quality stage validated with (`ValidationSettings.metaKey`), or the defaults: a
    /// correction is checked as the run checked the record.
    static func storedValidation(_ store: RunStore) throws -> ValidationSettings {
        guard let json = try store.meta(ValidationSettings.metaKey) else { return ValidationSettings() }
        do {
            return try JSONDecoder().decode(ValidationSettings.self, from: Data(json.utf8))
        } catch {
            throw LoomError(.store, "the stored validation settings cannot be read: \(error)", subject: ValidationSettings.metaKey)
        }
    }

    /// The review settings a run's recipe stored, or the defaults.
    public static func storedSettings(_ store: RunStore) throws -> ReviewSettings {
        guard let json = try store.meta(ReviewSettings.metaKey) else { return ReviewSettings() }
        do {
            return try JSONDecoder().decode(ReviewSettings.self, from: Data(json.utf8))
        } catch {
            throw LoomError(.store, "the stored review settings cannot be read: \(error)", subject: ReviewSettings.metaKey)
        }
    }

    public var now: Double { clock() }

    // MARK: Accounts

    /// Creates an account (or resets its role and password).
    public func addUser(name: String, role: ReviewerRole, password: String) throws {
        guard Self.isValidName(name) else {
            throw LoomError(.usage, "a reviewer name is 1–64 letters, digits, '.', '_' or '-'", subject: name)
        }
        guard password.count >= PasswordHasher.minimumLength else {
            throw LoomError(.usage, "the password is too short: at least \(PasswordHasher.minimumLength) characters", subject: name)
        }
        try store.saveReviewer(ReviewerAccount(name: name, role: role, passwordHash: try hasher.hash(password), createdAt: now))
        // The store ended the account's sessions; this server forgets the ones it remembered (another process,
        // `loom review add-user` beside a running server, is heard within `sessionCacheSeconds`).
        sessionCache.withLock { $0.removeAll() }
    }

    /// Whether `name` can be a reviewer's: 1–64 ASCII letters, digits, '.', '_' or '-'.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == 0x2E || byte == 0x5F || byte == 0x2D
            }
    }

    /// Checks a password and opens a session: the token goes into the cookie, only its hash into the store.
    /// nil for an unknown name or a wrong password (the caller does not learn which).
    public func login(name: String, password: String) throws -> ReviewLogin? {
        guard let account = try store.reviewer(named: name) else {
            // Spend the same time as a real check, so response times do not tell which names exist.
            _ = PasswordHasher.verify(password, against: decoyHash)
            return nil
        }
        guard PasswordHasher.verify(password, against: account.passwordHash) else { return nil }
        let token = Self.randomToken()
        let csrf = Self.randomToken()
        let started = now
        try store.createReviewSession(
            tokenHash: Self.tokenHash(token), reviewer: account.name, csrf: csrf, now: started,
            expiresAt: started + settings.sessionSeconds)
        return ReviewLogin(token: token, csrf: csrf, account: account)
    }


    /// The account and CSRF token of a session cookie's token, if the session is open. Every request asks, so
    /// open sessions are remembered for `sessionCacheSeconds`: a role changed from the CLI applies within that.
    public func session(token: String) throws -> ReviewSession? {
        guard !token.isEmpty, token.utf8.count <= 128 else { return nil }
        if let cached = cachedSession(token: token) { return cached }
        let hash = Self.tokenHash(token)
        let time = now
        guard let found = try store.reviewSession(tokenHash: hash, now: time) else {
            sessionCache.withLock { _ = $0.removeValue(forKey: hash) }
            return nil
        }
        let session = ReviewSession(account: found.account, csrf: found.csrf)
        sessionCache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[hash] = (session, time + Self.sessionCacheSeconds)
        }
        return session
    }

    static let sessionCacheSeconds: Double = 10

    /// The session of a token if it was found open within `sessionCacheSeconds`, without asking the store (nil
    /// means "ask `session(token:)`", not "signed out"). Cheap enough to call on a server's event loop.
    public func cachedSession(token: String) -> ReviewSession? {
        guard !token.isEmpty, token.utf8.count <= 128 else { return nil }
        let hash = Self.tokenHash(token)
        let time = now
        guard let cached = sessionCache.withLock({ $0[hash] }), cached.validUntil > time else { return nil }
        return cached.session
    }

    public func logout(token: String) throws {
        let hash = Self.tokenHash(token)
        sessionCache.withLock { _ = $0.removeValue(forKey: hash) }
        try store.deleteReviewSession(tokenHash: hash)
    }

    /// 32 random bytes as hex (session tokens, CSRF tokens).
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).hexString
    }

    // MARK: Batches

    public func createBatch(name: String, filter: ReviewBatchFilter, by account: ReviewerAccount) throws -> ReviewBatch {
        guard account.role == .admin else { throw ReviewRefusal(.forbidden, "only an admin creates batches") }
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        // Bytes, not characters: one character can carry a megabyte of combining marks.
        guard !trimmed.isEmpty, trimmed.count <= 100, trimmed.utf8.count <= 400 else {
            throw ReviewRefusal(.conflict, "a batch needs a name of 1 to 100 characters")
        }
        return try store.createReviewBatch(name: trimmed, filter: filter, createdBy: account.name, now: now)
    }

    /// A batch's record and decision counts. Counting scans the records table (about a second per batch at a
    /// million records), so counts are reused for `batchCountSeconds`: every annotator opens the batch list. When
    /// they expire, one caller recounts while the others get them as they were (`BatchCountCache`).
    public func batchCounts(_ batch: ReviewBatch) throws -> (records: Int, accepted: Int, rejected: Int, adjudication: Int) {
        let time = now
        if case .use(let counts) = countCache.lookup(batch: batch.id, now: time) { return counts }
        do {
            let counts = try store.reviewBatchCounts(batch)
            countCache.store(counts, batch: batch.id, now: time)
            return counts
        } catch {
            countCache.abandon(batch: batch.id)
            throw error
        }
    }

    static let batchCountSeconds: Double = 30
    /// How long a queue that came up empty for a reviewer is taken to stay empty (`EmptyQueueMemo`).
    static let emptyQueueSeconds: Double = 30

    // MARK: Passes

    /// Leases the next record of `queue` to the account, or nil when the queue has nothing left for them.
    public func next(_ queue: ReviewQueue, for account: ReviewerAccount) throws -> ReviewClaim? {
        try checkAccess(to: queue, by: account)
        let time = now
        if emptyQueues.isEmpty(queue, for: account.name, now: time) { return nil }
        // A fresh random starting place per claim: each request walks the (hash-ordered) ids from somewhere else.
        let claim = try store.claimNextRecord(
            queue, reviewer: account.name, requiredPasses: settings.passes, leaseSeconds: settings.leaseSeconds,
            start: Double.random(in: 0..<1), now: time)
        if claim == nil { emptyQueues.remember(queue, for: account.name, now: time) }
        return claim
    }

    /// `next`, with the review screen's view of the claimed record, read in the claim's transaction.
    /// The claim is committed together with the other reviewers' claims and verdicts of the moment.
    public func nextWithView(_ queue: ReviewQueue, for account: ReviewerAccount) async throws -> (claim: ReviewClaim, view: ReviewRecordView)? {
        try checkAccess(to: queue, by: account)
        let time = now
        if emptyQueues.isEmpty(queue, for: account.name, now: time) { return nil }
        guard
            let (claim, parts) = try await store.claimNextRecordWithParts(
                queue, reviewer: account.name, requiredPasses: settings.passes, leaseSeconds: settings.leaseSeconds,
                start: Double.random(in: 0..<1), now: time)
        else {
            emptyQueues.remember(queue, for: account.name, now: time)
            return nil
        }
        return (claim, ReviewRecordView(parts: parts, checklist: checklists.items(for: parts.record.domain.rawValue)))
    }

    /// Refuses the adjudication queue to annotators.
    private func checkAccess(to queue: ReviewQueue, by account: ReviewerAccount) throws {
        if queue == .adjudication, !account.role.adjudicates {
            throw ReviewRefusal(.forbidden, "the adjudication queue is for adjudicators and admins")
        }
    }

    /// A batch by id. Batches never change once created, so each is read from the store once.
    public func batch(id: Int64) throws -> ReviewBatch? {
        if let known = cachedBatch(id: id) { return known }
        guard let batch = try store.reviewBatch(id: id) else { return nil }
        batchCache.withLock { $0[id] = batch }
        return batch
    }

    /// A batch read before by `batch(id:)`, without asking the store (nil means "ask `batch(id:)`").
    public func cachedBatch(id: Int64) -> ReviewBatch? {
        batchCache.withLock { $0[id] }
    }

    /// Gives a verdict on the pass the account holds. An adjudication decides the record outright.
    @discardableResult
    public func decide(
        recordID: String, verdict: ReviewVerdict, reason: String?, pass: Int, seenVersion: Int, adjudication: Bool,
        by account: ReviewerAccount
    ) throws -> ReviewState {
        let reason = try checkedVerdict(verdict, reason: reason, adjudication: adjudication, by: account)
        return try store.submitReviewVerdict(
            recordID: recordID, reviewer: account.name, verdict: verdict, reason: reason, pass: pass,
            seenVersion: seenVersion, adjudication: adjudication, resolve: resolution, now: now)
    }

    /// `decide`, committed together with the other reviewers' claims and verdicts of the moment (the review app).
    @discardableResult
    public func decide(
        recordID: String, verdict: ReviewVerdict, reason: String?, pass: Int, seenVersion: Int, adjudication: Bool,
        by account: ReviewerAccount
    ) async throws -> ReviewState {
        let reason = try checkedVerdict(verdict, reason: reason, adjudication: adjudication, by: account)
        return try await store.submitReviewVerdict(
            recordID: recordID, reviewer: account.name, verdict: verdict, reason: reason, pass: pass,
            seenVersion: seenVersion, adjudication: adjudication, resolve: resolution, now: now)
    }

    /// The reason as it will be stored (trimmed, nil if empty), or the refusal of a verdict nobody may give.
    private func checkedVerdict(_ verdict: ReviewVerdict, reason: String?, adjudication: Bool, by account: ReviewerAccount) throws -> String? {
        if adjudication, !account.role.adjudicates {
            throw ReviewRefusal(.forbidden, "only adjudicators and admins decide disputed records")
        }
        var reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if reason?.isEmpty == true { reason = nil }
        if verdict == .reject, reason == nil {
            throw ReviewRefusal(.conflict, "a rejection needs a reason: pick one from the list or write one")
        }
        if let text = reason, text.count > 2000 || text.utf8.count > 8000 {
            throw ReviewRefusal(.conflict, "the reason is too long (at most 2,000 characters)")
        }
        return reason
    }

    /// The team's disagreement policy: a record's status after its verdicts so far.
    private var resolution: @Sendable ([ReviewVerdict]) -> ReviewStatus {
        let policy = settings.policy
        let required = settings.passes
        return { policy.status(after: $0, required: required) }
    }

    /// Decides the records that the settings' number of passes already finishes (after the team lowered it):
    /// the server calls this as it starts. Returns how many were decided.
    @discardableResult
    public func settleFinishedRecords() throws -> Int {
        try store.redecideReviews(required: settings.passes, resolution, now: now)
    }

    public func skip(recordID: String, by account: ReviewerAccount) throws {
        try store.skipReviewRecord(recordID: recordID, reviewer: account.name)
    }

    /// How many of the batch's records the account skipped.
    public func skippedCount(in batch: ReviewBatch, by account: ReviewerAccount) throws -> Int {
        try store.reviewSkipCount(reviewer: account.name, batch: batch)
    }

    /// Serves the account the batch's records they skipped again; returns how many. The queue is no longer taken
    /// to be empty for them.
    @discardableResult
    public func unskip(_ batch: ReviewBatch, by account: ReviewerAccount) throws -> Int {
        let count = try store.clearReviewSkips(reviewer: account.name, batch: batch)
        emptyQueues.forget(.batch(batch), for: account.name)
        return count
    }

    // MARK: Edits and versions

    /// Saves an edit as the record's next version, with the validators re-run: the returned flags are the new
    /// version's. Refused if the record changed since `seenVersion`, if someone else holds it, or if an
    /// annotator edits a record they do not hold.
    /// - Parameter seenPass: the pass the reviewer's page was loaded for, when it was loaded to review (nil from the
    ///   record's history): an edit that arrives after that pass was completed (another adjudicator decided the
    ///   record meanwhile) is refused rather than changing a decided record behind its decision.
    public func edit(
        recordID: String, _ edit: RecordEdit, seenVersion: Int, seenPass: (pass: Int, adjudication: Bool)? = nil,
        by account: ReviewerAccount
    ) throws -> (state: ReviewState, flags: [QualityFlag]) {
        guard let state = try store.reviewState(recordID: recordID), let record = try store.record(id: recordID) else {
            throw ReviewRefusal(.notFound, "there is no record \(recordID)")
        }
        if account.role == .annotator {
            guard let lease = state.lease, lease.reviewer == account.name, state.status.isOpen else {
                throw ReviewRefusal(.forbidden, "annotators edit only the record they are reviewing; load it from a batch first")
            }
        }
        let (edited, note) = try edit.applied(to: record)
        guard note != nil else { return (state, record.flags) }
        var revised = edited
        // An answer a reviewer rewrote (or whose question they rewrote) is theirs: the grounding check's verdict on
        // the model's words no longer applies to it. Grounding flags of untouched answers stay.
        let rewritten = Set(edited.turns.indices.filter { index in
            edited.turns[index].role == .assistant
                && (edited.turns[index].text != record.turns[index].text
                    || (index > 0 && edited.turns[index - 1].text != record.turns[index - 1].text))
        })
        revised.flags = validator.flags(for: edited) + record.flags.filter { flag in
            !Self.isRevalidated(flag.code) && !(GroundingCheck.turn(of: flag).map(rewritten.contains) ?? false)
        }
        // The annotator's hold is checked again where the version is saved: a verdict may have closed the pass since.
        let saved = try store.saveRecordVersion(
            revised, author: account.name, note: note!, seenVersion: seenVersion, now: now, holdingOpenPass: account.role == .annotator,
            seenPass: seenPass)
        return (saved, revised.flags)
    }

    /// Flags the validators decide again after an edit; grounding flags go with the answers a reviewer rewrote;
    /// others (duplicates, the checker) stay.
    private static func isRevalidated(_ code: String) -> Bool {
        code.hasPrefix("format.") || code.hasPrefix("text.")
    }

    /// Makes an earlier version current again, as a new version (nothing is overwritten).
    @discardableResult
    public func restore(recordID: String, version: Int, seenVersion: Int, by account: ReviewerAccount) throws -> ReviewState {
        guard account.role.adjudicates else { throw ReviewRefusal(.forbidden, "only adjudicators and admins restore versions") }
        guard let old = try store.recordVersions(recordID).first(where: { $0.version == version }) else {
            throw ReviewRefusal(.notFound, "record \(recordID) has no version \(version)")
        }
        var record = old.record
        record.flags = validator.flags(for: record) + record.flags.filter { !Self.isRevalidated($0.code) }
        return try store.saveRecordVersion(
            record, author: account.name, note: "restored version \(version)", seenVersion: seenVersion, now: now)
    }

    // MARK: Reading

    /// Everything the review screen shows about a record; with `withVersions`, its history too (the record page).
    public func view(recordID: String, withVersions: Bool = false) throws -> ReviewRecordView {
        guard let parts = try store.reviewRecordParts(recordID, withVersions: withVersions) else {
            throw ReviewRefusal(.notFound, "there is no record \(recordID)")
        }
        return ReviewRecordView(parts: parts, checklist: checklists.items(for: parts.record.domain.rawValue))
    }

    /// The file of a medium of this run, or nil if the id is unknown or the file lies outside the run directory
    /// (a symlink or a stored path that escapes it is never served).
    public func mediaFile(id: String) throws -> (url: URL, format: String)? {
        guard id.utf8.count <= 200, let item = try store.media(id: id) else { return nil }
        guard !item.path.hasPrefix("/") else { return nil }
        let candidate = runDirectory.appendingPathComponent(item.path).standardizedFileURL
        let resolved = candidate.resolvingSymlinksInPath().path
        let root = runDirectory.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(root + "/") else { return nil }
        return (URL(fileURLWithPath: resolved), item.format)
    }

    /// Progress: statuses, rounds, each reviewer's work and pace, and agreement.
    public func progress() throws -> ReviewProgress {
        let hourAgo = now - 3600
        return ReviewProgress(
            statuses: try store.reviewStatusCounts(), rounds: try store.reviewRounds(),
            reviewers: try store.reviewerActivity(since: hourAgo).map {
                ReviewProgress.Reviewer(
                    name: $0.reviewer, passes: $0.passes, accepted: $0.accepted, lastHour: $0.recent,
                    perHour: $0.last > $0.first ? Double($0.passes) / (($0.last - $0.first) / 3600) : nil)
            },
            agreement: try AgreementStatistics.compute { try store.forEachReviewPass($0) })
    }
}

/// A successful login: the session token for the cookie and the CSRF token for forms.
public struct ReviewLogin: Sendable {
    public var token: String
    public var csrf: String
    public var account: ReviewerAccount
}

/// An open session.
public struct ReviewSession: Sendable {
    public var account: ReviewerAccount
    public var csrf: String
}
