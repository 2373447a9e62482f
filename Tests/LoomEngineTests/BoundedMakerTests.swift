import Foundation
import LoomCore
import LoomStore
import Synchronization
import Testing

@testable import LoomEngine

@Suite("Making a stage's items a few per hand-over")
struct BoundedMakerTests {
    private static func store() throws -> RunStore {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("loom-maker-\(UUID().uuidString)")
        return try RunStore(directory: url)
    }

    @Test("hand-overs carry up to 8 items, and small stages still go one item at a time")
    func chunkSizes() {
        #expect(BoundedMaker.chunkSize(items: 500, threads: 2) == 8)
        #expect(BoundedMaker.chunkSize(items: 40, threads: 2) == 2)
        #expect(BoundedMaker.chunkSize(items: 12, threads: 2) == 1)
        #expect(BoundedMaker.chunkSize(items: 0, threads: 2) == 1)
        #expect(BoundedMaker.chunkSize(items: 100_000, threads: 64) == 8)
    }

    @Test("every item is made once; a recoverable failure becomes that item's failed row and the others go on")
    func recoverableFailuresStayWithTheirItem() async throws {
        let store = try Self.store()
        let workers = CPUWorkers(threads: 2)
        let writer = BatchingWriter(store: store, batchSize: 5)
        let failedEvents = Mutex<[String]>([])
        let maker = BoundedMaker(
            stage: .render, recoverable: [.render], workers: workers, writer: writer,
            observer: { event in
                if case .itemFailed(let item, _, let reason) = event { failedEvents.withLock { $0.append("\(item): \(reason)") } }
            })
        let items = (0..<40).map { "item-\($0)" }
        let made = Mutex<[String]>([])
        let tally = RunTally(done: 0, failed: 0)
        try await maker.run(items, id: { $0 }, tally: tally) { item in
            made.withLock { $0.append(item) }
            if item.hasSuffix("7") { throw LoomError(.render, "no pixels", subject: item) }
            return StoreWrite(ledger: [LedgerEntry(item: item, stage: "render", status: .done)])
        }
        try await writer.flush()
        try await workers.shutdown()

        #expect(made.withLock { $0.sorted() } == items.sorted())
        let failing = items.filter { $0.hasSuffix("7") }
        #expect(try store.completedItems(stage: "render") == Set(items).subtracting(failing))
        #expect(try store.failures(stage: "render").map(\.item).sorted() == failing.sorted())
        #expect(try store.failures(stage: "render").allSatisfy { $0.error.contains("no pixels") })
        #expect(failedEvents.withLock { $0.count } == failing.count)
        #expect(tally.state.withLock { ($0.done, $0.failed) } == (36, 4))
    }

    @Test("any other error stops the stage")
    func otherErrorsStopTheStage() async throws {
        let store = try Self.store()
        let workers = CPUWorkers(threads: 2)
        let writer = BatchingWriter(store: store, batchSize: 5)
        let maker = BoundedMaker(stage: .render, recoverable: [.render], workers: workers, writer: writer, observer: nil)
        await #expect {
            try await maker.run((0..<40).map { "item-\($0)" }, id: { $0 }, tally: RunTally(done: 0, failed: 0)) { item in
                if item == "item-21" { throw LoomError(.store, "the disk is full", subject: item) }
                return StoreWrite(ledger: [LedgerEntry(item: item, stage: "render", status: .done)])
            }
        } throws: { error in
            "\(error)".contains("the disk is full")
        }
        try await workers.shutdown()
    }
}
