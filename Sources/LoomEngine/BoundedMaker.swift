import LoomCore
import LoomStore

/// Makes a stage's items on the CPU workers, a few per hand-over (`chunkSize`), with a bounded number of hand-overs
/// in flight (twice the threads), committing each
/// through the batching writer and reporting progress. An item that fails with a recoverable kind of error gets
/// a failed ledger row with its reason and the run goes on; any other error stops the stage.
struct BoundedMaker: Sendable {
    let stage: Stage
    /// The error kinds that fail one item rather than the run.
    let recoverable: Set<LoomError.Kind>
    let workers: CPUWorkers
    let writer: BatchingWriter
    let observer: RunObserver?
    /// Whether each item is committed as soon as it is made, instead of with the writer's next batch: for stages
    /// whose items take seconds to minutes each (a video decoded), so that a crash loses one item's work, not a
    /// batch of them.
    var commitsEachItem = false

    func run<Item: Sendable>(
        _ items: [Item], id: @escaping @Sendable (Item) -> String, tally: RunTally,
        make: @escaping @Sendable (Item) throws -> StoreWrite
    ) async throws {
        let (stage, recoverable, workers, writer, observer, commitsEachItem) = (stage, recoverable, workers, writer, observer, commitsEachItem)
        // Items committed one by one go to the workers one by one too: a chunk is submitted only once all of it is made.
        let size = commitsEachItem ? 1 : Self.chunkSize(items: items.count, threads: workers.threads)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func startNext() -> Bool {
                guard next < items.count else { return false }
                let chunk = Array(items[next..<min(next + size, items.count)])
                next += chunk.count
                group.addTask {
                    // Made on a worker thread; an item's recoverable error is kept with it, any other ends the stage.
                    let outcomes: [Result<StoreWrite, LoomError>] = try await workers.run {
                        try chunk.map { item in
                            do {
                                return .success(try make(item))
                            } catch let error as LoomError where recoverable.contains(error.kind) {
                                return .failure(error)
                            }
                        }
                    }
                    for (item, outcome) in zip(chunk, outcomes) {
                        switch outcome {
                        case .success(let write):
                            try await writer.submit(write)
                            if commitsEachItem { try await writer.flush() }
                            let now = tally.state.withLock { state in
                                state.done += 1
                                state.records += write.recordCount
                                return state
                            }
                            observer?(.progressed(stage: stage, done: now.done, failed: now.failed, records: now.records))
                        case .failure(let error):
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
                }
                return true
            }
            for _ in 0..<(workers.threads * 2) where !startNext() { break }
            while try await group.next() != nil { _ = startNext() }
        }
    }

    /// How many items one hand-over to a worker carries: up to 8, while every thread still gets about 8 of them.
    ///
    /// Each hand-over costs a wake-up of a worker and of a pool thread; with one item each, a run of small
    /// samples spent a tenth of its CPU on them. Few items (videos, a small run) still go one by one.
    static func chunkSize(items: Int, threads: Int) -> Int {
        min(8, max(1, items / (max(1, threads) * 8)))
    }
}
