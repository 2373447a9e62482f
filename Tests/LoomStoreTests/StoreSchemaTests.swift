import Foundation
import GRDB
import LoomCore
import Testing

@testable import LoomStore

@Suite("The store's schema")
struct StoreSchemaTests {
    /// Every table, index and its SQL, and the migrations recorded as applied.
    private func schema(_ pool: DatabasePool) throws -> (objects: [String], applied: [String]) {
        try pool.read { db in
            (try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name").map {
                "\($0["type"] as String) \($0["name"] as String) on \($0["tbl_name"] as String): \(($0["sql"] as String?) ?? "-")"
            },
             try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier"))
        }
    }

    @Test("a new store gets in one transaction exactly the schema the migrations build one by one")
    func freshSchemaMatchesMigrations() throws {
        let directory = try temporaryStoreDirectory()
        let oneStep = try DatabasePool(path: directory.appendingPathComponent("one-step.sqlite").path)
        let stepByStep = try DatabasePool(path: directory.appendingPathComponent("step-by-step.sqlite").path)
        try StoreSchema.migrate(oneStep)
        try StoreSchema.migrator.migrate(stepByStep)
        let made = try schema(oneStep)
        #expect(made.objects == (try schema(stepByStep)).objects)
        #expect(made.applied == StoreSchema.migrations.map(\.identifier).sorted())
        // GRDB's migrator finds nothing left to do on it, and running it again changes nothing.
        #expect(try oneStep.read { db in try StoreSchema.migrator.hasCompletedMigrations(db) })
        try StoreSchema.migrate(oneStep)
        #expect(try schema(oneStep).objects == made.objects)
    }

    @Test("a store made by an older Loom gets the migrations it lacks, one by one")
    func olderStoreIsMigrated() throws {
        let directory = try temporaryStoreDirectory()
        let older = try DatabasePool(path: directory.appendingPathComponent("older.sqlite").path)
        try StoreSchema.migrator.migrate(older, upTo: "v8-sample-videos")
        try older.write { db in try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('kept', 'yes')") }
        try StoreSchema.migrate(older)
        #expect(try older.read { db in try StoreSchema.migrator.hasCompletedMigrations(db) })
        #expect(try older.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'kept'") } == "yes")
    }

    @Test("migration v13 keeps every note of an older store and lets a file have one of each kind")
    func notesByKind() throws {
        let url = try temporaryStoreDirectory().appendingPathComponent(RunStore.fileName)
        do {
            let pool = try DatabasePool(path: url.path)
            try StoreSchema.migrator.migrate(pool, upTo: "v12-ingested-file-stamps")
            try pool.write { db in
                try db.execute(sql: "INSERT INTO rejections VALUES ('a.jpg', 'ingest', 'exact copy (ingested once)', 'same bytes')")
            }
        }
        let store = try RunStore(directory: url.deletingLastPathComponent())
        try store.commit([StoreWrite(rejections: [
            Rejection(subject: "a.jpg", stage: "ingest", category: "box outside the image", reason: "1 of 2 boxes"),
            Rejection(subject: "a.jpg", stage: "ingest", category: "box outside the image", reason: "2 of 2 boxes"),
        ])])
        let notes = try store.rejections(stage: "ingest").flatMap(\.items).map { "\($0.category): \($0.reason)" }.sorted()
        #expect(notes == ["box outside the image: 2 of 2 boxes", "exact copy (ingested once): same bytes"])
    }
}
