import Foundation
import GRDB
import LoomCore
import Testing

@testable import LoomStore

@Suite("The export index and the store's hot inserts")
struct ExportIndexTests {
    private func write(_ n: Int) -> StoreWrite {
        let scene = SceneTruth(width: 64, height: 64, background: .plain, backgroundName: "plain", objects: [], labels: [])
        let record = Record(
            id: "rec-\(n)", sampleID: "smp-\(n)", media: ["m\(n)"],
            turns: [Turn(role: .user, text: "<image>\nq\(n)"), Turn(role: .assistant, text: "a\(n)")], type: .shortVQA,
            domain: "counting", skill: nil, language: "en", options: nil, answerKey: nil, checks: [],
            provenance: Provenance(generator: "t", template: "t", phrasing: 0, seed: 1), flags: [])
        return StoreWrite(
            media: [MediaItem(id: "m\(n)", kind: .image, path: "media/m\(n).png", format: "png", width: 64, height: 64)],
            samples: [Sample(id: "smp-\(n)", kind: .single, ordinal: n, media: ["m\(n)"], truth: .single(scene))],
            records: [record], ledger: [LedgerEntry(item: "smp-\(n)", stage: "render", status: .done)])
    }

    private func exportedIDs(_ store: RunStore) throws -> [String] {
        var ids: [String] = []
        try store.forEachExportRow(RecordSelection()) { row, _ in ids.append(row.id) }
        return ids
    }

    @Test("an empty store leaves the index out while it is filled; building it gives the same rows in id order")
    func deferredThenBuilt() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        #expect(try store.hasExportIndex())  // made by the migrations
        try store.deferExportIndexIfEmpty()
        #expect(try !store.hasExportIndex())
        try store.commit([7, 2, 9, 4].map(write))
        let withoutIndex = try exportedIDs(store)
        store.buildExportIndex()
        #expect(try store.hasExportIndex())
        #expect(try exportedIDs(store) == withoutIndex)
        #expect(withoutIndex == ["rec-2", "rec-4", "rec-7", "rec-9"])
        store.buildExportIndex()  // a no-op once it exists
        #expect(try store.hasExportIndex())
    }

    @Test("a store that already holds records keeps its index")
    func keptWhenNotEmpty() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit([write(1)])
        try store.deferExportIndexIfEmpty()
        #expect(try store.hasExportIndex())
    }

    @Test("inserted rows keep NULL and empty text apart, and a broken row names SQLite's reason")
    func rowInserter() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        let errors = try store.write { db in
            var insert = try RowInserter(
                db, sql: "INSERT INTO ledger(item, stage, status, attempts, error, updated_at) VALUES (?, ?, ?, 1, ?, ?)")
            for (item, error) in [("a", nil), ("b", ""), ("c", "naïve ✓")] as [(String, String?)] {
                insert.text(item)
                insert.text("render")
                insert.text("failed")
                insert.text(error)
                insert.real(1.5)
                try insert.run()
            }
            return try Row.fetchAll(db, sql: "SELECT item, error, updated_at FROM ledger ORDER BY item").map {
                [$0["item"], $0["error"] as String? ?? "NULL", "\($0["updated_at"] as Double)"]
            }
        }
        #expect(errors == [["a", "NULL", "1.5"], ["b", "", "1.5"], ["c", "naïve ✓", "1.5"]])
        #expect {
            try store.write { db in
                var insert = try RowInserter(db, sql: "INSERT INTO meta(key, value) VALUES (?, ?)")
                insert.text("k")
                insert.text(nil)
                try insert.run()
            }
        } throws: { error in
            "\(error)".contains("NOT NULL constraint failed: meta.value")
        }
    }

    @Test("the content hash is a SHA-256 over each table's name and the multiset digest of its stored texts")
    func contentHashDefinition() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit([3, 1].map(write))
        var expected = ContentHasher()
        let tables = [("media", "id"), ("samples", "body"), ("records", "body")]
        try store.read { db in
            for (table, column) in tables {
                var digest = MultisetDigest()
                for value in try String.fetchAll(db, sql: "SELECT \(column) FROM \(table) ORDER BY id DESC") { digest.add(value) }
                expected.add(table)
                expected.add(digest.summary)
            }
            for table in ["images", "image_files"] {
                expected.add(table)
                expected.add(MultisetDigest().summary)
            }
        }
        #expect(try store.contentHash() == expected.finalize())
    }
}
