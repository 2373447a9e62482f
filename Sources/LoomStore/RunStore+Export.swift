import GRDB
import LoomCore

extension RunStore {
    /// A read that scans the whole records table without memory-mapping it. Export scans touch every page once,
    /// in id order scattered over the file: mapped, those pages would all count as the process's resident memory
    /// (past 200 MB on a million records), for no speed gained over plain reads.
    func readUnmapped<T>(_ body: (Database) throws -> T) throws -> T {
        try read { db in
            try db.execute(sql: "PRAGMA mmap_size = 0")
            defer { try? db.execute(sql: "PRAGMA mmap_size = \(mappedBytes)") }
            return try body(db)
        }
    }

    /// The order records are streamed in.
    public enum RecordOrder: Sendable {
        case id
        /// Grouped by sample (records about the same media together), by id within a sample.
        case sample
    }

    /// Streams the selected records, with a media lookup that works inside the same read.
    ///
    /// Columns are read as the bytes SQLite holds: the conversation is parsed from them, and repeated labels
    /// (type, domain, skill, language) share one string per value, so a row costs few allocations.
    ///
    /// - Parameters:
    ///   - inContext: also read each record's stored in-context link (`ExportRow.inContext`).
    ///   - copiesShareGPT: keep a canonical stored conversation as its bytes (`ExportRow.storedShareGPT`) instead
    ///     of reading it into turns: for exports that write it as it is.
    /// - Returns: how many records the selection left out for their quality flags alone (0 unless it excludes
    ///   flagged records). They are counted in the same scan: counting them apart read the whole index again.
    /// - Throws: `LoomError` of kind `.store` naming the record whose stored conversation cannot be read.
    @discardableResult
    public func forEachExportRow(
        _ selection: RecordSelection, order: RecordOrder = .id, inContext: Bool = false, copiesShareGPT: Bool = false,
        _ body: (ExportRow, _ media: (String) throws -> MediaItem?) throws -> Void
    ) throws -> Int {
        var scanned = selection
        let countsFlagged = selection.flags == .exclude
        if countsFlagged { scanned.flags = .include }
        let (condition, arguments) = scanned.sqlCondition
        return try readUnmapped { db in
            let lookup = try Self.mediaLookup(db)
            let statement = try db.makeStatement(
                sql: Self.exportRowsSQL(condition: condition, order: order, inContext: inContext, indexed: try Self.hasExportIndex(db)))
            let rows = try Row.fetchCursor(statement, arguments: arguments)
            var types = RepeatedText(), domains = RepeatedText(), skills = RepeatedText(), languages = RepeatedText()
            let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
            var leftOutFlagged = 0
            while let row = try rows.next() {
                if countsFlagged && statement.integer(atColumn: 8) != 0 {
                    leftOutFlagged += 1
                    continue
                }
                // Columns by position: the SELECT above fixes their order.
                let id = String(decoding: statement.textBytes(atColumn: 0) ?? empty, as: UTF8.self)
                guard let conversation = statement.textBytes(atColumn: 3) else {
                    throw LoomError(.store, "the stored conversation is not a ShareGPT list", subject: "record \(id)")
                }
                var turns: [Turn] = []
                var stored: [UInt8]?
                if copiesShareGPT && CanonicalShareGPT.matches(conversation) {
                    stored = Array(conversation)
                } else {
                    guard let read = Turn.turns(fromShareGPT: conversation) else {
                        throw LoomError(.store, "the stored conversation is not a ShareGPT list", subject: "record \(id)")
                    }
                    turns = read
                }
                var media: [String] = []
                Self.forEachListItem(statement.textBytes(atColumn: 2) ?? empty) { item in
                    // A new string costs less than retaining the catalog's: that one is rarely in the cache.
                    media.append(String(decoding: item, as: UTF8.self))
                }
                var exportRow = ExportRow(
                    id: id, sampleID: String(decoding: statement.textBytes(atColumn: 1) ?? empty, as: UTF8.self),
                    media: media, turns: turns, type: types.text(statement.textBytes(atColumn: 4) ?? empty),
                    domain: domains.text(statement.textBytes(atColumn: 5) ?? empty),
                    skill: statement.textBytes(atColumn: 6).map { skills.text($0) },
                    language: languages.text(statement.textBytes(atColumn: 7) ?? empty))
                exportRow.storedShareGPT = stored
                if inContext, let role: String = row[9] {
                    exportRow.inContext = Self.inContextLink(recordID: id, role: role, examples: row[10], scores: row[11])
                }
                try body(exportRow, lookup)
            }
            return leftOutFlagged
        }
    }

    /// The query `forEachExportRow` streams rows with; columns in the order it reads them.
    ///
    /// - Parameters:
    ///   - condition: the selection's `WHERE` clause (`RecordSelection.sqlCondition`), or "".
    ///   - indexed: whether the store has the export index. The selected columns lead `records_for_export`, so an
    ///     id-ordered scan reads that index alone. Without it, `+id` makes SQLite read the table front to back and
    ///     sort what it selects (in memory, or in temporary files past its cache) instead of walking the primary
    ///     key's index and looking each row up in the table apart.
    static func exportRowsSQL(condition: String, order: RecordOrder, inContext: Bool, indexed: Bool) -> String {
        let linkColumns = inContext ? ", in_context.role, in_context.examples, in_context.scores" : ""
        let linkJoin = inContext ? " LEFT JOIN in_context ON in_context.record_id = records.id" : ""
        let orderTerms = switch order {
        case .id: indexed ? "id" : "+id"
        case .sample: "sample_id, id"
        }
        return """
            SELECT id, sample_id, media_ids, sharegpt, type, domain, skill, language, flagged\(linkColumns)
            FROM records\(linkJoin)\(condition)
            ORDER BY \(orderTerms)
            """
    }

    /// Calls `body` with each item of a comma-separated list of UTF-8 bytes, empty items left out (as
    /// `commaSeparated` does).
    static func forEachListItem(_ list: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard !list.isEmpty else { return }
        var start = 0
        for index in 0...list.count where index == list.count || list[index] == 0x2C {
            if index > start { body(UnsafeBufferPointer(rebasing: list[start..<index])) }
            start = index + 1
        }
    }

    /// The records with these ids (those that exist), in the order given, as export rows: the in-context examples
    /// an export inlines into their query.
    public func exportRows(ids: [String]) throws -> [ExportRow] {
        guard !ids.isEmpty else { return [] }
        return try read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT id, sample_id, media_ids, sharegpt, type, domain, skill, language FROM records WHERE id = ?")
            return try ids.compactMap { id -> ExportRow? in
                guard let row = try Row.fetchOne(statement, arguments: [id]) else { return nil }
                let conversation: String = row[3]
                guard let turns = Turn.turns(fromShareGPT: conversation) else {
                    throw LoomError(.store, "the stored conversation is not a ShareGPT list", subject: "record \(id)")
                }
                let media: String = row[2]
                return ExportRow(
                    id: id, sampleID: row[1], media: Self.commaSeparated(media), turns: turns, type: row[4], domain: row[5],
                    skill: row[6], language: row[7])
            }
        }
    }

    /// The items of a comma-separated list, split on bytes (splitting a `String` compares grapheme clusters).
    static func commaSeparated(_ list: String) -> [String] {
        if list.isEmpty { return [] }
        return list.utf8.split(separator: 0x2C).map { String(Substring($0)) }
    }

    /// Streams the selected records' ids and media ids in id order (what splitting by image needs).
    public func forEachRecordMedia(_ selection: RecordSelection, _ body: (_ id: String, _ media: [Substring]) throws -> Void) throws {
        let (condition, arguments) = selection.sqlCondition
        try readUnmapped { db in
            // As `exportRowsSQL`: through the export index when the store has it, else the table read and sorted.
            let order = try Self.hasExportIndex(db) ? "id" : "+id"
            let rows = try Row.fetchCursor(db, sql: "SELECT id, media_ids FROM records\(condition) ORDER BY \(order)", arguments: arguments)
            while let row = try rows.next() {
                let media: String = row[1]
                try body(row[0], media.isEmpty ? [] : media.split(separator: ","))
            }
        }
    }

    /// Each ingested image that is a near-duplicate (perceptual hash) of another, with the one it duplicates.
    public func forEachNearDuplicateImage(_ body: (_ image: String, _ original: String) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT id, duplicate_of FROM images WHERE duplicate_of IS NOT NULL")
            while let row = try rows.next() { try body(row[0], row[1]) }
        }
    }
}

extension RunStore {
    /// Streams every medium's path (relative to the run directory).
    public func forEachMediaPath(_ body: (String) throws -> Void) throws {
        try read { db in
            let paths = try String.fetchCursor(db, sql: "SELECT path FROM media ORDER BY id")
            while let path = try paths.next() { try body(path) }
        }
    }
}

extension RunStore {
    /// Streams every medium, in the order the table stores them (not by id).
    public func forEachMediaItem(_ body: (MediaItem) throws -> Void) throws {
        // The media table's pages lie among the records' all over the file: mapped, reading them all would count
        // up to the whole map as resident memory. In id order, the scan went through the primary key's index and
        // read each row's table page apart (200,000 media: 0.7 s); in stored order it reads the table front to
        // back (0.08 s).
        try readUnmapped { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT id, kind, path, format, width, height FROM media")
            while let row = try rows.next() {
                try body(MediaItem(id: row[0], kind: MediaKind(rawValue: row[1]) ?? .image, path: row[2], format: row[3], width: row[4], height: row[5]))
            }
        }
    }
}
