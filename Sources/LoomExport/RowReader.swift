import Foundation
import LoomStore

/// Reads an export's rows on a thread of its own, a few batches ahead, while the exporting thread formats and
/// writes them: reading the store and parsing conversations is about half of an export's work.
///
/// Memory is bounded by `depth` batches of `batchSize` rows, plus the spent batches handed back with `recycle`.
final class RowReader: @unchecked Sendable {
    static let batchSize = 1024
    static let depth = 4

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var ready: [[ExportRow]] = []
    private var spent: [[ExportRow]] = []
    private var done = false
    private var failure: (any Error)?
    private var stopped = false

    private struct Stopped: Error {}

    /// - Parameter catalog: when given, each row's media are looked up in it here, by the bytes of their ids as the
    ///   store holds them (`ExportRow.catalogSlots`), on the reading thread: the lookups miss the cache on large
    ///   runs and were a tenth of the writing thread's time.
    init(store: RunStore, selection: RecordSelection, order: RunStore.RecordOrder, inContext: Bool = false, catalog: MediaCatalog? = nil) {
        let thread = Thread { [self] in
            do {
                var batch: [ExportRow] = []
                batch.reserveCapacity(Self.batchSize)
                try store.forEachExportRow(
                    selection, order: order, inContext: inContext, resolveMedia: catalog.map { catalog in catalog.resolve }
                ) { row, _ in
                    batch.append(row)
                    if batch.count == Self.batchSize {
                        try hand(batch)
                        // Emptying a spent batch here frees its rows on this thread, not the writing one.
                        batch = takeSpent() ?? []
                        batch.removeAll(keepingCapacity: true)
                        batch.reserveCapacity(Self.batchSize)
                    }
                }
                if !batch.isEmpty { try hand(batch) }
                finish(nil)
            } catch is Stopped {
                finish(nil)
            } catch {
                finish(error)
            }
        }
        thread.name = "loom-export-reader"
        thread.start()
    }

    private func hand(_ batch: [ExportRow]) throws {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= Self.depth && !stopped { condition.wait() }
        if stopped { throw Stopped() }
        ready.append(batch)
        condition.broadcast()
    }

    private func takeSpent() -> [ExportRow]? {
        condition.lock()
        defer { condition.unlock() }
        return spent.popLast()
    }

    /// Hands a batch that `next` gave, and that the caller is done with, back to the reading thread, which frees
    /// its rows and reuses its storage: freeing a batch's strings was a tenth of the writing thread's work.
    func recycle(_ batch: consuming [ExportRow]) {
        condition.lock()
        defer { condition.unlock() }
        if spent.count < Self.depth { spent.append(batch) }
    }

    private func finish(_ error: (any Error)?) {
        condition.lock()
        done = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch in order, nil at the end; rethrows what stopped the reading.
    func next() throws -> [ExportRow]? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !done { condition.wait() }
        if !ready.isEmpty {
            let batch = ready.removeFirst()
            condition.broadcast()
            return batch
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the reading thread (after a failure on the writing side) and waits until it has let go of the store.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !done { condition.wait() }
        condition.unlock()
    }
}
