import GRDB

/// The store's schema, as an ordered list of migrations. Never edit a shipped migration: add a new one.
enum StoreSchema {
    /// One step of the schema: SQL run once, in order, and recorded in GRDB's `grdb_migrations` table.
    struct Migration {
        let identifier: String
        let sql: String

        init(_ identifier: String, _ sql: String) {
            self.identifier = identifier
            self.sql = sql
        }
    }

    static let migrations: [Migration] = [
        Migration(
            "v1-initial",
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE media (
                id TEXT PRIMARY KEY, kind TEXT NOT NULL, path TEXT NOT NULL, format TEXT NOT NULL,
                width INTEGER NOT NULL, height INTEGER NOT NULL);
            CREATE TABLE samples (
                id TEXT PRIMARY KEY, kind TEXT NOT NULL, ordinal INTEGER NOT NULL, body TEXT NOT NULL);
            CREATE TABLE records (
                id TEXT PRIMARY KEY, sample_id TEXT NOT NULL, type TEXT NOT NULL, domain TEXT NOT NULL,
                skill TEXT, language TEXT NOT NULL, media_count INTEGER NOT NULL,
                flagged INTEGER NOT NULL DEFAULT 0, media_ids TEXT NOT NULL, sharegpt TEXT NOT NULL,
                body TEXT NOT NULL);
            CREATE INDEX records_by_sample ON records(sample_id);
            CREATE TABLE ledger (
                item TEXT NOT NULL, stage TEXT NOT NULL, status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 1, error TEXT, updated_at REAL NOT NULL,
                PRIMARY KEY (item, stage));
            CREATE INDEX ledger_by_stage ON ledger(stage, status);
            """),
        Migration(
            "v2-ingest",
            """
            CREATE TABLE images (
                id TEXT PRIMARY KEY, ordinal INTEGER NOT NULL, source_path TEXT NOT NULL, origin TEXT NOT NULL,
                format TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL, phash TEXT NOT NULL,
                duplicate_of TEXT, thumbnail TEXT NOT NULL, annotations TEXT NOT NULL);
            CREATE TABLE image_files (
                path TEXT PRIMARY KEY, image_id TEXT NOT NULL, ordinal INTEGER NOT NULL);
            CREATE TABLE rejections (
                subject TEXT NOT NULL, stage TEXT NOT NULL, category TEXT NOT NULL, reason TEXT NOT NULL,
                PRIMARY KEY (subject, stage));
            """),
        Migration(
            "v3-models",
            """
            CREATE TABLE responses (
                key TEXT PRIMARY KEY, stage TEXT NOT NULL, item TEXT NOT NULL, endpoint TEXT NOT NULL,
                model TEXT NOT NULL, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
                cost REAL NOT NULL, calls INTEGER NOT NULL DEFAULT 1, body TEXT NOT NULL, created_at REAL NOT NULL);
            CREATE INDEX responses_by_stage ON responses(stage, item);
            CREATE TABLE captions (
                image_id TEXT PRIMARY KEY, text TEXT NOT NULL, domains TEXT NOT NULL, endpoint TEXT NOT NULL,
                model TEXT NOT NULL);
            CREATE TABLE verdicts (
                record_id TEXT PRIMARY KEY, supported INTEGER NOT NULL, reason TEXT NOT NULL,
                endpoint TEXT NOT NULL);
            CREATE TABLE raw_replies (
                item TEXT NOT NULL, stage TEXT NOT NULL, reason TEXT NOT NULL, text TEXT NOT NULL,
                PRIMARY KEY (item, stage));
            """),
        // MinHash band keys of each record's text, kept so that an interrupted dedup resumes without hashing
        // again; `ordinal` is the record's place in id order when the keys were computed.
        Migration(
            "v4-quality",
            """
            CREATE TABLE record_signatures (
                record_id TEXT PRIMARY KEY, ordinal INTEGER NOT NULL, settings TEXT NOT NULL, bands BLOB NOT NULL);
            """),
        // Manual correction. A record with no `review_states` row is pending with no passes, so records a
        // running generation adds are reviewable at once without a row each. `record_versions` keeps every
        // edit (version 1 is the generated record, copied there on the first edit); the `records` row always
        // holds the current version, which is what exports read.
        Migration(
            "v5-review",
            """
            CREATE TABLE reviewers (
                name TEXT PRIMARY KEY, role TEXT NOT NULL, password TEXT NOT NULL, created_at REAL NOT NULL);
            CREATE TABLE review_sessions (
                token_hash TEXT PRIMARY KEY, reviewer TEXT NOT NULL, csrf TEXT NOT NULL,
                created_at REAL NOT NULL, expires_at REAL NOT NULL);
            CREATE TABLE review_batches (
                id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, filter TEXT NOT NULL,
                created_by TEXT NOT NULL, created_at REAL NOT NULL);
            CREATE TABLE review_states (
                record_id TEXT PRIMARY KEY, status TEXT NOT NULL, version INTEGER NOT NULL,
                passes INTEGER NOT NULL, updated_at REAL NOT NULL);
            CREATE INDEX review_states_by_status ON review_states(status, record_id);
            CREATE TABLE review_passes (
                record_id TEXT NOT NULL, pass INTEGER NOT NULL, reviewer TEXT NOT NULL, verdict TEXT NOT NULL,
                reason TEXT, version INTEGER NOT NULL, adjudication INTEGER NOT NULL DEFAULT 0,
                created_at REAL NOT NULL, PRIMARY KEY (record_id, pass));
            CREATE INDEX review_passes_by_reviewer ON review_passes(reviewer, record_id);
            CREATE TABLE review_skips (
                record_id TEXT NOT NULL, reviewer TEXT NOT NULL, PRIMARY KEY (record_id, reviewer));
            CREATE TABLE review_leases (
                record_id TEXT PRIMARY KEY, reviewer TEXT NOT NULL, pass INTEGER NOT NULL, expires_at REAL NOT NULL);
            CREATE INDEX review_leases_by_reviewer ON review_leases(reviewer);
            CREATE TABLE record_versions (
                record_id TEXT NOT NULL, version INTEGER NOT NULL, author TEXT NOT NULL, created_at REAL NOT NULL,
                note TEXT NOT NULL, sharegpt TEXT NOT NULL, body TEXT NOT NULL, flagged INTEGER NOT NULL,
                PRIMARY KEY (record_id, version));
            """),
        // In-context examples (MIMIC-IT's rel_ins_ids): one row per linked record, its role (query or
        // example) and, for queries, the examples' ids best first (comma-separated) with their scores.
        Migration(
            "v6-in-context",
            """
            CREATE TABLE in_context (
                record_id TEXT PRIMARY KEY, role TEXT NOT NULL, examples TEXT NOT NULL, scores TEXT NOT NULL);
            """),
        // Perceptual hashes of media that were not ingested (drawn scenes), computed once for image-similarity
        // linking; ingested images keep theirs in `images.phash`.
        Migration(
            "v7-media-hashes",
            "CREATE TABLE media_hashes (media_id TEXT PRIMARY KEY, phash TEXT NOT NULL);"),
        // The video file (a medium of kind `video`) each video sample was taken from, for exports that carry
        // videos rather than frames.
        Migration(
            "v8-sample-videos",
            "CREATE TABLE sample_videos (sample_id TEXT PRIMARY KEY, video_id TEXT NOT NULL);"),
        // Exports stream records in id order. Through the primary key's index, every record costs a read of
        // the table page holding it (its body fills half a page), scattered over the file: two thirds of an
        // export's reading time. This index holds what exports read, so their scan walks it front to back
        // and never touches the table; it costs about a third more space (2.1 → 2.76 GB for a million records).
        // (v10 replaced it.)
        Migration(
            "v9-export-index",
            """
            CREATE INDEX IF NOT EXISTS records_for_export ON records(
                id, flagged, media_count, sample_id, media_ids, sharegpt, type, domain, skill, language);
            """),
        // A sample's records are found through their sample's order key (`SampleOrderKey`: kind, then
        // ordinal), then sample id, then record id. A run makes samples in that order, so a record's entry
        // lands at the end of this index, as its row lands at the end of the table: a batch dirties a few
        // pages, not most of them. The index it replaces was keyed by sample id, a hash, so every batch
        // rewrote most of its pages. `flagged` rides along: counting records and their flags reads this index
        // alone (through the table, the count at the end of a run mapped every page of it).
        // `sample_order` is NULL while a record's sample is not stored. Exports keep reading in id order
        // (`records_for_export`): ids are hashes, so an exported file is shuffled, and a trainer that streams
        // it, or a user who takes its first lines, does not get one kind of sample after another.
        Migration(
            "v10-records-in-sample-order",
            """
            ALTER TABLE records ADD COLUMN sample_order INTEGER;
            UPDATE records SET sample_order = (SELECT \(SampleOrderKey.sql) FROM samples WHERE samples.id = records.sample_id);
            DROP INDEX IF EXISTS records_by_sample;
            CREATE INDEX records_in_sample_order ON records(sample_order, sample_id, id, flagged);
            """),
        // The running digests of the content hash (`ContentDigests`), kept by the writes that add rows.
        Migration("v11-content-digests", ContentDigests.migrationSQL),
        // Each ingested file's size and modification time, so that a resumed run sees a photo replaced under the
        // same name and ingests it again instead of keeping the earlier content without a word.
        Migration(
            "v12-ingested-file-stamps",
            """
            ALTER TABLE image_files ADD COLUMN size INTEGER;
            ALTER TABLE image_files ADD COLUMN modified INTEGER;
            """),
        // A file may have several notes of different kinds (a PNG named .jpg whose boxes reach past its edge): one
        // row per kind, where each new note used to replace the file's last one.
        Migration(
            "v13-a-note-per-kind",
            """
            CREATE TABLE rejections_by_kind (
                subject TEXT NOT NULL, stage TEXT NOT NULL, category TEXT NOT NULL, reason TEXT NOT NULL,
                PRIMARY KEY (subject, stage, category));
            INSERT INTO rejections_by_kind SELECT subject, stage, category, reason FROM rejections;
            DROP TABLE rejections;
            ALTER TABLE rejections_by_kind RENAME TO rejections;
            """),
        // Media kept as hard links to the user's files (imported images), with each file's stamp when linked
        // (`LinkedMediumStamp`): an export checks them before it carries the files.
        Migration(
            "v14-linked-media",
            "CREATE TABLE linked_media (media_id TEXT PRIMARY KEY, size INTEGER NOT NULL, modified INTEGER NOT NULL);"),
    ]

    /// GRDB's migrator over `migrations`: it runs those a store has not had yet, each in a transaction of its own.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.identifier) { db in try db.execute(sql: migration.sql) }
        }
        return migrator
    }

    /// Whether the store has had every migration.
    static func isCurrent(_ db: Database) throws -> Bool {
        let applied = try db.tableExists("grdb_migrations")
            ? Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")) : []
        return applied.isSuperset(of: migrations.map(\.identifier))
    }

    /// Brings a store to the current schema. A brand-new file (no schema at all) gets every migration's SQL in
    /// one transaction, recorded as the migrator records them: the migrator's transaction and foreign-key checks
    /// around each step took about 5 ms of a new run's start. A store that has had every migration is left as it
    /// is; any other goes through the migrator.
    /// - Returns: whether the store was brand new (its whole schema made here).
    @discardableResult
    static func migrate(_ pool: DatabasePool) throws -> Bool {
        enum State { case empty, current, older }
        let state = try pool.write { db -> State in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_schema") == 0 else {
                return try isCurrent(db) ? .current : .older
            }
            // The table and column GRDB's migrator keeps applied migrations in.
            try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            for migration in migrations {
                try db.execute(sql: migration.sql)
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [migration.identifier])
            }
            return .empty
        }
        if state == .older { try migrator.migrate(pool) }
        return state == .empty
    }
}
