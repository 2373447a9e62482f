import LoomCore
import LoomStore

/// Makes a stage's items on the CPU workers with a bounded number in flight (twice the threads), committing each
/// through the batching writer and reporting progress. An item that fails with a recoverable kind of error gets
/// a failed ledger row with its reason and the run goes on; any other error stops the stage.
struct BoundedMaker: Sendable {
    let stage: Stage
    /// The error kinds that fail one item rather than the run.
    let recoverable: Set<LoomError.Kind>
    let workers: CPUWorkers
    let writer: BatchingWriter
    let observer: RunObserver?

    func run<Item: Sendable>(
        _ items: [Item], id: @escaping @Sendable (Item) -> String, tally: RunTally,
        make: @escaping @Sendable (Item) throws -> StoreWrite
    ) async throws {
        let (stage, recoverable, workers, writer, observer) = (stage, recoverable, workers, writer, observer)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var queue = items.makeIterator()
            func startNext() -> Bool {
                guard let item = queue.next() else { return false }
                group.addTask {
                    do {
                        let write = try await workers.run { try make(item) }
                        try await writer.submit(write)
                        let now = tally.state.withLock { state in
                            state.done += 1
                            state.records += write.records.count
                            return state
                        }
                        observer?(.progressed(stage: stage, done: now.done, failed: now.failed, records: now.records))
                    } catch let error as LoomError where recoverable.contains(error.kind) {
                        try await writer.submit(StoreWrite(ledger: [
                            LedgerEntry(item: id(item), stage: stage.rawValue, status: .failed, error: error.description)
                        ]))
                        let now = tally.state.withLock { state in
                            state.failed += 1
                            return state
                        }
                        observer?(.itemFailed(item: id(item), stage: stage, reason: error.description))
                        observer?(.progressed(stage: stage, done: now.done, failed: now.failed, records: now.records))
                    }
                }
                return true
            }
            for _ in 0..<(workers.threads * 2) where !startNext() { break }
            while try await group.next() != nil { _ = startNext() }
        }
    }
}
