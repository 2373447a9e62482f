import GRDB
import LoomCore

/// A record's stored in-context role: a query with its examples (best first), or an example.
public struct StoredInContextLink: Sendable, Hashable {
    public var recordID: String
    /// "query" or "example".
    public var role: String
    public var examples: [String]
    public var scores: [Double]

    public init(recordID: String, role: String, examples: [String], scores: [Double]) {
        self.recordID = recordID
        self.role = role
        self.examples = examples
        self.scores = scores
    }

    public var isQuery: Bool { role == "query" }
}

extension RunStore {
    /// The meta key holding the settings and record set the stored links were made for.
    public static let inContextKey = "in_context.fingerprint"

    /// Replaces every stored link with `links`, and records what they were made from, in one transaction: a
    /// crash leaves the old links or the new ones, never a mix.
    public func replaceInContextLinks(_ links: [StoredInContextLink], fingerprint: String) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM in_context")
            let insert = try db.cachedStatement(sql: "INSERT INTO in_context (record_id, role, examples, scores) VALUES (?, ?, ?, ?)")
            for link in links {
                try insert.execute(arguments: [
                    link.recordID, link.role, link.examples.joined(separator: ","),
                    link.scores.map { String($0) }.joined(separator: ","),
                ])
            }
            try db.execute(
                sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [Self.inContextKey, fingerprint])
        }
    }

    /// The fingerprint of the stored links, if any were made.
    public func inContextFingerprint() throws -> String? { try meta(Self.inContextKey) }

    /// Record `id`'s stored link, if it has one.
    public func inContextLink(_ id: String) throws -> StoredInContextLink? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT record_id, role, examples, scores FROM in_context WHERE record_id = ?", arguments: [id])
                .map(Self.inContextLink)
        }
    }

    /// Streams every stored link in record-id order.
    public func forEachInContextLink(_ body: (StoredInContextLink) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT record_id, role, examples, scores FROM in_context ORDER BY record_id")
            while let row = try rows.next() { try body(Self.inContextLink(row)) }
        }
    }

    /// How many stored links are queries, how many examples, and how many queries have at least one example.
    public func inContextCounts() throws -> (queries: Int, examples: Int, linkedQueries: Int) {
        try read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(role = 'query'), 0), COALESCE(SUM(role = 'example'), 0),
                        COALESCE(SUM(role = 'query' AND examples != ''), 0) FROM in_context
                    """)
            return (row?[0] ?? 0, row?[1] ?? 0, row?[2] ?? 0)
        }
    }

    static func inContextLink(_ row: Row) -> StoredInContextLink {
        inContextLink(recordID: row[0], role: row[1], examples: row[2], scores: row[3])
    }

    /// A link from its stored columns.
    static func inContextLink(recordID: String, role: String, examples: String, scores: String) -> StoredInContextLink {
        StoredInContextLink(
            recordID: recordID, role: role, examples: commaSeparated(examples),
            scores: scores.isEmpty ? [] : scores.split(separator: ",").compactMap { Double($0) })
    }

    /// Every perceptual hash the store knows: ingested images' and those computed for other media.
    public func mediaHashes() throws -> [String: UInt64] {
        try read { db in
            var hashes: [String: UInt64] = [:]
            for sql in ["SELECT id, phash FROM images", "SELECT media_id, phash FROM media_hashes"] {
                let rows = try Row.fetchCursor(db, sql: sql)
                while let row = try rows.next() {
                    let hex: String = row[1]
                    if let hash = UInt64(hex, radix: 16) { hashes[row[0]] = hash }
                }
            }
            return hashes
        }
    }

    /// Keeps perceptual hashes computed for media (16 hex digits each, as `images.phash`).
    public func saveMediaHashes(_ hashes: [(mediaID: String, hash: UInt64)]) throws {
        guard !hashes.isEmpty else { return }
        try write { db in
            let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO media_hashes (media_id, phash) VALUES (?, ?)")
            for (id, hash) in hashes {
                let hex = String(hash, radix: 16)
                try insert.execute(arguments: [id, String(repeating: "0", count: 16 - hex.count) + hex])
            }
        }
    }
}
