import GRDB

extension RunStore {
    /// The covering index exports scan records through, in id order (see migration `v9-export-index`).
    static let exportIndexName = "records_for_export"
    static let createExportIndexSQL = """
        CREATE INDEX IF NOT EXISTS records_for_export ON records(
            id, flagged, media_count, sample_id, media_ids, sharegpt, type, domain, skill, language);
        """

    /// Leaves the export index out while an empty store is filled; `buildExportIndex()` makes it when an export
    /// asks for it (the exports of a run do not: each sorts its own records).
    ///
    /// Record ids are hashes, so each record lands at a random place in the index, and every transaction
    /// rewrites most of the index's pages into the write-ahead log: with the index kept, a run of 60,000 records
    /// spent more time on it than on everything else it writes. Built afterwards, it is one sorted pass. A store
    /// that already holds records keeps its index: rebuilding it could cost more than the records still to come.
    public func deferExportIndexIfEmpty() throws {
        try write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM records)") == false else { return }
            try db.execute(sql: "DROP INDEX IF EXISTS \(Self.exportIndexName)")
        }
    }

    /// Makes the export index if a run left it out (`deferExportIndexIfEmpty()`); a no-op once it exists.
    ///
    /// A store that cannot be written to (a read-only copy) is exported without it: the same rows, read from the
    /// table and sorted by id.
    public func buildExportIndex() {
        do {
            if try !hasExportIndex() { try write { db in try db.execute(sql: Self.createExportIndexSQL) } }
        } catch {
            // Reading without the index gives the same rows; only the speed differs.
        }
    }

    /// Whether the export index exists.
    public func hasExportIndex() throws -> Bool {
        try read { db in try Self.hasExportIndex(db) }
    }

    static func hasExportIndex(_ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?)",
            arguments: [exportIndexName]) ?? false
    }
}
