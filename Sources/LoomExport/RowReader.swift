import Foundation
import LoomStore

/// Reads an export's rows on a thread of its own, a few batches ahead, while the exporting thread formats and
/// writes them: reading the store and parsing conversations is about half of an export's work.
///
/// With `prepare`, each batch also passes through a second thread before the exporting thread gets it (the
/// export places image files there, `MediaFileStage`). Batches keep their order through both.
///
/// Memory is bounded by `depth` batches of `batchSize` rows per hand-over, plus the spent batches handed back with
/// `recycle`.
final class RowReader: @unchecked Sendable {
    /// Rows per hand-over. Small enough that the exporting thread starts early and is not left alone with a
    /// last long batch on a small run (1,024 rows: the quickstart's exports took a tenth longer); each
    /// hand-over costs a few microseconds, nothing beside a batch's reading and writing.
    static let batchSize = 256
    static let depth = 4

    /// Batches ready for the exporting thread.
    private let ready = BatchQueue<[ExportRow]>(depth: RowReader.depth)
    /// Batches read and waiting for `prepare`, when there is one.
    private let read: BatchQueue<[ExportRow]>?
    private let spentLock = NSLock()
    private var spent: [[ExportRow]] = []
    private let running = DispatchGroup()
    /// Records the selection left out for their flags alone: set by the reading thread before its last batch is
    /// handed on, so it is final once `next` has returned nil.
    private(set) var leftOutForFlags = 0

    /// - Parameters:
    ///   - copiesShareGPT: see `RunStore.forEachExportRow`.
    ///   - catalog: when given, each batch's media are looked up in it here (`ExportRow.catalogSlots`), on the
    ///     reading thread: the lookups miss the cache on large runs and were a tenth of the writing thread's time.
    ///   - prepare: work done on each batch, in order, on a thread between the reading and the exporting one; what
    ///     it throws stops the export.
    init(
        store: RunStore, selection: RecordSelection, order: RunStore.RecordOrder, inContext: Bool = false,
        copiesShareGPT: Bool = false, catalog: MediaCatalog? = nil, prepare: (@Sendable ([ExportRow]) throws -> Void)? = nil
    ) {
        let ready = ready
        let read = prepare.map { _ in BatchQueue<[ExportRow]>(depth: 2) }
        self.read = read
        let output = read ?? ready
        running.enter()
        let reader = Thread { [self] in
            defer { running.leave() }
            do {
                var batch: [ExportRow] = []
                batch.reserveCapacity(Self.batchSize)
                leftOutForFlags = try store.forEachExportRow(
                    selection, order: order, inContext: inContext, copiesShareGPT: copiesShareGPT
                ) { row, _ in
                    batch.append(row)
                    if batch.count == Self.batchSize {
                        catalog?.resolveSlots(of: &batch)
                        try output.send(batch)
                        // Emptying a spent batch here frees its rows on this thread, not the writing one.
                        batch = takeSpent() ?? []
                        batch.removeAll(keepingCapacity: true)
                        batch.reserveCapacity(Self.batchSize)
                    }
                }
                if !batch.isEmpty {
                    catalog?.resolveSlots(of: &batch)
                    try output.send(batch)
                }
                output.finish(nil)
            } catch is BatchQueue<[ExportRow]>.Stopped {
                output.finish(nil)
            } catch {
                output.finish(error)
            }
        }
        reader.name = "loom-export-reader"
        reader.start()
        if let read, let prepare {
            running.enter()
            let preparer = Thread { [running] in
                defer { running.leave() }
                do {
                    while let batch = try read.receive() {
                        try prepare(batch)
                        try ready.send(batch)
                    }
                    ready.finish(nil)
                } catch is BatchQueue<[ExportRow]>.Stopped {
                    read.stop()
                    ready.finish(nil)
                } catch {
                    read.stop()
                    ready.finish(error)
                }
            }
            preparer.name = "loom-export-files"
            preparer.start()
        }
    }

    private func takeSpent() -> [ExportRow]? {
        spentLock.withLock { spent.popLast() }
    }

    /// Hands a batch that `next` gave, and that the caller is done with, back to the reading thread, which frees
    /// its rows and reuses its storage: freeing a batch's strings was a tenth of the writing thread's work.
    func recycle(_ batch: consuming [ExportRow]) {
        let batch = batch
        spentLock.withLock { if spent.count < Self.depth { spent.append(batch) } }
    }

    /// The next batch in order, nil at the end; rethrows what stopped the reading or the preparing.
    func next() throws -> [ExportRow]? {
        try ready.receive()
    }

    /// Stops the threads (after a failure on the writing side) and waits until they have let go of the store.
    func stop() {
        ready.stop()
        read?.stop()
        running.wait()
    }
}
