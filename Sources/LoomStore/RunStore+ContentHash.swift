import Foundation
import GRDB
import LoomCore

extension RunStore {
    /// A digest of every media id, sample and record (and ingested image and file): equal for equal datasets,
    /// whatever order the work was done in. Each table is digested as a multiset (`MultisetDigest`); the hash is a
    /// SHA-256 over the tables' names and digests.
    ///
    /// The digests are those the writes kept (`ContentDigests`). A table whose digest is not kept, or whose kept
    /// count differs from its number of rows (rows an older Loom added or removed), is digested from its rows; the
    /// digest is then kept, unless another connection wrote meanwhile. With `LOOM_VERIFY_CONTENT_DIGESTS` set,
    /// every kept digest is also checked against its rows.
    ///
    /// - Throws: `LoomError` of kind `.store` when a kept digest differs from its rows (only when verifying).
    public func contentHash() throws -> String {
        // Verifying skips a digest whose count is off: that one is digested from its rows below in any case.
        if ProcessInfo.processInfo.environment[ContentDigests.verifyVariable] != nil,
            let (table, kept, rows) = try contentDigestMismatches().first(where: { $0.kept.count == $0.rows.count })
        {
            throw LoomError(
                .store, "the kept content digest of table \(table) (\(kept.summary)) differs from its rows (\(rows.summary))",
                subject: url.path)
        }
        var digests = try read { db in try Self.currentDigests(db) }
        if ContentDigests.tables.contains(where: { digests[$0.name] == nil }) {
            digests = try isReadOnly ? digestWithoutKeeping() : digestAndKeep()
        }
        var hasher = ContentHasher()
        for (table, _) in ContentDigests.tables {
            hasher.add(table)
            hasher.add(digests[table]!.summary)
        }
        return hasher.finalize()
    }

    /// The kept digests whose counts match their tables' numbers of rows.
    private static func currentDigests(_ db: Database) throws -> [String: MultisetDigest] {
        try ContentDigests.stored(db).filter { name, digest in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM \(name)") == digest.count
        }
    }

    /// Digests from their rows the tables whose digests are not current (`currentDigests`) and keeps the results;
    /// returns every table's digest.
    ///
    /// The rows are read in a deferred transaction, so other processes (a review server) may write meanwhile; if
    /// one did, keeping the digests fails on the stale snapshot and they are returned without being kept.
    private func digestAndKeep() throws -> [String: MultisetDigest] {
        try pool.writeWithoutTransaction { db in
            // Unmapped, like the exports: the scan reads every page once, and mapped pages would all count as the
            // process's memory.
            try db.execute(sql: "PRAGMA mmap_size = 0")
            defer { try? db.execute(sql: "PRAGMA mmap_size = \(mappedBytes)") }
            var digests: [String: MultisetDigest] = [:]
            try db.inTransaction(.deferred) {
                digests = try Self.currentDigests(db)
                var scanned: [String: MultisetDigest] = [:]
                for (table, columns) in ContentDigests.tables where digests[table] == nil {
                    scanned[table] = try ContentDigests.scan(table, columns: columns, in: db)
                }
                digests.merge(scanned) { kept, _ in kept }
                do {
                    for (table, digest) in scanned.sorted(by: { $0.key < $1.key }) {
                        try db.execute(
                            sql: "INSERT OR REPLACE INTO content_digests (name, digest) VALUES (?, ?)", arguments: [table, digest.summary])
                    }
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                    return .rollback
                }
                return .commit
            }
            return digests
        }
    }

    /// Digests from their rows the tables whose digests are not current, in a store that cannot keep them.
    private func digestWithoutKeeping() throws -> [String: MultisetDigest] {
        try readUnmapped { db in
            var digests = try Self.currentDigests(db)
            for (table, columns) in ContentDigests.tables where digests[table] == nil {
                digests[table] = try ContentDigests.scan(table, columns: columns, in: db)
            }
            return digests
        }
    }

    /// The tables whose kept content digest (`ContentDigests`) differs from the digest of their rows, with both.
    public func contentDigestMismatches() throws -> [(table: String, kept: MultisetDigest, rows: MultisetDigest)] {
        // Unmapped, like the exports: the scan reads every page once, and mapped pages would all count as the
        // process's memory.
        try readUnmapped { db in
            let kept = try ContentDigests.stored(db)
            return try ContentDigests.tables.compactMap { table, columns in
                guard let digest = kept[table] else { return nil }
                let rows = try ContentDigests.scan(table, columns: columns, in: db)
                return digest == rows ? nil : (table, digest, rows)
            }
        }
    }
}
