import Foundation
import GRDB
import LoomCore

/// Readers for run reports (`loom status`, `loom stats`, the data card): aggregates computed by SQLite and
/// streams that never hold the whole store in memory.
extension RunStore {
    /// The `generator` of records that a model wrote (templates write "templates").
    public static let modelGenerator = "model"

    /// What the run's model calls cost, or nil when it made none.
    public func cost() throws -> RunCost? {
        let spend = try spend()
        let review = try reviewEffort()
        // A mix made no call of its own; its records carry what their calls cost where they were made.
        let isMix = try meta(Self.mixMetaKey) != nil
        let carried = spend.isEmpty && isMix ? try costCarriedByRecords() : nil
        guard !spend.isEmpty || review.verdicts > 0 || carried != nil else { return nil }
        let total = carried?.cost ?? spend.reduce(0) { $0 + $1.cost }
        let images = try imageCounts()
        let modelRecords = try recordCount(generatedBy: [Self.modelGenerator])
        let distinct = images.images - images.nearDuplicates
        var cost = RunCost(
            total: total, tokens: carried?.tokens ?? spend.reduce(0) { $0 + $1.promptTokens + $1.completionTokens },
            perImage: distinct > 0 ? total / Double(distinct) : nil,
            perRecord: modelRecords > 0 ? total / Double(modelRecords) : nil, records: modelRecords)
        cost.fromRecordProvenance = carried != nil
        if review.verdicts > 0 {
            cost.review = review
            // The rate is part of the review settings the run keeps (JSON written by the review module).
            cost.reviewHourlyRate = try read { db in
                try Double.fetchOne(db, sql: "SELECT json_extract(value, '$.hourlyRate') FROM meta WHERE key = 'review_settings'")
            }
        }
        return cost
    }

    /// The meta key a mix of runs keeps its settings under (`loom mix`).
    public static let mixMetaKey = "mix_settings"

    /// What the model calls behind the records cost, summed from each record's provenance; nil when no record
    /// carries a cost.
    func costCarriedByRecords() throws -> (cost: Double, tokens: Int)? {
        try read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT SUM(json_extract(body, '$.provenance.model.cost')),
                           SUM(json_extract(body, '$.provenance.model.promptTokens') + json_extract(body, '$.provenance.model.completionTokens'))
                    FROM records WHERE json_extract(body, '$.provenance.model.cost') IS NOT NULL
                    """)
            guard let row, let cost: Double = row[0] else { return nil }
            return (cost, row[1] ?? 0)
        }
    }

    /// Manual correction's verdicts and the time they took (`ReviewEffort`), read reviewer by reviewer.
    public func reviewEffort() throws -> ReviewEffort {
        try read { db in
            var effort = ReviewEffort()
            var reviewer: String?
            var times: [Double] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT reviewer, created_at FROM review_passes ORDER BY reviewer, created_at")
            while let row = try rows.next() {
                let name: String = row[0]
                if name != reviewer {
                    effort.add(reviewerTimes: times)
                    (reviewer, times) = (name, [])
                }
                times.append(row[1])
            }
            effort.add(reviewerTimes: times)
            return effort
        }
    }

    /// How many records the given generators wrote (counted by SQLite; no ids are read).
    public func recordCount(generatedBy generators: [String]) throws -> Int {
        guard !generators.isEmpty else { return 0 }
        return try read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM records WHERE json_extract(body, '$.provenance.generator') IN (\(generators.map { _ in "?" }.joined(separator: ",")))",
                arguments: StatementArguments(generators)) ?? 0
        }
    }

    /// Streams every record in id order with the kind of its sample (nil for a record whose sample is not
    /// stored) and a media lookup that works inside the same read.
    public func forEachRecordWithSampleKind(
        _ body: (LoomCore.Record, SampleKind?, _ media: (String) throws -> MediaItem?) throws -> Void
    ) throws {
        try read { db in
            let lookup = try Self.reportMediaLookup(db)
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT s.kind, \(StoredRecord.columns(of: "r")) FROM records r LEFT JOIN samples s ON s.id = r.sample_id ORDER BY r.id")
            let decoder = JSONDecoder()
            while let row = try rows.next() {
                let kind: String? = row[0]
                try body(try StoredRecord(row: row, first: 1).record(using: decoder), kind.flatMap(SampleKind.init(rawValue:)), lookup)
            }
        }
    }

    /// One category of rejected input: how many, and the first subject (in path order) with its reason.
    public struct RejectionCount: Sendable, Hashable, Codable {
        public var category: String
        public var count: Int
        public var exampleSubject: String
        public var exampleReason: String

        public init(category: String, count: Int, exampleSubject: String, exampleReason: String) {
            self.category = category
            self.count = count
            self.exampleSubject = exampleSubject
            self.exampleReason = exampleReason
        }
    }

    /// Rejections per category, counted by SQLite (largest first, then by name), optionally of one stage.
    public func rejectionCounts(stage: String? = nil) throws -> [RejectionCount] {
        try read { db in
            // SQLite takes the bare columns of a MIN() aggregate from the row holding the minimum.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT category, COUNT(*) AS n, MIN(subject) AS subject, reason FROM rejections
                    WHERE ?1 IS NULL OR stage = ?1 GROUP BY category ORDER BY n DESC, category
                    """,
                arguments: [stage]
            ).map { RejectionCount(category: $0[0], count: $0[1], exampleSubject: $0[2], exampleReason: $0[3]) }
        }
    }

    /// The first `limit` near-duplicate images (source order) with the image each repeats, as source paths.
    public func nearDuplicateExamples(limit: Int) throws -> [(path: String, duplicateOf: String)] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT i.source_path, COALESCE(o.source_path, i.duplicate_of) FROM images i
                    LEFT JOIN images o ON o.id = i.duplicate_of
                    WHERE i.duplicate_of IS NOT NULL ORDER BY i.ordinal LIMIT ?
                    """,
                arguments: [limit]
            ).map { (path: $0[0], duplicateOf: $0[1]) }
        }
    }

    private static func reportMediaLookup(_ db: Database) throws -> (String) throws -> MediaItem? {
        let statement = try db.cachedStatement(sql: "SELECT id, kind, path, format, width, height FROM media WHERE id = ?")
        return { id in
            try Row.fetchOne(statement, arguments: [id]).map {
                MediaItem(
                    id: $0[0], kind: MediaKind(rawValue: $0[1]) ?? .image, path: $0[2], format: $0[3], width: $0[4],
                    height: $0[5])
            }
        }
    }
}
