import Foundation
import GRDB
import LoomCore

/// The running digests behind a store's content hash: one `MultisetDigest` per digested table, kept in the
/// `content_digests` table and brought up to date in the same transaction as the rows they digest.
///
/// Reading every row back at the end of a run to digest it was a tenth of the rendering-excluded pipeline's CPU
/// time. Each write adds its rows' items instead (a run's sample and record rows are hashed on the workers that
/// make them, `StoreWrite.encode`) and takes away those of the rows it replaces, so the content hash reads a few
/// rows. A table without a kept digest (a store made before them) is digested from its rows by the next content
/// hash, which keeps the result. Writes by an older Loom, which knows nothing of the digests, are caught when they
/// add or remove rows (the kept count no longer matches the table's); `LOOM_VERIFY_CONTENT_DIGESTS` (the test
/// suite sets it) checks every kept digest against its rows.
enum ContentDigests {
    /// Each digested table and what of a row is digested, in the content hash's order. A record is digested from
    /// every column it is read back from (`StoredRecord.columns`).
    static let tables: [(name: String, columns: String)] = [
        ("media", "id"), ("samples", "body"), ("records", StoredRecord.columns),
        ("images", "id || '|' || phash || '|' || COALESCE(duplicate_of, '') || '|' || annotations"),
        ("image_files", "path || '|' || image_id"),
    ]

    /// The environment variable that makes `contentHash` check every kept digest against its table's rows.
    static let verifyVariable = "LOOM_VERIFY_CONTENT_DIGESTS"

    /// The digests kept for each table; a table missing from it has none (its rows must be read). One that cannot
    /// be read counts as missing, so that the next content hash digests that table again and keeps the result.
    static func stored(_ db: Database) throws -> [String: MultisetDigest] {
        var digests: [String: MultisetDigest] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, digest FROM content_digests") {
            let name: String = row[0]
            let summary: String = row[1]
            if let digest = MultisetDigest(summary: summary), digest.count >= 0 { digests[name] = digest }
        }
        return digests
    }

    /// Adds `changes` to the kept digests of their tables, inside the write that made the changes; a table whose
    /// digest is not kept stays without one, and one that cannot be read is dropped.
    static func apply(_ changes: [String: MultisetDigest], in db: Database) throws {
        for (name, change) in changes.sorted(by: { $0.key < $1.key }) where !change.isEmpty {
            guard let summary = try String.fetchOne(
                db.cachedStatement(sql: "SELECT digest FROM content_digests WHERE name = ?"), arguments: [name])
            else { continue }
            guard var digest = MultisetDigest(summary: summary) else {
                try drop([name], in: db)
                continue
            }
            digest.add(change)
            try db.cachedStatement(sql: "UPDATE content_digests SET digest = ? WHERE name = ?").execute(arguments: [digest.summary, name])
        }
    }

    /// Drops the kept digests of these tables, inside a write that changes their rows without keeping them.
    static func drop(_ names: [String], in db: Database) throws {
        for name in names { try db.execute(sql: "DELETE FROM content_digests WHERE name = ?", arguments: [name]) }
    }

    /// Digests a table by reading every row, in the order the rows lie on disk (the digest does not depend on it).
    static func scan(_ table: String, columns: String, in db: Database) throws -> MultisetDigest {
        var digest = MultisetDigest()
        // The bytes SQLite holds, hashed in place: no string made per row.
        let statement = try db.makeStatement(sql: "SELECT \(columns) FROM \(table)")
        let rows = try Row.fetchCursor(statement)
        if statement.columnCount == 1 {
            let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
            while try rows.next() != nil { digest.add(utf8: statement.textBytes(atColumn: 0) ?? empty) }
        } else {
            var parts: [UnsafeBufferPointer<UInt8>?] = Array(repeating: nil, count: statement.columnCount)
            while let row = try rows.next() { digest.add(try recordItem(statement, row: row, parts: &parts)) }
        }
        return digest
    }

    /// The digest item of the `records` row a statement over `StoredRecord.columns` stands on.
    static func recordItem(_ statement: Statement, row: Row, parts: inout [UnsafeBufferPointer<UInt8>?]) throws -> MultisetDigest.Item {
        for column in parts.indices { parts[column] = statement.textBytes(atColumn: Int32(column)) }
        let bodyColumn = parts.count - 1  // `StoredRecord.columns` ends with the body
        guard let body = parts[bodyColumn], StoredRecord.holdsWholeRecord(body) else { return MultisetDigest.Item(parts: parts) }
        // A row written before bodies were slimmed is digested as it would be written now, so that a run resumed
        // across that change hashes like one that was not interrupted.
        var details = try StoredRecord(row: row).record().detailsJSON
        return details.withUTF8 { bytes in
            parts[bodyColumn] = bytes
            return MultisetDigest.Item(parts: parts)
        }
    }

    /// The digest item of the stored row of `table` whose key column (`id`, or `path` for image files) is `key`,
    /// if there is one: what a write that replaces or rewrites that row takes away first, and, read again after the
    /// write, what it adds (for tables whose digested text SQL puts together, as the scan does).
    static func storedItem(table: String, key: String, in db: Database) throws -> MultisetDigest.Item? {
        guard let columns = tables.first(where: { $0.name == table })?.columns else {
            preconditionFailure("no content digest for table \(table)")
        }
        let keyColumn = table == "image_files" ? "path" : "id"
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM \(table) WHERE \(keyColumn) = ?")
        let rows = try Row.fetchCursor(statement, arguments: [key])
        guard let row = try rows.next() else { return nil }
        var parts: [UnsafeBufferPointer<UInt8>?] = Array(repeating: nil, count: statement.columnCount)
        if parts.count == 1 {
            return MultisetDigest.Item(utf8: statement.textBytes(atColumn: 0) ?? UnsafeBufferPointer(start: nil, count: 0))
        }
        return try recordItem(statement, row: row, parts: &parts)
    }

    /// Runs `write`, which inserts, replaces or rewrites the row of `table` keyed `key`, and, when the table's digest
    /// is kept (`digested`), brings `changes` up to date: the old row's item taken away, the new one's added.
    static func tracking(
        _ table: String, key: String, digested: Bool, changes: inout MultisetDigest, in db: Database, _ write: () throws -> Void
    ) throws {
        guard digested else { return try write() }
        if let old = try storedItem(table: table, key: key, in: db) { changes.remove(old) }
        try write()
        if let new = try storedItem(table: table, key: key, in: db) { changes.add(new) }
    }

    /// The names of the tables whose digests are kept.
    static func keptTables(_ db: Database) throws -> Set<String> {
        Set(try String.fetchAll(db.cachedStatement(sql: "SELECT name FROM content_digests")))
    }

    /// The SQL that makes the digests table, with an empty digest for each digested table that has no rows yet
    /// (one that has rows gets its digest the first time the content hash reads them).
    static let migrationSQL: String = {
        var sql = "CREATE TABLE content_digests (name TEXT PRIMARY KEY, digest TEXT NOT NULL);\n"
        for (name, _) in tables {
            sql += "INSERT INTO content_digests (name, digest) SELECT '\(name)', '0:0.0.0.0' WHERE NOT EXISTS (SELECT 1 FROM \(name));\n"
        }
        return sql
    }()
}
