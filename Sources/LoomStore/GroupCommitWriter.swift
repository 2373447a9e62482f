import Foundation
import GRDB
import LoomCore

/// Short write transactions from many concurrent requests (the review app's claims and verdicts), run on a
/// thread of their own and committed several at a time: group commit.
///
/// Each write runs in its own savepoint inside a shared transaction, in the order they arrived, so each sees the
/// ones before it exactly as if they had been separate transactions, and one that throws (a refused verdict) is
/// rolled back alone. Nobody is answered before the transaction has committed. Under a team of reviewers the
/// store's single writer was busy all the time, and half of that time was committing: one commit per
/// group instead of per request is what lets the writer keep up.
///
/// The thread starts with the first write and ends after a second without any.
final class GroupCommitWriter: @unchecked Sendable {
    /// The most writes one transaction takes (a bound on how long the first of them waits for the commit).
    static let maximumGroup = 64
    private static let idleSeconds: TimeInterval = 1

    private let pool: DatabasePool
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pending: [any GroupedWrite] = []
    private var threadRunning = false

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `body` in the next group's transaction; returns once that transaction has committed.
    ///
    /// - Throws: what `body` threw (its changes rolled back, the group's others kept), or the commit's error.
    func perform<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let write = PendingWrite(body: body, continuation: continuation)
            condition.lock()
            pending.append(write)
            let startThread = !threadRunning
            threadRunning = true
            condition.signal()
            condition.unlock()
            if startThread {
                let thread = Thread { [self] in drain() }
                thread.name = "loom.store.grouped-writes"
                thread.start()
            }
        }
    }

    private func drain() {
        while let group = nextGroup() {
            do {
                try pool.write { db in
                    for write in group { write.run(db) }
                }
                for write in group { write.finish(commitError: nil) }
            } catch {
                for write in group { write.finish(commitError: error) }
            }
        }
    }

    /// The writes waiting, oldest first; nil (and the thread ends) after `idleSeconds` without any.
    private func nextGroup() -> [any GroupedWrite]? {
        condition.lock()
        defer { condition.unlock() }
        while pending.isEmpty {
            if !condition.wait(until: Date(timeIntervalSinceNow: Self.idleSeconds)), pending.isEmpty {
                threadRunning = false
                return nil
            }
        }
        let group = Array(pending.prefix(Self.maximumGroup))
        pending.removeFirst(group.count)
        return group
    }
}

/// One write of a group, with its result held until the group commits.
private protocol GroupedWrite: AnyObject {
    func run(_ db: Database)
    func finish(commitError: (any Error)?)
}

private final class PendingWrite<T: Sendable>: GroupedWrite {
    private let body: @Sendable (Database) throws -> T
    private let continuation: CheckedContinuation<T, any Error>
    private var result: Result<T, any Error>?

    init(body: @escaping @Sendable (Database) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func run(_ db: Database) {
        do {
            var value: T?
            try db.inSavepoint {
                value = try body(db)
                return .commit
            }
            result = value.map { .success($0) }
        } catch {
            result = .failure(error)
        }
    }

    func finish(commitError: (any Error)?) {
        if let commitError {
            continuation.resume(throwing: commitError)
        } else {
            // A committed group ran every write, so a result is always there; the fallback only keeps a caller
            // from waiting forever should that ever change.
            continuation.resume(with: result ?? .failure(LoomError(.store, "a grouped write was committed without running", subject: "review")))
        }
    }
}
