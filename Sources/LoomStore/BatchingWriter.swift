import Dispatch
import LoomCore

/// The one writer of a run: collects finished work and commits it in batches, on its own thread so that
/// SQLite never blocks Swift's cooperative pool. Submitting waits while a full batch commits, which keeps
/// producers from running far ahead of the disk.
public actor BatchingWriter {
    private let store: RunStore
    private let batchSize: Int
    private var pending: [StoreWrite] = []
    private var pendingItems = 0
    private var committedBatches = 0
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

    /// Queues one piece of finished work; commits when a batch is full.
    public func submit(_ write: StoreWrite) async throws {
        pending.append(write)
        pendingItems += 1
        if pendingItems >= batchSize { try await flush() }
    }

    /// Commits whatever is queued.
    public func flush() async throws {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = []
        pendingItems = 0
        committedBatches += 1
        let number = committedBatches
        let store = store
        let hook = beforeCommit
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async {
                do {
                    try hook?(number)
                    try store.commit(batch)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// How many batches have been handed to the database.
    public var batches: Int { committedBatches }
}
