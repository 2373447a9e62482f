import Dispatch
import LoomCore

/// The one writer of a run: collects finished work and commits it in batches, on its own thread so that
/// SQLite never blocks Swift's cooperative pool.
///
/// A full batch is handed to the database thread and the producers go on filling the next one; the submit that
/// fills a batch waits until the batch before it is committed. So producers never run more than about a batch
/// ahead of the disk, and batches are committed one after another in the order they were filled.
public actor BatchingWriter {
    private let store: RunStore
    private let batchSize: Int
    private var pending: [StoreWrite] = []
    private var pendingItems = 0
    private var committedBatches = 0
    /// The last batch handed to the database thread: its task ends once that batch and all before it are committed.
    private var committing: Task<Void, any Error>?
    private let queue = DispatchQueue(label: "loom.store.writer")
    private let beforeCommit: (@Sendable (Int) throws -> Void)?

    /// - Parameters:
    ///   - batchSize: how many submitted writes go into one transaction.
    ///   - beforeCommit: called with the batch number before each commit; tests throw from it to simulate a
    ///     crash in the middle of a batch.
    public init(store: RunStore, batchSize: Int, beforeCommit: (@Sendable (Int) throws -> Void)? = nil) {
        self.store = store
        self.batchSize = max(1, batchSize)
        self.beforeCommit = beforeCommit
    }

    /// Queues one piece of finished work; hands a full batch to the database thread.
    ///
    /// - Throws: the error of an earlier batch's commit, if it failed.
    public func submit(_ write: StoreWrite) async throws {
        pending.append(write)
        pendingItems += 1
        if pendingItems >= batchSize { try await startCommit() }
    }

    /// Commits whatever is queued and waits until every batch handed over is committed.
    public func flush() async throws {
        try await startCommit()
        try await committing?.value
    }

    /// Hands the queued writes to the database thread, to be committed after the batch before them; then waits
    /// for that earlier batch.
    private func startCommit() async throws {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = []
        pendingItems = 0
        committedBatches += 1
        let number = committedBatches
        let (store, hook, queue) = (store, beforeCommit, queue)
        let previous = committing
        committing = Task {
            // A batch whose predecessor failed is not committed: the run stops at the first failed batch.
            try await previous?.value
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                queue.async {
                    continuation.resume(with: Result {
                        try hook?(number)
                        try store.commit(batch)
                    })
                }
            }
        }
        try await previous?.value
    }

    /// Commits whatever is queued, then copies the write-ahead log into the database file on the writer's thread
    /// (a passive checkpoint: readers are not waited for).
    ///
    /// A run calls it when its last big write is done, beside the exports: otherwise the store's closing
    /// connection does this copying, and its `fdatasync`s, after everything else.
    public func checkpoint() async throws {
        try await flush()
        let store = store
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async { continuation.resume(with: Result { try store.checkpoint() }) }
        }
    }

    /// How many batches have been handed to the database.
    public var batches: Int { committedBatches }
}
