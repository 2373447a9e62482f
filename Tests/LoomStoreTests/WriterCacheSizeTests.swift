import Foundation
import GRDB
import Testing

@testable import LoomStore

@Suite("Writer cache size")
struct WriterCacheSizeTests {
    private func writerCacheKiB(of store: RunStore) throws -> Int? {
        try store.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }.map { -$0 }
    }

    @Test("an eighth of the store in whole MiB, at least 4 and at most 64 MiB")
    func bounds() {
        let mebibyte = 1 << 20
        #expect(WriterCacheSize.kibibytes(forStoreBytes: 0) == 4_096)
        #expect(WriterCacheSize.kibibytes(forStoreBytes: 32 * mebibyte) == 4_096)
        #expect(WriterCacheSize.kibibytes(forStoreBytes: 80 * mebibyte) == 10_240)
        #expect(WriterCacheSize.kibibytes(forStoreBytes: 81 * mebibyte) == 11_264)
        #expect(WriterCacheSize.kibibytes(forStoreBytes: 600 * mebibyte) == 65_536)
    }

    @Test("a new store's writer starts at 4 MiB and grows with the store at the next commit")
    func growsWithTheStore() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        #expect(try writerCacheKiB(of: store) == 4_096)
        try store.write { db in
            try db.execute(sql: "CREATE TABLE filler (b BLOB); INSERT INTO filler VALUES (zeroblob(48 * 1024 * 1024))")
        }
        try store.commit([StoreWrite(ledger: [LedgerEntry(item: "smp-1", stage: "render", status: .done)])])
        #expect(try writerCacheKiB(of: store) == 7_168)
        #expect(try store.completedItems(stage: "render") == ["smp-1"])
    }

    @Test("the review app's writer keeps 64 MiB from the start")
    func reviewAppKeepsTheMaximum() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory(), reads: .randomLookups)
        #expect(try writerCacheKiB(of: store) == 65_536)
        try store.commit([StoreWrite(ledger: [LedgerEntry(item: "smp-1", stage: "render", status: .done)])])
        #expect(try writerCacheKiB(of: store) == 65_536)
    }
}
