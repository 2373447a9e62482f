import Foundation
import GRDB
import LoomCore

extension RunStore {
    // MARK: Response cache

    /// The cached reply for a request key.
    public func response(key: String) throws -> StoredResponse? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM responses WHERE key = ?", arguments: [key]).map {
                StoredResponse(
                    key: $0["key"], stage: $0["stage"], item: $0["item"], endpoint: $0["endpoint"], model: $0["model"],
                    promptTokens: $0["prompt_tokens"], completionTokens: $0["completion_tokens"], cost: $0["cost"],
                    body: $0["body"])
            }
        }
    }

    /// Keeps a reply the moment it arrives, in a transaction of its own: a paid reply must survive a kill that
    /// comes before the item's results are committed. A key saved again (a `--no-cache` run) adds its tokens
    /// and cost to what was paid before and keeps the newer reply.
    public func saveResponse(_ response: StoredResponse) throws {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO responses(
                        key, stage, item, endpoint, model, prompt_tokens, completion_tokens, cost, calls, body, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET body = excluded.body, calls = responses.calls + 1,
                        prompt_tokens = responses.prompt_tokens + excluded.prompt_tokens,
                        completion_tokens = responses.completion_tokens + excluded.completion_tokens,
                        cost = responses.cost + excluded.cost
                    """,
                arguments: [
                    response.key, response.stage, response.item, response.endpoint, response.model,
                    response.promptTokens, response.completionTokens, response.cost, response.body,
                    Date().timeIntervalSince1970,
                ])
        }
    }

    /// What each stage's model calls cost, over every invocation of the run.
    public func spend() throws -> [StageSpend] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT stage, SUM(calls) AS calls, COUNT(DISTINCT item) AS items, SUM(prompt_tokens) AS p,
                        SUM(completion_tokens) AS c, SUM(cost) AS cost
                    FROM responses GROUP BY stage ORDER BY stage
                    """
            ).map {
                StageSpend(
                    stage: $0["stage"], calls: $0["calls"], items: $0["items"], promptTokens: $0["p"],
                    completionTokens: $0["c"], cost: $0["cost"])
            }
        }
    }

    // MARK: Captions, verdicts, raw replies

    /// The model caption of an image, if one was written.
    public func caption(imageID: String) throws -> GeneratedCaption? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM captions WHERE image_id = ?", arguments: [imageID]).map {
                GeneratedCaption(
                    imageID: $0["image_id"], text: $0["text"],
                    domains: ($0["domains"] as String).split(separator: ",").map(String.init), endpoint: $0["endpoint"],
                    model: $0["model"])
            }
        }
    }

    /// How many images have a model caption.
    public func captionCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM captions") ?? 0 }
    }

    /// The judge's verdict on a record, if the verify stage has run on it.
    public func verdict(recordID: String) throws -> RecordVerdict? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM verdicts WHERE record_id = ?", arguments: [recordID]).map {
                RecordVerdict(recordID: $0["record_id"], supported: $0["supported"], reason: $0["reason"], endpoint: $0["endpoint"])
            }
        }
    }

    /// Verdict counts: supported and not supported.
    public func verdictCounts() throws -> (supported: Int, unsupported: Int) {
        try read { db in
            let supported = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM verdicts WHERE supported = 1") ?? 0
            let unsupported = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM verdicts WHERE supported = 0") ?? 0
            return (supported, unsupported)
        }
    }

    /// The kept text of a reply that could not be used.
    public func rawReply(item: String, stage: String) throws -> RawReply? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM raw_replies WHERE item = ? AND stage = ?", arguments: [item, stage]).map {
                RawReply(item: $0["item"], stage: $0["stage"], reason: $0["reason"], text: $0["text"])
            }
        }
    }

    /// The ids of records of the given sample origins ("questions", "multi_vqa", …), in id order: what the
    /// verify stage judges.
    public func recordIDs(generatedBy generators: [String]) throws -> [String] {
        guard !generators.isEmpty else { return [] }
        return try read { db in
            try String.fetchAll(
                db,
                sql: "SELECT id FROM records WHERE json_extract(body, '$.provenance.generator') IN (\(generators.map { _ in "?" }.joined(separator: ","))) ORDER BY id",
                arguments: StatementArguments(generators))
        }
    }

    /// The unflagged records in `language` that are not themselves translations, in id order: what the translate
    /// stage translates.
    public func translatableRecordIDs(language: String) throws -> [String] {
        try read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM records WHERE language = ? AND flagged = 0
                        AND json_extract(body, '$.provenance.translatedFrom') IS NULL ORDER BY id
                    """,
                arguments: [language])
        }
    }

    static func insertModelOutputs(_ batch: [StoreWrite], into db: Database) throws {
        guard batch.contains(where: { !$0.captions.isEmpty || !$0.verdicts.isEmpty || !$0.rawReplies.isEmpty }) else { return }
        let caption = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO captions(image_id, text, domains, endpoint, model) VALUES (?, ?, ?, ?, ?)")
        let verdict = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO verdicts(record_id, supported, reason, endpoint) VALUES (?, ?, ?, ?)")
        let raw = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO raw_replies(item, stage, reason, text) VALUES (?, ?, ?, ?)")
        for write in batch {
            for item in write.captions { try caption.execute(arguments: [item.imageID, item.text, item.domains.joined(separator: ","), item.endpoint, item.model]) }
            for item in write.verdicts {
                try verdict.execute(arguments: [item.recordID, item.supported, item.reason, item.endpoint])
            }
            for item in write.rawReplies { try raw.execute(arguments: [item.item, item.stage, item.reason, item.text]) }
        }
    }
}
