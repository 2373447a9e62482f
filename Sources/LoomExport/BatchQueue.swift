import Foundation

/// A bounded first-in first-out hand-over of batches from one thread to the next: the sender waits while
/// `depth` batches are waiting, the receiver while none is.
///
/// The sender ends it with `finish` (with the error that stopped it, if any); the receiver gives up with `stop`,
/// which makes the sender's next `send` throw `BatchQueue.Stopped`.
final class BatchQueue<Batch>: @unchecked Sendable {
    /// Thrown by `send` after the receiver stopped.
    struct Stopped: Error {}

    private let depth: Int
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var waiting: [Batch] = []
    private var finished = false
    private var failure: (any Error)?
    private var stopped = false

    init(depth: Int) {
        self.depth = max(1, depth)
    }

    /// Hands a batch on, waiting while the queue is full.
    func send(_ batch: Batch) throws {
        condition.lock()
        defer { condition.unlock() }
        while waiting.count >= depth && !stopped { condition.wait() }
        if stopped { throw Stopped() }
        waiting.append(batch)
        condition.broadcast()
    }

    /// No more batches will come; `error` is what stopped the sender early, if anything did.
    func finish(_ error: (any Error)?) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, nil at the end; rethrows what stopped the sender.
    func receive() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty && !finished { condition.wait() }
        if !waiting.isEmpty {
            let batch = waiting.removeFirst()
            condition.broadcast()
            return batch
        }
        if let failure { throw failure }
        return nil
    }

    /// The receiver wants no more: wakes a waiting sender, drops what is queued.
    func stop() {
        condition.lock()
        stopped = true
        waiting.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
