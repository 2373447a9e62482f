import Foundation
import GRDB
import LoomCore
import Testing

@testable import LoomStore

@Suite("Records by sample order and the export index, and the store's hot inserts")
struct SampleOrderTests {
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

    /// A record of sample `sample` with the given id.
    private func record(_ id: String, of sample: Int) -> LoomCore.Record {
        Record(
            id: id, sampleID: "smp-\(sample)", media: ["m\(sample)"],
            turns: [Turn(role: .user, text: "<image>\nq"), Turn(role: .assistant, text: "a")], type: .shortVQA,
            domain: "counting", skill: nil, language: "en", options: nil, answerKey: nil, checks: [],
            provenance: Provenance(generator: "t", template: "t", phrasing: 0, seed: 1), flags: [])
    }

    /// Record ids in the order of `records_in_sample_order`.
    private func idsInSampleOrder(_ store: RunStore) throws -> [String] {
        try store.read { db in try String.fetchAll(db, sql: "SELECT id FROM records ORDER BY sample_order, sample_id, id") }
    }

    @Test("an empty store leaves the export index out while it is filled; building it gives the same rows in id order")
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

    @Test("a store that already holds records keeps its export index")
    func keptWhenNotEmpty() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit([write(1)])
        try store.deferExportIndexIfEmpty()
        #expect(try store.hasExportIndex())
    }

    @Test("records are kept by their sample's order key, then sample id, then id; a sample's records are found by it")
    func sampleOrder() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        var second = write(2)
        second.records.append(record("rec-0-of-2", of: 2))
        try store.commit([write(9), write(4)])
        try store.commit([write(7), second])
        #expect(try idsInSampleOrder(store) == ["rec-0-of-2", "rec-2", "rec-4", "rec-7", "rec-9"])
        let bodies = try store.storedRecords(ofSamples: ["smp-2", "smp-9"])
        #expect(bodies["smp-2"]?.count == 2 && bodies["smp-9"]?.count == 1)
        #expect(try exportedIDs(store) == ["rec-0-of-2", "rec-2", "rec-4", "rec-7", "rec-9"].sorted())
    }

    @Test("samples order by kind (singles, pairs, sets, sequences), then ordinal; SQLite's key is the same as Swift's")
    func orderAcrossKinds() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        var pair = write(0)
        pair.samples[0].kind = .pair
        pair.samples[0].id = "smp-pair-0"
        pair.records[0].sampleID = "smp-pair-0"
        pair.records[0].id = "rec-0-pair"
        try store.commit([pair, write(5)])
        #expect(try idsInSampleOrder(store) == ["rec-5", "rec-0-pair"])
        #expect(try exportedIDs(store) == ["rec-0-pair", "rec-5"])  // exports stay in id order
        let keys = try store.read { db in
            try SampleKind.allCases.map { kind in
                try Int.fetchOne(db, sql: "SELECT \(SampleOrderKey.sql) FROM (SELECT ? AS kind, 7 AS ordinal)", arguments: [kind.rawValue])
            }
        }
        #expect(keys == SampleKind.allCases.map { SampleOrderKey.key(kind: $0, ordinal: 7) })
        #expect(Set(keys).count == SampleKind.allCases.count)
    }

    @Test("a record stored before its sample takes the sample's ordinal when the sample comes, and is found by it")
    func recordBeforeItsSample() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit([write(1), StoreWrite(records: [record("rec-early", of: 5)])])
        let ordinal = { try store.read { db in try Int.fetchOne(db, sql: "SELECT sample_order FROM records WHERE id = 'rec-early'") } }
        #expect(try ordinal() == nil)
        var sample = write(5)
        sample.records = []
        try store.commit([sample])
        #expect(try ordinal() == 5)
        #expect(try store.storedRecords(ofSamples: ["smp-5"])["smp-5"]?.count == 1)
        #expect(try exportedIDs(store) == ["rec-1", "rec-early"])
    }

    @Test("a sample's records and the record counts are read through the sample-order index; exports through the export index, or a sort of the table without it")
    func queryPlans() throws {
        let store = try RunStore(directory: try temporaryStoreDirectory())
        try store.commit([1, 2].map(write))
        func plan(_ sql: String) throws -> String {
            try store.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "; ")
            }
        }
        let lookup = try plan(RunStore.recordsOfSampleSQL.replacingOccurrences(of: "?1", with: "'smp-1'"))
        #expect(lookup.contains("records_in_sample_order") && !lookup.contains("TEMP B-TREE"), "\(lookup)")
        // Counting records and flags reads that index alone, not every page of the table.
        let counting = try plan("SELECT COUNT(*), COALESCE(SUM(flagged), 0) FROM records")
        #expect(counting.contains("COVERING INDEX records_in_sample_order"), "\(counting)")
        let export = try plan(RunStore.exportRowsSQL(condition: "", order: .id, inContext: false, indexed: true))
        #expect(export.contains("COVERING INDEX records_for_export") && !export.contains("TEMP B-TREE"), "\(export)")
        // Without the export index: one pass over the table and a sort, not a lookup in the table per record.
        try store.write { db in try db.execute(sql: "DROP INDEX records_for_export") }
        let sorted = try plan(RunStore.exportRowsSQL(condition: " WHERE media_count <= 1", order: .id, inContext: true, indexed: false))
        #expect(sorted.contains("SCAN records") && sorted.contains("TEMP B-TREE FOR ORDER BY"), "\(sorted)")
        #expect(!sorted.contains("sqlite_autoindex_records_1"), "\(sorted)")
    }

    @Test("migration v10 gives the records of an older store their samples' order keys and replaces the sample index")
    func migrationFillsOrdinals() throws {
        let url = try temporaryStoreDirectory().appendingPathComponent(RunStore.fileName)
        do {
            let pool = try DatabasePool(path: url.path)
            try StoreSchema.migrator.migrate(pool, upTo: "v9-export-index")
            try pool.write { db in
                try db.execute(sql: "INSERT INTO samples(id, kind, ordinal, body) VALUES ('smp-a', 'single', 3, '{}')")
                for (id, sample) in [("rec-1", "smp-a"), ("rec-2", "smp-gone")] {
                    try db.execute(
                        sql: """
                            INSERT INTO records(id, sample_id, type, domain, skill, language, media_count, media_ids, sharegpt, body)
                            VALUES (?, ?, 'short_vqa', 'counting', NULL, 'en', 0, '', '[]', '{}')
                            """, arguments: [id, sample])
                }
            }
        }
        let store = try RunStore(directory: url.deletingLastPathComponent())
        let (ordinals, indexes) = try store.read { db in
            (try Row.fetchAll(db, sql: "SELECT id, sample_order FROM records ORDER BY id").map { "\($0["id"] as String)=\(($0["sample_order"] as Int?).map(String.init) ?? "NULL")" },
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'records' AND sql IS NOT NULL ORDER BY name"))
        }
        #expect(ordinals == ["rec-1=3", "rec-2=NULL"])
        #expect(indexes == ["records_for_export", "records_in_sample_order"])
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
        try store.read { db in
            for (table, column) in [("media", "id"), ("samples", "body")] {
                var digest = MultisetDigest()
                for value in try String.fetchAll(db, sql: "SELECT \(column) FROM \(table) ORDER BY id DESC") { digest.add(value) }
                expected.add(table)
                expected.add(digest.summary)
            }
            // A record: every column it is read back from, each after its length (a NULL skill as a marker).
            var records = MultisetDigest()
            let columns = ["id", "sample_id", "media_ids", "sharegpt", "type", "domain", "skill", "language", "body"]
            for row in try Row.fetchAll(db, sql: "SELECT \(columns.joined(separator: ", ")) FROM records ORDER BY id DESC") {
                var parts: [UInt8] = []
                for index in columns.indices {
                    let value: String? = row[index]
                    let length = value.map { UInt64($0.utf8.count) } ?? UInt64.max
                    withUnsafeBytes(of: length.littleEndian) { parts += $0 }
                    parts += Array((value ?? "").utf8)
                }
                parts.withUnsafeBufferPointer { records.add(utf8: $0) }
            }
            expected.add("records")
            expected.add(records.summary)
            for table in ["images", "image_files"] {
                expected.add(table)
                expected.add(MultisetDigest().summary)
            }
        }
        #expect(try store.contentHash() == expected.finalize())
    }
}
