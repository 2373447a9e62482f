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
    /// Internal: the store's extensions in other files reach it (`RunStore+ContentHash`).
    let pool: DatabasePool
    /// Copies the write-ahead log into the file beside the writer's commits (runs, exports, status); nil for the
    /// review app, whose writer keeps SQLite's automatic checkpoint.
    private let checkpointer: BackgroundCheckpointer?
    /// `PRAGMA mmap_size` of every connection (see `ReadPattern`).
    let mappedBytes: Int
    /// The review app's claims and verdicts, committed in groups (see `groupedWrite`).
    private let groupWriter: GroupCommitWriter
    /// The writing connection's page cache, sized to the store (`WriterCacheSize`).
    private let writerCache: WriterCacheSize
    /// Whether the store was opened only to be read, because its folder cannot be written (`ReadOnlyStore`).
    public let isReadOnly: Bool

    /// The page size of a new store file, in bytes.
    static let pageSize = 16_384

    /// The memory-mapped part of the store file (256 MiB).
    static let mmapSize = 268_435_456

    /// How a process mostly uses the store, which decides how much of the file it maps into memory and how
    /// often the WAL is checkpointed.
    public enum ReadPattern: Sendable {
        /// Runs, exports, status: 256 MiB mapped (whole-store scans map nothing; see `readUnmapped`).
        case scans
        /// A long-lived server that reads and writes single records all over the file while its own connections
        /// commit all the time (the review app). Nothing is mapped: SQLite unmaps a connection's whole map when it
        /// starts a read after another connection's commit, and under a team of reviewers the `munmap`s cost
        /// more than reading the pages (2 GiB mapped: 712–768 saves/s; none: 794–867). Checkpoints are smaller
        /// (`checkpointPages`).
        case randomLookups

        var mappedBytes: Int { self == .scans ? RunStore.mmapSize : 0 }
        /// `PRAGMA wal_autocheckpoint` of the writing connection (SQLite's default is 1,000).
        var checkpointPages: Int { self == .scans ? 1_000 : 250 }
    }

    /// Opens (creating if needed) the store of the run directory and brings its schema up to date.
    ///
    /// - Parameter templates: the folder of `StoreTemplate`s a new store is copied from (and its template is made
    ///   in, the first time); nil makes every new store from the schema's SQL.
    public init(directory: URL, reads: ReadPattern = .scans, templates: URL? = StoreTemplate.defaultFolder) throws {
        _ = SQLiteSettings.applied
        url = directory.appendingPathComponent(Self.fileName)
        let mappedBytes = reads.mappedBytes
        var configuration = Configuration()
        // A review server or `loom status` may read while a run writes: wait for locks instead of failing.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Exports read the whole store back: memory-mapped reads skip a pread and a copy per page.
            // synchronous = NORMAL is SQLite's recommended WAL setting: a killed process loses nothing
            // committed; a power cut may lose the last transactions, which the ledger then redoes.
            try db.execute(sql: "PRAGMA mmap_size = \(mappedBytes); PRAGMA synchronous = NORMAL")
            // 16 KiB pages for a new store (an existing one keeps the size it was made with): a record with its
            // export index entry fills a good part of a 4 KiB page, so every batch wrote about four times as
            // many pages to the WAL and again to the file. With 16 KiB pages the quickstart's store is written in
            // a quarter of the `pwrite`s, and the rendering-excluded pipeline took a sixth less time.
            try db.execute(sql: "PRAGMA page_size = \(RunStore.pageSize)")
            // Debian builds SQLite with secure delete on: every byte a page split or a replaced row frees is overwritten
            // with zeros. A run's store keeps nothing that must not linger in free space, and the zeroing was 2–4 ms
            // of the quickstart's CPU.
            try db.execute(sql: "PRAGMA secure_delete = OFF")
        }
        self.mappedBytes = mappedBytes
        let writerCache = WriterCacheSize(growsWithStore: reads == .scans)
        self.writerCache = writerCache
        if let readOnly = ReadOnlyStore(directory: directory, store: url) {
            // An archived run on a read-only mount: status, stats, inspect and export only read it.
            isReadOnly = true
            checkpointer = nil
            do {
                pool = try readOnly.open(configuration: configuration)
            } catch let error as LoomError {
                throw error
            } catch {
                throw LoomError(.store, "cannot open the run store to read it: \(Self.explain(error))", subject: url.path)
            }
            groupWriter = GroupCommitWriter(pool: pool)
            return
        }
        isReadOnly = false
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try Self.openNew(at: url, configuration: configuration, templates: templates)
            groupWriter = GroupCommitWriter(pool: pool)
            // The writer's page cache grows with a run's store (`WriterCacheSize`), from 4 up to 64 MiB; the review app's
            // is 64 MiB from the start.
            try pool.writeWithoutTransaction { db in try writerCache.update(db) }
            if reads == .scans {
                let checkpointer = try BackgroundCheckpointer(path: url.path, thresholdFrames: reads.checkpointPages)
                pool.writeWithoutTransaction { db in
                    if let writer = db.sqliteConnection { checkpointer.install(on: writer) }
                }
                self.checkpointer = checkpointer
            } else {
                checkpointer = nil
            }
            if reads == .randomLookups {
                // Checkpoints every 250 pages instead of 1,000: the commit that runs one holds up every write
                // behind it, and shorter, more frequent stalls took the review app's 99th percentile from
                // 38 ms to 33–35 ms under 50 annotators (4,000 pages: 52–63 ms).
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = \(reads.checkpointPages)") }
            }
        } catch {
            throw LoomError(.store, "cannot open the run store: \(Self.explain(error))", subject: url.path)
        }
    }

    /// Opens the store at `url` with its schema up to date. A store that does not exist yet starts as a copy of
    /// the template (`StoreTemplate`) when there is one, and otherwise gets its schema from the SQL, after which it
    /// becomes the template for the next ones. A template that does not open is removed and not used again.
    private static func openNew(at url: URL, configuration: Configuration, templates: URL?) throws -> DatabasePool {
        let isNew = !FileManager.default.fileExists(atPath: url.path)
        if isNew, let templates, StoreTemplate.copy(from: templates, to: url) {
            do {
                let pool = try DatabasePool(path: url.path, configuration: configuration)
                try StoreSchema.migrate(pool)
                return pool
            } catch {
                StoreTemplate.discard(in: templates)
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: url.path + suffix) }
            }
        }
        let pool = try DatabasePool(path: url.path, configuration: configuration)
        let created = try StoreSchema.migrate(pool)
        if created, let templates { StoreTemplate.make(in: templates, from: pool) }
        return pool
    }

    deinit {
        // The hook points at the checkpointer without keeping it: take it off before the checkpointer goes.
        if checkpointer != nil {
            pool.writeWithoutTransaction { db in
                if let writer = db.sqliteConnection {
                    BackgroundCheckpointer.uninstall(from: writer, autocheckpointPages: Int32(ReadPattern.scans.checkpointPages))
                }
            }
        }
    }

    // MARK: Meta

    public func meta(_ key: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try setMeta([(key, value)])
    }

    /// The value of meta `key`; when the store has none, sets `values` instead (in the order given, in the same
    /// transaction) and returns nil.
    ///
    /// The check and the setting are one write transaction, so two processes claiming the same new store cannot
    /// both find the key missing. It runs on the writing connection, which also spares a new store from opening a
    /// reading connection this early.
    public func meta(_ key: String, orSetting values: [(key: String, value: String)]) throws -> String? {
        try write { db in
            if let existing = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) {
                return existing
            }
            try Self.setMeta(values, in: db)
            return nil
        }
    }

    /// Whether the store holds any work: ingested files or their rejections, media, records, ledger rows or paid
    /// model replies. A store without any (a run that stopped at a recipe mistake found as it started) may be
    /// claimed by a changed recipe: there is nothing to mix.
    public func holdsWork() throws -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS(SELECT 1 FROM ledger) OR EXISTS(SELECT 1 FROM media) OR EXISTS(SELECT 1 FROM records)
                    OR EXISTS(SELECT 1 FROM responses) OR EXISTS(SELECT 1 FROM image_files) OR EXISTS(SELECT 1 FROM rejections)
                """) ?? true
        }
    }

    /// Removes a meta key (nothing happens when there is none).
    public func removeMeta(_ key: String) throws {
        try write { db in try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [key]) }
    }

    /// Sets several meta keys in one transaction, in the order given.
    public func setMeta(_ values: [(key: String, value: String)]) throws {
        try write { db in try Self.setMeta(values, in: db) }
    }

    private static func setMeta(_ values: [(key: String, value: String)], in db: Database) throws {
        for (key, value) in values {
            try db.execute(
                sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [key, value])
        }
    }

    // MARK: Writing

    /// Commits a batch of finished work in one transaction.
    public func commit(_ batch: [StoreWrite]) throws {
        var batch = batch
        // Producers encode their writes; touching the array only when one left samples or records unencoded spares
        // the writer a copy of it (writes of ledger rows alone have nothing to encode).
        if batch.contains(where: { $0.encoded == nil && !($0.samples.isEmpty && $0.records.isEmpty) }) {
            for index in batch.indices { batch[index].encode() }
        }
        // Samples or records added to a write after its `encode()` would never be stored.
        assert(batch.allSatisfy { $0.encoded == nil || ($0.samples.isEmpty && $0.records.isEmpty) })
        let now = Date().timeIntervalSince1970
        try write { db in
            try writerCache.update(db)
            if batch.contains(where: { !$0.resetRecords.isEmpty }) {
                let eraser = try RecordUseEraser(db)
                for write in batch { for id in write.resetRecords { try eraser.erase(id) } }
            }
            // What the batch adds to each table's content digest (`ContentDigests`). Rows go in with OR IGNORE: a
            // row whose key is already stored is replaced apart, its old digest item taken away first.
            var digests = ["media": MultisetDigest(), "samples": MultisetDigest(), "records": MultisetDigest()]
            // The replaced rows' items are looked up only for digests that are kept.
            let kept = try ContentDigests.keptTables(db)
            var media = try RowInserter(
                db, sql: "INSERT OR IGNORE INTO media(id, kind, path, format, width, height) VALUES (?, ?, ?, ?, ?, ?)")
            var mediaReplacing = try RowInserter(
                db, sql: "INSERT OR REPLACE INTO media(id, kind, path, format, width, height) VALUES (?, ?, ?, ?, ?, ?)")
            var ledger = try RowInserter(
                db,
                sql: """
                    INSERT INTO ledger(item, stage, status, attempts, error, updated_at) VALUES (?, ?, ?, 1, ?, ?)
                    ON CONFLICT(item, stage) DO UPDATE SET status = excluded.status, error = excluded.error,
                        attempts = ledger.attempts + 1, updated_at = excluded.updated_at
                    """)
            func bind(_ item: MediaItem, to inserter: inout RowInserter) {
                inserter.text(item.id)
                inserter.text(item.kind.rawValue)
                inserter.text(item.path)
                inserter.text(item.format)
                inserter.integer(item.width)
                inserter.integer(item.height)
            }
            /// Inserts a row and adds its item to its table's digest; a row whose key is stored already is replaced,
            /// its old item taken away first (looked up only when the table's digest is kept).
            func insert<Item>(
                _ item: Item, key: String, digest: MultisetDigest.Item, into table: String, _ bind: (Item, inout RowInserter) -> Void,
                _ inserter: inout RowInserter, replacing: inout RowInserter
            ) throws {
                bind(item, &inserter)
                if try !inserter.runChangingRow() {
                    if kept.contains(table), let stored = try ContentDigests.storedItem(table: table, key: key, in: db) {
                        digests[table]!.remove(stored)
                    }
                    bind(item, &replacing)
                    try replacing.run()
                }
                digests[table]!.add(digest)
            }
            for write in batch {
                for item in write.media {
                    try insert(
                        item, key: item.id, digest: MultisetDigest.Item(text: item.id), into: "media", bind(_:to:), &media,
                        replacing: &mediaReplacing)
                }
                for entry in write.ledger {
                    ledger.text(entry.item)
                    ledger.text(entry.stage)
                    ledger.text(entry.status.rawValue)
                    ledger.text(entry.error)
                    ledger.real(now)
                    try ledger.run()
                }
            }
            for write in batch {
                for (key, value) in write.meta.sorted(by: { $0.key < $1.key }) {
                    try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [key, value])
                }
            }
            try Self.insertIngest(batch, into: db)
            try Self.insertModelOutputs(batch, into: db)
            for write in batch where !write.linkedMedia.isEmpty {
                for stamp in write.linkedMedia {
                    try db.execute(
                        // The latest stamp: taken when the medium's bytes were last seen to be its id's.
                        sql: "INSERT OR REPLACE INTO linked_media(media_id, size, modified) VALUES (?, ?, ?)",
                        arguments: [stamp.mediaID, stamp.size, stamp.modified])
                }
            }
            for write in batch where !write.sampleVideos.isEmpty {
                for (sampleID, videoID) in write.sampleVideos.sorted(by: { $0.key < $1.key }) {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO sample_videos(sample_id, video_id) VALUES (?, ?)", arguments: [sampleID, videoID])
                }
            }
            let sampleSQL = "INTO samples(id, kind, ordinal, body) VALUES (?, ?, ?, ?)"
            var sample = try RowInserter(db, sql: "INSERT OR IGNORE " + sampleSQL)
            var sampleReplacing = try RowInserter(db, sql: "INSERT OR REPLACE " + sampleSQL)
            // Records stored before their sample (none of Loom's stages does that) get its order key when it comes.
            var orphans = try RowInserter(
                db, sql: "UPDATE records SET sample_order = ? WHERE sample_order IS NULL AND sample_id = ?")
            // A record takes its sample's order key (`SampleOrderKey`, `records_in_sample_order`, migration v10):
            // bound when its sample is in the same write, else looked up (COALESCE skips the lookup otherwise).
            let recordSQL = """
                INTO records(
                    id, sample_id, type, domain, skill, language, media_count, flagged, media_ids, sharegpt, body,
                    sample_order)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
                    COALESCE(?12, (SELECT \(SampleOrderKey.sql) FROM samples WHERE id = ?2)))
                """
            var record = try RowInserter(db, sql: "INSERT OR IGNORE " + recordSQL)
            var recordReplacing = try RowInserter(db, sql: "INSERT OR REPLACE " + recordSQL)
            func bind(_ item: StoreWrite.EncodedSample, to inserter: inout RowInserter) {
                inserter.text(item.id)
                inserter.text(item.kind)
                inserter.integer(item.ordinal)
                inserter.text(item.body)
            }
            func bind(_ item: StoreWrite.EncodedRecord, to inserter: inout RowInserter) {
                inserter.text(item.id)
                inserter.text(item.sampleID)
                inserter.text(item.type)
                inserter.text(item.domain)
                inserter.text(item.skill)
                inserter.text(item.language)
                inserter.integer(item.mediaCount)
                inserter.integer(item.flagged ? 1 : 0)
                inserter.text(item.mediaIDs)
                inserter.text(item.shareGPT)
                inserter.text(item.body)
                if let order = item.sampleOrder {
                    inserter.integer(order)
                } else {
                    inserter.text(nil)
                }
            }
            for write in batch {
                guard let encoded = write.encoded else { continue }
                for item in encoded.samples {
                    try insert(item, key: item.id, digest: item.digest, into: "samples", bind(_:to:), &sample, replacing: &sampleReplacing)
                    orphans.integer(item.orderKey)
                    orphans.text(item.id)
                    try orphans.run()
                }
                for item in encoded.records {
                    try insert(item, key: item.id, digest: item.digest, into: "records", bind(_:to:), &record, replacing: &recordReplacing)
                }
            }
            try ContentDigests.apply(digests, in: db)
        }
    }

    // MARK: Ledger

    /// The items that finished `stage`.
    public func completedItems(stage: String) throws -> Set<String> {
        try read { db in
            Set(try String.fetchAll(db, sql: "SELECT item FROM ledger WHERE stage = ? AND status = 'done'", arguments: [stage]))
        }
    }

    /// The items that finished `stage` and the items that failed any stage, read together in one transaction on
    /// the writing connection: what a stage plans its work from when a run starts.
    ///
    /// On the writing connection, a new run's store opens no reading connection before its first export (opening
    /// one, and the two reads through it, were 1.5–4 ms of the serial start of a run). Nothing else writes while a
    /// stage plans, so the transaction holds no writer up.
    public func ledgerState(stage: String) throws -> (done: Set<String>, failures: [LedgerFailure]) {
        try write { db in
            let done = Set(try String.fetchAll(
                db, sql: "SELECT item FROM ledger WHERE stage = ? AND status = 'done'", arguments: [stage]))
            return (done, try Self.failures(stage: nil, in: db))
        }
    }

    /// The items done in `stage`, read without writing (a run directory may be read-only).
    public func doneItems(stage: String) throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT item FROM ledger WHERE stage = ? AND status = 'done' ORDER BY item", arguments: [stage])
        }
    }

    /// The items that failed `stage`, with how often they were tried.
    public func failures(stage: String? = nil) throws -> [LedgerFailure] {
        try read { db in try Self.failures(stage: stage, in: db) }
    }

    /// Removes the failed ledger rows of `stage` whose items are no longer among `planned`: the item a stage
    /// planned from an earlier result (a question about an image under the domain its failed caption fell back
    /// to) is not planned again once that result is mended, and its failure no longer belongs to the run.
    /// - Returns: how many were removed.
    @discardableResult
    public func forgetFailures(stage: String, notIn planned: Set<String>) throws -> Int {
        let stale = try failures(stage: stage).map(\.item).filter { !planned.contains($0) }
        guard !stale.isEmpty else { return 0 }
        return try write { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM ledger WHERE item = ? AND stage = ? AND status = 'failed'")
            for item in stale { try statement.execute(arguments: [item, stage]) }
            return stale.count
        }
    }

    private static func failures(stage: String?, in db: Database) throws -> [LedgerFailure] {
        try Row.fetchAll(
            db,
            sql: "SELECT item, stage, attempts, error FROM ledger WHERE status = 'failed' AND (?1 IS NULL OR stage = ?1) ORDER BY stage, item",
            arguments: [stage]
        ).map { LedgerFailure(item: $0["item"], stage: $0["stage"], attempts: $0["attempts"], error: $0["error"] ?? "") }
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
            try Row.fetchOne(db, sql: "SELECT \(StoredRecord.columns) FROM records WHERE id = ?", arguments: [id])
        }.map { try StoredRecord(row: $0).record() }
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
            let rows = try Row.fetchCursor(db, sql: "SELECT \(StoredRecord.columns) FROM records\(whereClause) ORDER BY id")
            let decoder = JSONDecoder()
            while let row = try rows.next() { try body(try StoredRecord(row: row).record(using: decoder), lookup) }
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

    /// Copies committed pages from the write-ahead log into the database file without waiting for readers.
    public func checkpoint() throws {
        if isReadOnly { return }
        do {
            // Outside a transaction: SQLite refuses to checkpoint from inside one.
            if let checkpointer {
                try checkpointer.checkpointNow()
            } else {
                _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            }
        } catch {
            throw failure(error, "writing")
        }
    }

    // MARK: Plumbing

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw failure(error, "reading")
        }
    }

    /// A short write that shares its transaction with others submitted meanwhile (`GroupCommitWriter`); returns
    /// once it is committed.
    func groupedWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if isReadOnly { throw ReadOnlyStore.refusal(url) }
        do {
            return try await groupWriter.perform(body)
        } catch {
            throw failure(error, "writing")
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        if isReadOnly { throw ReadOnlyStore.refusal(url) }
        do {
            return try pool.write(body)
        } catch {
            throw failure(error, "writing")
        }
    }

    /// What a failed store call throws: a refusal or Loom's own error as it is, anything else (SQLite's) explained.
    private func failure(_ error: any Error, _ doing: String) -> any Error {
        if error is ReviewRefusal || error is LoomError { return error }
        return LoomError(.store, "\(doing) the run store failed: \(Self.explain(error))", subject: url.path)
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
    static func mediaLookup(_ db: Database) throws -> (String) throws -> MediaItem? {
        let statement = try db.cachedStatement(sql: "SELECT * FROM media WHERE id = ?")
        return { id in try Row.fetchOne(statement, arguments: [id]).map(mediaItem) }
    }

    private static func mediaItem(_ row: Row) -> MediaItem {
        MediaItem(
            id: row["id"], kind: MediaKind(rawValue: row["kind"]) ?? .image, path: row["path"], format: row["format"],
            width: row["width"], height: row["height"])
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(json.utf8))
        } catch {
            throw LoomError(.store, "a stored \(T.self) cannot be read: \(error)")
        }
    }
}
