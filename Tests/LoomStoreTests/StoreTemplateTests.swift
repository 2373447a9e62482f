import Foundation
import GRDB
import Testing

@testable import LoomStore

@Suite("Store template")
struct StoreTemplateTests {
    /// What decides a store's schema and starting content, comparable between stores.
    private func layout(of store: RunStore) throws -> [String] {
        try store.read { db in
            try String.fetchAll(db, sql: "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_schema ORDER BY name")
                + String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
                + String.fetchAll(db, sql: "SELECT name || '=' || digest FROM content_digests ORDER BY name")
                + [String.fetchOne(db, sql: "PRAGMA page_size") ?? "", String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""]
        }
    }

    @Test("the first new store makes the template; a store copied from it equals one made from the schema's SQL")
    func copiedStoreEqualsMadeStore() throws {
        let templates = try temporaryStoreDirectory()
        let template = templates.appendingPathComponent(StoreTemplate.fileName)
        let first = try RunStore(directory: try temporaryStoreDirectory(), templates: templates)
        #expect(FileManager.default.fileExists(atPath: template.path))
        let copied = try RunStore(directory: try temporaryStoreDirectory(), templates: templates)
        let made = try RunStore(directory: try temporaryStoreDirectory(), templates: nil)
        #expect(try layout(of: copied) == layout(of: made))
        #expect(try layout(of: first) == layout(of: made))
        #expect(try layout(of: made).suffix(2) == ["\(RunStore.pageSize)", "wal"])
        // A copied store works like any other, and its writes never reach the template.
        try copied.commit([StoreWrite(ledger: [LedgerEntry(item: "smp-1", stage: "render", status: .done)])])
        #expect(try copied.completedItems(stage: "render") == ["smp-1"])
        let again = try RunStore(directory: try temporaryStoreDirectory(), templates: templates)
        #expect(try again.completedItems(stage: "render").isEmpty)
        #expect(try copied.contentHash() == made.contentHash())
    }

    @Test("a template that is not a database is passed over and removed; the store is made from the SQL")
    func brokenTemplate() throws {
        let templates = try temporaryStoreDirectory()
        let template = templates.appendingPathComponent(StoreTemplate.fileName)
        try Data(repeating: 0x5A, count: 70_000).write(to: template)
        let store = try RunStore(directory: try temporaryStoreDirectory(), templates: templates)
        #expect(try layout(of: store) == layout(of: RunStore(directory: try temporaryStoreDirectory(), templates: nil)))
        try store.commit([StoreWrite(ledger: [LedgerEntry(item: "smp-1", stage: "render", status: .done)])])
        // The broken file went; the store made from the SQL became the new template.
        let replaced = try Data(contentsOf: template)
        #expect(replaced.prefix(16) == Data("SQLite format 3\0".utf8))
    }

    @Test("a templates folder that cannot be made leaves new stores to the schema's SQL")
    func unwritableFolder() throws {
        let blocker = try temporaryStoreDirectory().appendingPathComponent("a-file")
        try Data("not a folder".utf8).write(to: blocker)
        let store = try RunStore(directory: try temporaryStoreDirectory(), templates: blocker.appendingPathComponent("templates"))
        try store.commit([StoreWrite(ledger: [LedgerEntry(item: "smp-1", stage: "render", status: .done)])])
        #expect(try store.completedItems(stage: "render") == ["smp-1"])
    }

    @Test("the template's name changes with any migration's SQL, a new migration and the page size")
    func nameFollowsSchema() {
        let migrations = StoreSchema.migrations
        let name = StoreTemplate.name(migrations: migrations, pageSize: RunStore.pageSize)
        #expect(name == StoreTemplate.fileName)
        #expect(name.hasPrefix("store-template-") && name.hasSuffix(".sqlite"))
        var edited = migrations
        edited[0] = StoreSchema.Migration(edited[0].identifier, edited[0].sql + "\nCREATE TABLE extra (x INTEGER);")
        let added = migrations + [StoreSchema.Migration("v99-extra", "CREATE TABLE extra (x INTEGER);")]
        let others = [
            StoreTemplate.name(migrations: edited, pageSize: RunStore.pageSize),
            StoreTemplate.name(migrations: added, pageSize: RunStore.pageSize),
            StoreTemplate.name(migrations: migrations, pageSize: 4096),
        ]
        #expect(Set(others + [name]).count == 4)
    }
}
