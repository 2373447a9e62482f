import Foundation
import GRDB
import GRDBSQLite
import Testing

@testable import LoomStore

@Suite("Store connection settings")
struct StoreConnectionSettingsTests {
    @Test("neither the writing nor a reading connection overwrites freed space with zeros")
    func noSecureDelete() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit((0..<3).map(finishedRenderWrite))
        #expect(try store.write { db in try Int.fetchOne(db, sql: "PRAGMA secure_delete") } == 0)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "PRAGMA secure_delete") } == 0)
    }

    @Test("SQLite's process-wide settings are applied before the first store, or left as SQLite's defaults")
    func processWideSettings() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit((0..<3).map(finishedRenderWrite))
        #expect(SQLiteSettings.applied == SQLITE_OK || SQLiteSettings.applied == SQLITE_MISUSE)
        if SQLiteSettings.applied == SQLITE_OK {
            // Without memory statistics SQLite counts nothing, though the store has allocated plenty by now.
            #expect(sqlite3_memory_used() == 0)
        }
        #expect(try store.completedItems(stage: "render") == ["smp-0", "smp-1", "smp-2"])
    }
}
