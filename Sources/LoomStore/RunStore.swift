import Foundation
import GRDB
import LoomCore

/// The store of one run: a single SQLite database (WAL) in the run directory holding media, samples,
/// records and the ledger of which item finished which stage.
///
/// Every write is a transaction that carries results and ledger rows together, so the ledger never says
/// "done" for work that was not saved, and saved work is never redone.
public final class RunStore: Sendable {
    /// The database file name inside a run directory.
    public static let fileName = "loom.sqlite"

    public let url: URL
    private let pool: DatabasePool

    /// Opens (creating if needed) the store of the run directory and brings its schema up to date.
    public init(directory: URL) throws {
        url = directory.appendingPathComponent(Self.fileName)
        var configuration = Configuration()
        // A review server or `loom status` may read while a run writes: wait for locks instead of failing.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Exports read the whole store back: memory-mapped reads skip a pread and a copy per page.
            // synchronous = NORMAL is SQLite's recommended WAL setting: a killed process loses nothing
            // committed; a power cut may lose the last transactions, which the ledger then redoes.
            try db.execute(sql: "PRAGMA mmap_size = 268435456; PRAGMA synchronous = NORMAL")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try DatabasePool(path: url.path, configuration: configuration)
            try StoreSchema.migrator.migrate(pool)
        } catch {
            throw LoomError(.store, "cannot open the run store: \(Self.explain(error))", subject: url.path)
        }
    }

    // MARK: Meta

    public func meta(_ key: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try write { db in
            try db.execute(
                sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [key, value])
        }
    }

    // MARK: Writing

    /// Commits a batch of finished work in one transaction.
    public func commit(_ batch: [StoreWrite]) throws {
        var batch = batch
        for index in batch.indices { batch[index].encode() }
        let now = Date().timeIntervalSince1970
        try write { db in
            let media = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO media(id, kind, path, format, width, height) VALUES (?, ?, ?, ?, ?, ?)")
            let sample = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO samples(id, kind, ordinal, body) VALUES (?, ?, ?, ?)")
            let record = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO records(
                        id, sample_id, type, domain, skill, language, media_count, flagged, media_ids, sharegpt, body)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let ledger = try db.cachedStatement(
                sql: """
                    INSERT INTO ledger(item, stage, status, attempts, error, updated_at) VALUES (?, ?, ?, 1, ?, ?)
                    ON CONFLICT(item, stage) DO UPDATE SET status = excluded.status, error = excluded.error,
                        attempts = ledger.attempts + 1, updated_at = excluded.updated_at
                    """)
            for write in batch {
                for item in write.media {
                    try media.execute(arguments: [item.id, item.kind.rawValue, item.path, item.format, item.width, item.height])
                }
                for entry in write.ledger {
                    try ledger.execute(arguments: [entry.item, entry.stage, entry.status.rawValue, entry.error, now])
                }
            }
            for write in batch {
                guard let encoded = write.encoded else { continue }
                for (item, body) in zip(write.samples, encoded.samples) {
                    try sample.execute(arguments: [item.id, item.kind.rawValue, item.ordinal, body])
                }
                for (item, json) in zip(write.records, encoded.records) {
                    try record.execute(arguments: [
                        item.id, item.sampleID, item.type.rawValue, item.domain.rawValue, item.skill?.rawValue,
                        item.language, item.media.count, item.flags.isEmpty ? 0 : 1, item.media.joined(separator: ","),
                        json.shareGPT, json.body,
                    ])
                }
            }
        }
    }

    // MARK: Ledger

    /// The items that finished `stage`.
    public func completedItems(stage: String) throws -> Set<String> {
        try read { db in
            Set(try String.fetchAll(db, sql: "SELECT item FROM ledger WHERE stage = ? AND status = 'done'", arguments: [stage]))
        }
    }

    /// The items that failed `stage`, with how often they were tried.
    public func failures(stage: String? = nil) throws -> [LedgerFailure] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT item, stage, attempts, error FROM ledger WHERE status = 'failed' AND (?1 IS NULL OR stage = ?1) ORDER BY stage, item",
                arguments: [stage]
            ).map { LedgerFailure(item: $0["item"], stage: $0["stage"], attempts: $0["attempts"], error: $0["error"] ?? "") }
        }
    }

    /// Done and failed counts per stage.
    public func stageCounts() throws -> [String: StageCounts] {
        try read { db in
            var counts: [String: StageCounts] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT stage, status, COUNT(*) AS n FROM ledger GROUP BY stage, status") {
                let stage: String = row["stage"]
                let n: Int = row["n"]
                if row["status"] == "done" { counts[stage, default: StageCounts()].done = n } else { counts[stage, default: StageCounts()].failed = n }
            }
            return counts
        }
    }

    // MARK: Reading

    public func sample(id: String) throws -> Sample? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT body FROM samples WHERE id = ?", arguments: [id])
        }.map { try Self.decode(Sample.self, $0) }
    }

    public func media(id: String) throws -> MediaItem? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM media WHERE id = ?", arguments: [id]).map(Self.mediaItem)
        }
    }

    public func record(id: String) throws -> LoomCore.Record? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT body FROM records WHERE id = ?", arguments: [id])
        }.map { try Self.decode(LoomCore.Record.self, $0) }
    }

    /// Ids of every kind that start with `prefix`, for `loom inspect` with a shortened id.
    public func ids(startingWith prefix: String, limit: Int = 10) throws -> [(table: String, id: String)] {
        try read { db in
            var out: [(String, String)] = []
            for table in ["records", "samples", "media"] {
                let ids = try String.fetchAll(
                    db, sql: "SELECT id FROM \(table) WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                    arguments: [prefix, prefix + "\u{10FFFF}", limit])
                out += ids.map { (table, $0) }
            }
            return out
        }
    }

    /// Streams samples in id order without holding them all in memory.
    public func forEachSample(_ body: (Sample) throws -> Void) throws {
        try read { db in
            let cursor = try String.fetchCursor(db, sql: "SELECT body FROM samples ORDER BY id")
            while let json = try cursor.next() { try body(try Self.decode(Sample.self, json)) }
        }
    }

    /// Streams records in id order, optionally only unflagged ones and only single- or multi-image ones.
    /// `body` also gets a lookup of media by id that works inside the same read.
    public func forEachRecord(
        unflaggedOnly: Bool = false, multiImage: Bool? = nil,
        _ body: (LoomCore.Record, _ media: (String) throws -> MediaItem?) throws -> Void
    ) throws {
        let whereClause = Self.recordFilter(unflaggedOnly: unflaggedOnly, multiImage: multiImage)
        try read { db in
            let lookup = try Self.mediaLookup(db)
            let cursor = try String.fetchCursor(db, sql: "SELECT body FROM records\(whereClause) ORDER BY id")
            while let json = try cursor.next() { try body(try Self.decode(LoomCore.Record.self, json), lookup) }
        }
    }

    /// One record as the ShareGPT-based exports need it, read without decoding the record.
    public struct ShareGPTRow: Sendable {
        public var id: String
        public var media: [String]
        /// `[{"from": …, "value": …}, …]` as JSON text.
        public var conversation: String
    }

    /// Streams records in id order in ShareGPT form, with a media lookup that works inside the same read.
    public func forEachShareGPTRow(
        unflaggedOnly: Bool = true, multiImage: Bool? = nil,
        _ body: (ShareGPTRow, _ media: (String) throws -> MediaItem?) throws -> Void
    ) throws {
        let whereClause = Self.recordFilter(unflaggedOnly: unflaggedOnly, multiImage: multiImage)
        try read { db in
            let lookup = try Self.mediaLookup(db)
            let rows = try Row.fetchCursor(db, sql: "SELECT id, media_ids, sharegpt FROM records\(whereClause) ORDER BY id")
            while let row = try rows.next() {
                // Columns by position: the SELECT above fixes their order, and name lookups cost more.
                let ids: String = row[1]
                try body(
                    ShareGPTRow(id: row[0], media: ids.isEmpty ? [] : ids.split(separator: ",").map(String.init), conversation: row[2]),
                    lookup)
            }
        }
    }

    /// How many records there are, and how many carry quality flags; optionally only single- or multi-image ones.
    public func recordCounts(multiImage: Bool? = nil) throws -> (total: Int, flagged: Int) {
        let whereClause = Self.recordFilter(unflaggedOnly: false, multiImage: multiImage)
        return try read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT COUNT(*) AS total, COALESCE(SUM(flagged), 0) AS flagged FROM records\(whereClause)")!
            return (row["total"], row["flagged"])
        }
    }

    /// A SHA-256 over every media id, sample and record in id order: equal for equal datasets, whatever
    /// order the work was done in.
    public func contentHash() throws -> String {
        try read { db in
            var hasher = ContentHasher()
            for (table, column) in [("media", "id"), ("samples", "body"), ("records", "body")] {
                hasher.add(table)
                let cursor = try String.fetchCursor(db, sql: "SELECT \(column) FROM \(table) ORDER BY id")
                while let value = try cursor.next() { hasher.add(value) }
            }
            return hasher.finalize()
        }
    }

    // MARK: Plumbing

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as LoomError {
            throw error
        } catch {
            throw LoomError(.store, "reading the run store failed: \(Self.explain(error))", subject: url.path)
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch {
            throw LoomError(.store, "writing the run store failed: \(Self.explain(error))", subject: url.path)
        }
    }

    /// A readable reason for a database error, naming a full disk or a read-only folder plainly.
    static func explain(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_FULL: return "the disk is full (SQLite: \(error.message ?? "database or disk is full"))"
            case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
                return "the folder is not writable (SQLite: \(error.message ?? "\(error.resultCode)"))"
            default: return "SQLite: \(error.message ?? "\(error.resultCode)")"
            }
        }
        return "\(error)"
    }

    /// The WHERE clause that selects records by flag state and by single or multiple media.
    private static func recordFilter(unflaggedOnly: Bool, multiImage: Bool?) -> String {
        var conditions: [String] = []
        if unflaggedOnly { conditions.append("flagged = 0") }
        if let multiImage { conditions.append(multiImage ? "media_count > 1" : "media_count <= 1") }
        return conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
    }

    /// A lookup of media by id that runs inside an open read (GRDB reads cannot nest).
    private static func mediaLookup(_ db: Database) throws -> (String) throws -> MediaItem? {
        let statement = try db.cachedStatement(sql: "SELECT * FROM media WHERE id = ?")
        return { id in try Row.fetchOne(statement, arguments: [id]).map(mediaItem) }
    }

    private static func mediaItem(_ row: Row) -> MediaItem {
        MediaItem(
            id: row["id"], kind: MediaKind(rawValue: row["kind"]) ?? .image, path: row["path"], format: row["format"],
            width: row["width"], height: row["height"])
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(json.utf8))
        } catch {
            throw LoomError(.store, "a stored \(T.self) cannot be read: \(error)")
        }
    }
}
