import Foundation
import GRDB
import GRDBSQLite
import Testing

@testable import LoomStore

@Suite("BackgroundCheckpointer")
struct BackgroundCheckpointerTests {
    /// A WAL database with a table, its automatic checkpoint off, and the size of its main file.
    private func database() throws -> (DatabasePool, String) {
        let path = try temporaryStoreDirectory().appendingPathComponent("wal.sqlite").path
        let pool = try DatabasePool(path: path)
        try pool.write { db in try db.execute(sql: "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT NOT NULL)") }
        _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        return (pool, path)
    }

    private func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    /// Commits `count` transactions of 20 KB each.
    private func commit(_ count: Int, to pool: DatabasePool) throws {
        let body = String(repeating: "x", count: 20_000)
        for _ in 0..<count {
            try pool.write { db in try db.execute(sql: "INSERT INTO t(body) VALUES (?)", arguments: [body]) }
        }
    }

    @Test("commits past the threshold have the log copied into the main file by the checkpointer's own connection")
    func copiesInTheBackground() throws {
        let (pool, path) = try database()
        let checkpointer = try BackgroundCheckpointer(path: path, thresholdFrames: 8)
        pool.writeWithoutTransaction { db in checkpointer.install(on: db.sqliteConnection!) }
        let before = try fileSize(path)
        try commit(20, to: pool)
        checkpointer.waitUntilIdle()
        // 20 rows of 20 KB: the main file holds most of them without anyone having called a checkpoint.
        #expect(try fileSize(path) - before > 200_000)
        #expect(try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 20)
        pool.writeWithoutTransaction { db in
            BackgroundCheckpointer.uninstall(from: db.sqliteConnection!, autocheckpointPages: 1_000)
        }
    }

    @Test("below the threshold nothing is copied until a checkpoint is asked for")
    func belowThreshold() throws {
        let (pool, path) = try database()
        let checkpointer = try BackgroundCheckpointer(path: path, thresholdFrames: 10_000)
        pool.writeWithoutTransaction { db in checkpointer.install(on: db.sqliteConnection!) }
        let before = try fileSize(path)
        try commit(20, to: pool)
        checkpointer.waitUntilIdle()
        #expect(try fileSize(path) == before)
        try checkpointer.checkpointNow()
        #expect(try fileSize(path) - before > 400_000)
        pool.writeWithoutTransaction { db in
            BackgroundCheckpointer.uninstall(from: db.sqliteConnection!, autocheckpointPages: 1_000)
        }
    }

    @Test("a store's writes are all there after its checkpoints, in a store opened again")
    func storeRoundTrip() throws {
        let directory = try temporaryStoreDirectory()
        do {
            let store = try RunStore(directory: directory)
            for n in 0..<30 {
                try store.commit([StoreWrite(ledger: [LedgerEntry(item: "item-\(n)", stage: "render", status: .done)])])
            }
            try store.checkpoint()
        }
        let reopened = try RunStore(directory: directory)
        #expect(try reopened.completedItems(stage: "render").count == 30)
    }
}
