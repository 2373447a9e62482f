import Foundation
import LoomCore
import LoomQuality
import LoomRecipe
import LoomStore

/// The quality stage's dedup pass, over the records no earlier check flagged, in id order:
///
/// - **hash**: each record's key set — its exact key (normalized text, plus with scope `images` its media, an
///   ingested near-duplicate image (pHash) mapped to the image it duplicates), a key of its raw media, and its
///   MinHash LSH band keys (mixed with the media key under scope `images`) — computed on all cores a page at a
///   time and stored with the page's cursor, so an interrupted dedup resumes where it stopped;
/// - **find**: band keys into `NearDuplicateFinder` (sorted flat arrays, union-find); every record of a group but
///   the earliest is a duplicate of the earliest: `duplicate.exact` with the same text and images,
///   `duplicate.image` over near-duplicate images, `duplicate.near` otherwise. Without near dedup, equal exact
///   keys alone make the groups;
/// - **flag**: all duplicate flags in one transaction.
struct DedupPass {
    let settings: DedupSettings
    let stamp: String
    let store: RunStore
    let workers: CPUWorkers
    /// Interrupts the pass after this many stored pages (tests of resumption).
    var stopAfterPages: Int?
    /// Records per stored page of keys.
    var pageSize = 4096

    enum Key {
        static let after = "quality.dedup.after"
        static let ordinal = "quality.dedup.ordinal"
    }

    /// The least probability that a pair at the threshold's similarity is found.
    static let recall = 0.95

    struct Duplicate {
        var id: String
        var of: String
        var code: String
    }

    func run(into summary: inout QualitySummary) async throws {
        guard settings.exact || settings.near else { return }
        let parameters = try nearParameters()
        let signatureSettings = stamp + (parameters.map { "|\($0.permutations)x\($0.bands)x\($0.rows)|\($0.shingleSize)|\($0.seed)" } ?? "|exact")
        try await hash(parameters: parameters, signatureSettings: signatureSettings)
        let store = store
        let threshold = settings.threshold
        let duplicates = try await workers.run {
            let found = try Self.find(store: store, settings: signatureSettings, bands: parameters?.bands ?? 0)
            return try parameters.map { try Self.verified(found, store: store, parameters: $0, threshold: threshold) } ?? found
        }
        try write(duplicates)
        summary.exactDuplicates = duplicates.filter { $0.code == QualityCode.exactDuplicate }.count
        summary.nearDuplicates = duplicates.count - summary.exactDuplicates
    }

    private func nearParameters() throws -> MinHashParameters? {
        guard settings.near else { return nil }
        do {
            // Pairs at the threshold are found 95% of the time or more (datasketch's own banding would find 40%).
            let banding = MinHashParameters.banding(recall: Self.recall, atJaccard: settings.threshold, permutations: settings.permutations)
            return try MinHashParameters(
                permutations: settings.permutations, threshold: settings.threshold, shingleSize: settings.shingle,
                bands: banding.bands, rows: banding.rows)
        } catch {
            throw LoomError(.recipe, "the near-duplicate settings cannot be used: \(error)", subject: "stages.quality.dedup.near")
        }
    }

    /// Stores every eligible record's keys, a page per transaction, from where an earlier run stopped.
    private func hash(parameters: MinHashParameters?, signatureSettings: String) async throws {
        if try store.signatureCount(settings: signatureSettings) == 0 {
            try store.saveSignatures([], settings: signatureSettings, meta: [Key.after: "", Key.ordinal: "0"])
        }
        var after = try store.meta(Key.after).flatMap { $0.isEmpty ? nil : $0 }
        var ordinal = Int(try store.meta(Key.ordinal) ?? "0") ?? 0
        let groups = try Self.imageGroups(store)
        let (store, settings, threads, pageSize) = (store, settings, workers.threads, pageSize)
        var pages = 0
        while true {
            let cursor = after
            let start = ordinal
            let page = try await workers.run { () throws -> (rows: [(recordID: String, ordinal: Int, bands: [UInt64])], last: String?, count: Int) in
                let digests = try store.recordDigests(after: cursor, limit: pageSize)
                let eligible = digests.enumerated().filter { !$0.element.flagged }
                let texts = eligible.map { DedupText.normalized(Self.text(of: $0.element.conversation)) }
                let bands = parameters?.bands ?? 0
                let keys = parameters.map { MinHasher.bandKeys(of: texts, parameters: $0, threads: threads) } ?? []
                var rows: [(recordID: String, ordinal: Int, bands: [UInt64])] = []
                rows.reserveCapacity(eligible.count)
                for (index, entry) in eligible.enumerated() {
                    let digest = entry.element
                    let media = digest.media.map { groups[$0] ?? $0 }.sorted().joined(separator: ",")
                    let mediaKey = settings.scope == .images ? DedupText.hash(media) : 0
                    var row: [UInt64] = [
                        DedupText.combine(DedupText.hash(texts[index]), mediaKey), DedupText.hash(digest.media.joined(separator: ",")),
                    ]
                    // A short text's bands all derive from its exact key: only an identical text shares them.
                    let short = texts[index].utf8.reduce(1) { $0 + ($1 == 0x20 ? 1 : 0) } < settings.minWords
                    for band in 0..<bands {
                        row.append(short ? DedupText.combine(row[0], UInt64(band)) : DedupText.combine(keys[index * bands + band], mediaKey))
                    }
                    rows.append((digest.id, start + entry.offset, row))
                }
                return (rows, digests.last?.id, digests.count)
            }
            guard let last = page.last else { break }
            ordinal += page.count
            try store.saveSignatures(page.rows, settings: signatureSettings, meta: [Key.after: last, Key.ordinal: String(ordinal)])
            after = last
            pages += 1
            if let stop = stopAfterPages, pages >= stop { throw InjectedCrash(point: "dedup page \(pages)") }
        }
    }

    /// Groups the stored keys; every record but the earliest of its group is a duplicate.
    static func find(store: RunStore, settings: String, bands: Int) throws -> [Duplicate] {
        var exactFirst: [UInt64: UInt32] = [:]
        // Indexed by ordinal (dense over all records): 16 bytes a record.
        var exactKeys: [UInt64] = []
        var mediaKeys: [UInt64] = []
        var finder = NearDuplicateFinder(bands: max(1, bands))
        var pairs: [(duplicate: UInt32, of: UInt32)] = []
        try store.forEachSignature(settings: settings) { _, ordinal, keys in
            let position = UInt32(ordinal)
            while exactKeys.count <= ordinal {
                exactKeys.append(0)
                mediaKeys.append(0)
            }
            exactKeys[ordinal] = keys[0]
            mediaKeys[ordinal] = keys[1]
            // Equal texts over the same images have equal band keys, so LSH groups every exact duplicate too.
            if bands > 0 { finder.add(ordinal: position, bandKeys: Array(keys[2...])) }
            if bands == 0 {
                if let first = exactFirst[keys[0]] { pairs.append((position, first)) } else { exactFirst[keys[0]] = position }
            }
        }
        if bands > 0 { pairs = finder.duplicates().map { ($0.duplicate, $0.of) } }
        // Ids of the ordinals involved, from one more pass over the stored keys.
        var wanted = Set(pairs.flatMap { [$0.duplicate, $0.of] })
        var ids: [UInt32: String] = [:]
        try store.forEachSignature(settings: settings) { id, ordinal, _ in
            if wanted.remove(UInt32(ordinal)) != nil { ids[UInt32(ordinal)] = id }
        }
        return pairs.compactMap { pair in
            guard let id = ids[pair.duplicate], let of = ids[pair.of] else { return nil }
            let (a, b) = (Int(pair.duplicate), Int(pair.of))
            let code = exactKeys[a] == exactKeys[b]
                ? (mediaKeys[a] == mediaKeys[b] ? QualityCode.exactDuplicate : QualityCode.nearDuplicateImage) : QualityCode.nearDuplicate
            return Duplicate(id: id, of: of, code: code)
        }
    }

    /// The duplicates, with each near-duplicate (`duplicate.near`) kept only if its text's shingle set and that of
    /// the record it is said to repeat are at least `threshold` alike (exact Jaccard similarity).
    ///
    /// LSH finds candidates, not similar pairs: the banding that finds 95% of the pairs at the threshold also makes
    /// candidates of many pairs below it (two thirds of the pairs at 0.66 when the threshold is 0.8), and the groups
    /// it joins may chain records that are far apart. datasketch leaves that check to its user. Records are read in
    /// id order, so a group's first record, which the others are checked against, comes before them; only the sets
    /// of first records still waiting for a check are held.
    static func verified(_ duplicates: [Duplicate], store: RunStore, parameters: MinHashParameters, threshold: Double) throws -> [Duplicate] {
        var waiting: [String: Int] = [:]
        var firstOf: [String: String] = [:]
        for duplicate in duplicates where duplicate.code == QualityCode.nearDuplicate {
            waiting[duplicate.of, default: 0] += 1
            firstOf[duplicate.id] = duplicate.of
        }
        guard !firstOf.isEmpty else { return duplicates }
        var hasher = MinHasher(parameters: parameters)
        var firstSets: [String: Set<UInt64>] = [:]
        var rejected: Set<String> = []
        let ids = Set(waiting.keys).union(firstOf.keys).sorted()
        for start in stride(from: 0, to: ids.count, by: 500) {
            for digest in try store.recordDigests(ids: Array(ids[start..<min(ids.count, start + 500)])) {
                let shingles = hasher.shingleSet(of: DedupText.normalized(text(of: digest.conversation)))
                if waiting[digest.id] != nil { firstSets[digest.id] = shingles }
                guard let first = firstOf[digest.id], let firstSet = firstSets[first] else { continue }
                if hasher.jaccard(shingles, firstSet) < threshold { rejected.insert(digest.id) }
                waiting[first]! -= 1
                if waiting[first] == 0 { firstSets[first] = nil }
            }
        }
        return duplicates.filter { !rejected.contains($0.id) }
    }

    /// Flags the duplicates, all in one transaction (a rerun after a crash finds the same and writes the same).
    private func write(_ duplicates: [Duplicate]) throws {
        let byID = Dictionary(duplicates.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        try store.rewriteRecords(byID.keys.sorted()) { record in
            guard let duplicate = byID[record.id] else { return nil }
            var updated = record
            updated.flags.removeAll { $0.code.hasPrefix("duplicate.") && $0.code != QualityCode.sameQuestion }
            let what = duplicate.code == QualityCode.nearDuplicateImage
                ? "repeats record \(duplicate.of) over a near-duplicate image"
                : duplicate.code == QualityCode.exactDuplicate
                    ? "the same text as record \(duplicate.of) over the same images"
                    : "nearly the same text as record \(duplicate.of)"
            updated.flags.append(QualityFlag(code: duplicate.code, reason: what))
            return updated
        }
    }

    /// Each ingested near-duplicate image mapped to the image it duplicates.
    static func imageGroups(_ store: RunStore) throws -> [String: String] {
        var groups: [String: String] = [:]
        try store.forEachImage { image in
            if let original = image.duplicateOf { groups[image.id] = original }
        }
        return groups
    }

    /// The turns' texts of a ShareGPT conversation, one per line.
    static func text(of conversation: String) -> String {
        turns(of: conversation).map(\.value).joined(separator: "\n")
    }

    /// The turns of a ShareGPT conversation: who speaks ("human", "gpt") and what.
    static func turns(of conversation: String) -> [(from: String, value: String)] {
        guard case .array(let turns)? = try? JSONValue.parse(Array(conversation.utf8)) else { return [] }
        return turns.compactMap { turn in
            guard case .object(let fields) = turn, let value = fields["value"]?.stringValue else { return nil }
            return (fields["from"]?.stringValue ?? "", value)
        }
    }
}
