import LoomCore
import LoomQuality
import LoomStore

/// Finds, for each row of a training file imported again, its record id and what the run holds under it: the
/// record an earlier import made of the row, a changed one, or a reviewer's correction (`loom import`).
///
/// A row with a Loom id of its own (`rec-…`) keeps it. Another row's id comes from its content
/// (`ImportedRowKey`) and how many rows before it in the file had the same, so that deleting or inserting rows
/// leaves the other rows' records, and their review, as they were. A stored record of the file with the row's
/// content under another id (an earlier Loom numbered rows by position) is the row's record, and keeps its id.
struct ImportedRecordMatcher {
    /// A stored record, as much of it as matching needs.
    struct StoredRecord {
        var id: String
        var sampleID: String
        var media: [String]
        /// The key of the content as it came in (nil when its conversation is not ShareGPT).
        var originKey: String?
        /// The key of a reviewer's correction, when there is one.
        var correctedKey: String?
    }

    /// What the run holds under a row's id.
    enum Match {
        /// Nothing: a new record.
        case new
        /// The record as it came in, unedited, with the row's content (its other fields may differ: a re-import
        /// with another `--domain`).
        case same(StoredRecord)
        /// A record a reviewer corrected, and the row holds what came in or the correction: the correction stays.
        case corrected(StoredRecord)
        /// A record with other content than the row's: replaced, and its review starts over.
        case changed(StoredRecord)
    }

    private let idSource: String
    /// The stored records of the file (nothing for a file not imported into the run before).
    private var storedByID: [String: StoredRecord] = [:]
    /// The stored records of each content whose ids are not derived from it (an earlier Loom's position ids), not
    /// yet taken by a row.
    private var untakenByKey: [String: [String]] = [:]
    private var occurrences: [String: Int] = [:]
    private(set) var seenIDs: Set<String> = []

    /// Reads what the run holds of the file `idSource` names, when it was imported into the run before.
    init(store: RunStore, idSource: String, importedBefore: Bool) throws {
        self.idSource = idSource
        guard importedBefore else { return }
        var byKey: [String: [String]] = [:]
        try store.forEachRecordOrigin(generator: ValidationSettings.importedGenerator, template: idSource) { origin in
            let record = Self.stored(origin)
            storedByID[origin.id] = record
            if let key = record.originKey { byKey[key, default: []].append(origin.id) }
        }
        // Ids a row derives from its content are found by id; the fallback by content is for the others. A derived
        // id's occurrence is below the number of rows of that content there ever were: most often the number
        // stored, a few more after rows were deleted.
        for (key, ids) in byKey {
            var derived = Set((0..<ids.count).map { Self.derivedID(idSource: idSource, key: key, occurrence: $0) })
            var others = ids.filter { !derived.contains($0) }
            if !others.isEmpty {
                derived = Set((ids.count..<(ids.count + 16)).map { Self.derivedID(idSource: idSource, key: key, occurrence: $0) })
                others.removeAll { derived.contains($0) }
            }
            if !others.isEmpty { untakenByKey[key] = others.reversed() }
        }
    }

    /// The records of the file the run held before this import that no row has taken: the rows are gone.
    var untakenStoredIDs: [String] {
        storedByID.keys.filter { !seenIDs.contains($0) }.sorted()
    }

    /// The record id of a row: its own `rec-` id, unless a row before it took the same; else one from its content.
    mutating func id(own: String?, key: String, row index: Int) -> String {
        if let own, own.hasPrefix("rec-"), seenIDs.insert(own).inserted { return own }
        let occurrence = occurrences[key, default: 0]
        occurrences[key] = occurrence + 1
        let derived = Self.derivedID(idSource: idSource, key: key, occurrence: occurrence)
        let id: String
        if storedByID[derived] == nil, let earlier = takeUntaken(key) {
            id = earlier
        } else {
            // Taken only by a row with the same id of its own, which came first.
            id = seenIDs.contains(derived) ? StableID.derive("rec", "import", idSource, key, String(occurrence), String(index)) : derived
        }
        seenIDs.insert(id)
        return id
    }

    /// A stored record of this content with a position id that no row has taken yet.
    private mutating func takeUntaken(_ key: String) -> String? {
        while let id = untakenByKey[key]?.popLast() {
            if !seenIDs.contains(id) { return id }
        }
        return nil
    }

    /// What the run holds under `id` for a row of content `key`. An id that is not the file's may still name a
    /// stored record (a Loom export imported into its own run, a record `loom mix` brought, a file imported
    /// before under another Loom), which is looked up in the store.
    func match(_ id: String, key: String, store: RunStore) throws -> Match {
        guard let stored = try storedByID[id] ?? store.recordOrigin(id: id).map(Self.stored) else { return .new }
        if stored.correctedKey != nil {
            return key == stored.originKey || key == stored.correctedKey ? .corrected(stored) : .changed(stored)
        }
        return key == stored.originKey ? .same(stored) : .changed(stored)
    }

    private static func stored(_ origin: RecordOrigin) -> StoredRecord {
        StoredRecord(
            id: origin.id, sampleID: origin.sampleID, media: origin.media,
            originKey: ImportedRowKey.of(media: origin.media, shareGPT: origin.shareGPT),
            correctedKey: origin.corrected.flatMap { ImportedRowKey.of(media: origin.media, shareGPT: $0) })
    }

    private static func derivedID(idSource: String, key: String, occurrence: Int) -> String {
        StableID.derive("rec", "import", idSource, key, String(occurrence))
    }
}
