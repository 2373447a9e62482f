import Foundation
import GRDB
import Testing

@testable import LoomStore

@Suite("Store page size")
struct StorePageSizeTests {
    private func pageSize(of store: RunStore) throws -> Int? {
        try store.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") }
    }

    @Test("a new store is made with 16 KiB pages")
    func newStore() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        #expect(try pageSize(of: store) == RunStore.pageSize)
        #expect(RunStore.pageSize == 16_384)
    }

    @Test("a store made with 4 KiB pages keeps them, is migrated and goes on working")
    func earlierStore() throws {
        let directory = try temporaryStoreDirectory()
        let earlier = try DatabaseQueue(path: directory.appendingPathComponent(RunStore.fileName).path)
        try earlier.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE earlier (x INTEGER)")
        }
        try earlier.close()
        let store = try RunStore(directory: directory)
        try store.commit((0..<3).map(finishedRenderWrite))
        #expect(try pageSize(of: store) == 4096)
        #expect(try store.completedItems(stage: "render") == ["smp-0", "smp-1", "smp-2"])
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM earlier") } == 0)
    }
}
