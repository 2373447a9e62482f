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

    /// Installs a checkpointer with `threshold` frames on a fresh database, commits 20 rows of 20 KB, waits for
    /// the checkpointer, and hands `check` the checkpointer and the main file's growth since before the commits.
    private func afterCommits(
        threshold: Int, _ check: (BackgroundCheckpointer, _ grown: () throws -> Int) throws -> Void
    ) throws {
        let (pool, path) = try database()
        let checkpointer = try BackgroundCheckpointer(path: path, thresholdFrames: threshold)
        pool.writeWithoutTransaction { db in checkpointer.install(on: db.sqliteConnection!) }
        defer {
            pool.writeWithoutTransaction { db in
                BackgroundCheckpointer.uninstall(from: db.sqliteConnection!, autocheckpointPages: 1_000)
            }
        }
        let before = try fileSize(path)
        try commit(20, to: pool)
        checkpointer.waitUntilIdle()
        #expect(try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") } == 20)
        try check(checkpointer) { try fileSize(path) - before }
    }

    @Test("commits past the threshold have the log copied into the main file by the checkpointer's own connection")
    func copiesInTheBackground() throws {
        // 20 rows of 20 KB: the main file holds most of them without anyone having asked for a checkpoint.
        try afterCommits(threshold: 8) { _, grown in
            let copied = try grown()
            #expect(copied > 200_000)
        }
    }

    @Test("below the threshold nothing is copied until a checkpoint is asked for")
    func belowThreshold() throws {
        try afterCommits(threshold: 10_000) { checkpointer, grown in
            #expect(try grown() == 0)
            try checkpointer.checkpointNow()
            #expect(try grown() > 400_000)
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
