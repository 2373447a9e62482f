import Foundation
import GRDB
import LoomCore

/// Ingested images, the files they were found as, rejected input and the videos of video samples.
extension RunStore {
    /// What an earlier invocation ingested for one file path: enough to resume without decoding it again.
    public struct IngestedFileState: Sendable, Hashable {
        public var imageID: String
        public var perceptualHash: UInt64
        public var duplicateOf: String?
        /// The image's displayed size, which boxes given for an exact copy of it are checked against.
        public var width: Int
        public var height: Int
        /// The file's size and modification time (ns) when ingested; nil for stores made before they were kept.
        public var size: Int64?
        public var modified: Int64?

        /// Whether a file with this size and modification time is the one ingested (true when either is unknown).
        public func isSame(size: Int64?, modified: Int64?) -> Bool {
            guard let size, let modified, let knownSize = self.size, let knownModified = self.modified else { return true }
            return size == knownSize && modified == knownModified
        }
    }

    /// Every ingested file path with its image's hash and duplicate mark.
    public func ingestedFiles() throws -> [ExactPath: IngestedFileState] {
        try read { db in
            var out: [ExactPath: IngestedFileState] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT f.path, i.id, i.phash, i.duplicate_of, i.width, i.height, f.size, f.modified
                    FROM image_files f JOIN images i ON i.id = f.image_id
                    """)
            while let row = try rows.next() {
                let hash: String = row[2]
                out[ExactPath(row[0] as String)] = IngestedFileState(
                    imageID: row[1], perceptualHash: UInt64(hash, radix: 16) ?? 0, duplicateOf: row[3], width: row[4],
                    height: row[5], size: row[6], modified: row[7])
            }
            return out
        }
    }

    /// Every ingested image's id, perceptual hash and near-duplicate mark, in the order the images were stored
    /// (rowid order: within an invocation, its commit order, which is its walk order; later invocations after
    /// earlier ones), which is the order they entered the near-duplicate index.
    public func imagesInIngestOrder() throws -> [(id: String, perceptualHash: UInt64, duplicateOf: String?)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, phash, duplicate_of FROM images ORDER BY rowid").map { row in
                let hash: String = row[1]
                return (row[0], UInt64(hash, radix: 16) ?? 0, row[2])
            }
        }
    }

    /// Counts of ingested images, near-duplicates among them, and ingested file paths.
    public func imageCounts() throws -> (images: Int, nearDuplicates: Int, files: Int) {
        try read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT (SELECT COUNT(*) FROM images), (SELECT COUNT(*) FROM images WHERE duplicate_of IS NOT NULL),
                        (SELECT COUNT(*) FROM image_files)
                    """)!
            return (row[0], row[1], row[2])
        }
    }

    /// One ingested image by id.
    public func image(id: String) throws -> IngestedImage? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM images WHERE id = ?", arguments: [id]) }
            .map(Self.ingestedImage)
    }

    /// The image a file path was ingested as, if it was.
    public func imageID(forPath path: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT image_id FROM image_files WHERE path = ?", arguments: [path]) }
    }

    /// Streams ingested images in source order.
    public func forEachImage(_ body: (IngestedImage) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM images ORDER BY ordinal")
            while let row = try rows.next() { try body(try Self.ingestedImage(row)) }
        }
    }

    /// Rejected input, optionally of one stage, grouped by category (largest group first).
    public func rejections(stage: String? = nil) throws -> [(category: String, items: [Rejection])] {
        let all = try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT subject, stage, category, reason FROM rejections WHERE ?1 IS NULL OR stage = ?1 ORDER BY subject",
                arguments: [stage]
            ).map { Rejection(subject: $0[0], stage: $0[1], category: $0[2], reason: $0[3]) }
        }
        let groups = Dictionary(grouping: all, by: \.category)
        return groups.map { (category: $0.key, items: $0.value) }
            .sorted { ($0.items.count, $1.category) > ($1.items.count, $0.category) }
    }

    /// How many subjects `stage` rejected, in `categories`, without a ledger row of their own: the entries a source
    /// could not use (a manifest line, a path naming no file), which never became items of the stage.
    public func rejectedWithoutLedgerRow(stage: String, categories: [String]) throws -> Int {
        guard !categories.isEmpty else { return 0 }
        let placeholders = Array(repeating: "?", count: categories.count).joined(separator: ", ")
        return try read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(DISTINCT subject) FROM rejections AS r
                    WHERE r.stage = ? AND r.category IN (\(placeholders))
                        AND NOT EXISTS (SELECT 1 FROM ledger WHERE item = r.subject AND stage = r.stage)
                    """,
                arguments: StatementArguments([stage] + categories)) ?? 0
        }
    }

    /// The stamps of the media kept as hard links to the user's files, by medium id (`LinkedMediumStamp`). Empty for
    /// a store made before they were kept (read as it is, on a read-only mount).
    public func linkedMediaStamps() throws -> [String: LinkedMediumStamp] {
        try read { db in
            guard try db.tableExists("linked_media") else { return [:] }
            var out: [String: LinkedMediumStamp] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT media_id, size, modified FROM linked_media") {
                let stamp = LinkedMediumStamp(mediaID: row["media_id"], size: row["size"], modified: row["modified"])
                out[stamp.mediaID] = stamp
            }
            return out
        }
    }

    /// Each video sample's video medium id, by sample id (small: one row per video).
    public func sampleVideos() throws -> [String: String] {
        try read { db in
            var out: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT sample_id, video_id FROM sample_videos") { out[row["sample_id"]] = row["video_id"] }
            return out
        }
    }

    /// Forgets the files of `stage` an earlier run rejected that are not in `walked` (a whole walk did not find them
    /// again, nor did a source reject them this time): their failed ledger rows and their rejections, except the
    /// note that keeps a file gone since it was ingested (`keeping`).
    public func forgetRejectedFiles(stage: String, notIn walked: Set<String>, keeping category: String) throws {
        try write { db in
            let failed = try String.fetchAll(db, sql: "SELECT item FROM ledger WHERE stage = ? AND status = 'failed'", arguments: [stage])
            let ledger = try db.cachedStatement(sql: "DELETE FROM ledger WHERE item = ? AND stage = ? AND status = 'failed'")
            let notes = try db.cachedStatement(sql: "DELETE FROM rejections WHERE subject = ? AND stage = ? AND category != ?")
            for item in failed where !walked.contains(item) {
                try ledger.execute(arguments: [item, stage])
                try notes.execute(arguments: [item, stage, category])
            }
        }
    }

    /// Replaces every rejection of `category` in `stage` with `rejections` (notes that describe the input as it is
    /// now, such as files gone since an earlier run, rather than add up over runs).
    public func replaceRejections(stage: String, category: String, with rejections: [Rejection]) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM rejections WHERE stage = ? AND category = ?", arguments: [stage, category])
            let insert = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO rejections(subject, stage, category, reason) VALUES (?, ?, ?, ?)")
            for item in rejections { try insert.execute(arguments: [item.subject, item.stage, item.category, item.reason]) }
        }
    }

    static func insertIngest(_ batch: [StoreWrite], into db: Database) throws {
        guard batch.contains(where: {
            !$0.images.isEmpty || !$0.files.isEmpty || !$0.rejections.isEmpty || !$0.annotationMerges.isEmpty
        }) else { return }
        // Their digests take each row as SQL puts its text together (`ContentDigests.tables`): read back after the
        // write, the replaced row's item taken away before it.
        var digests = ["images": MultisetDigest(), "image_files": MultisetDigest()]
        let kept = try ContentDigests.keptTables(db)
        func changing(_ table: String, key: String, _ write: () throws -> Void) throws {
            try ContentDigests.tracking(table, key: key, digested: kept.contains(table), changes: &digests[table]!, in: db, write)
        }
        let image = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO images(
                    id, ordinal, source_path, origin, format, width, height, phash, duplicate_of, thumbnail, annotations)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let file = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO image_files(path, image_id, ordinal, size, modified) VALUES (?, ?, ?, ?, ?)")
        let rejection = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO rejections(subject, stage, category, reason) VALUES (?, ?, ?, ?)")
        // A file ingested now that an earlier run rejected (a write that failed, a file since repaired) keeps no
        // stale rejection; notes about it in the same write are added after.
        let clearRejection = try db.cachedStatement(sql: "DELETE FROM rejections WHERE subject = ? AND stage = 'ingest'")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for write in batch {
            for item in write.images {
                let annotations = String(decoding: try encoder.encode(item.annotations), as: UTF8.self)
                try changing("images", key: item.id) {
                    try image.execute(arguments: [
                        item.id, item.ordinal, item.sourcePath, item.origin, item.format, item.width, item.height,
                        hex(item.perceptualHash), item.duplicateOf, item.thumbnail, annotations,
                    ])
                }
            }
            for item in write.files {
                try changing("image_files", key: item.path) {
                    try file.execute(arguments: [item.path, item.imageID, item.ordinal, item.size, item.modified])
                }
                if !item.keepsNotes { try clearRejection.execute(arguments: [item.path]) }
            }
            // A file rejected now keeps only this run's reason: one rejected for another reason before (a cut file
            // since replaced by another bad one) is not listed under both.
            for entry in write.ledger where entry.stage == "ingest" && entry.status == .failed {
                try clearRejection.execute(arguments: [entry.item])
            }
            for item in write.rejections {
                try rejection.execute(arguments: [item.subject, item.stage, item.category, item.reason])
            }
            for merge in write.annotationMerges {
                guard let stored = try String.fetchOne(db, sql: "SELECT annotations FROM images WHERE id = ?", arguments: [merge.imageID])
                else { continue }
                let merged = try decode(ImageAnnotations.self, stored).merging(merge.annotations)
                try changing("images", key: merge.imageID) {
                    try db.execute(
                        sql: "UPDATE images SET annotations = ? WHERE id = ?",
                        arguments: [String(decoding: try encoder.encode(merged), as: UTF8.self), merge.imageID])
                }
            }
        }
        try ContentDigests.apply(digests, in: db)
    }

    private static func ingestedImage(_ row: Row) throws -> IngestedImage {
        let annotations: String = row["annotations"]
        let hash: String = row["phash"]
        return IngestedImage(
            id: row["id"], ordinal: row["ordinal"], sourcePath: row["source_path"], origin: row["origin"],
            format: row["format"], width: row["width"], height: row["height"],
            perceptualHash: UInt64(hash, radix: 16) ?? 0, duplicateOf: row["duplicate_of"], thumbnail: row["thumbnail"],
            annotations: try decode(ImageAnnotations.self, annotations))
    }

    /// 16 lowercase hex digits, zero-padded, as imagehash prints a 64-bit hash.
    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
