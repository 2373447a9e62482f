import Foundation
import LoomCore
import LoomQuality
import LoomRecipe
import LoomStore

/// The quality stage's dedup pass: among records not flagged so far, in id order, a record whose normalized text
/// equals an earlier one's (exact), or whose word shingles are near-identical by MinHash LSH (near), is flagged
/// as a duplicate of the earliest. With scope `images` both must also show the same images, where an image and
/// its near-duplicate (by pHash, found at ingest) count as the same.
struct DedupPass {
    let settings: DedupSettings
    let stamp: String
    let store: RunStore
    let workers: CPUWorkers

    /// One duplicate found.
    struct Duplicate {
        var id: String
        var of: String
        var code: String
    }

    func run(into summary: inout QualitySummary) async throws {
        guard settings.exact || settings.near else { return }
        let store = store
        let settings = settings
        let duplicates = try await workers.run { () throws -> [Duplicate] in
            let groups = try Self.imageGroups(store)
            var firstByKey: [UInt64: (id: String, media: [String])] = [:]
            var found: [Duplicate] = []
            try store.forEachRecordDigest { digest in
                guard !digest.flagged, settings.exact else { return }
                let text = Self.text(of: digest.conversation)
                let media = digest.media.map { groups[$0] ?? $0 }
                var key = DedupText.hash(DedupText.normalized(text))
                if settings.scope == .images { key = DedupText.combine(key, DedupText.hash(media.sorted().joined(separator: ","))) }
                if let first = firstByKey[key] {
                    let code = first.media == digest.media ? QualityCode.exactDuplicate : QualityCode.nearDuplicateImage
                    found.append(Duplicate(id: digest.id, of: first.id, code: code))
                } else {
                    firstByKey[key] = (digest.id, digest.media)
                }
            }
            return found
        }
        try write(duplicates)
        summary.exactDuplicates = duplicates.filter { $0.code != QualityCode.nearDuplicate }.count
        summary.nearDuplicates = duplicates.filter { $0.code == QualityCode.nearDuplicate }.count
    }

    /// Flags the duplicates, all in one transaction (so a rerun after a crash finds the same and writes the same).
    private func write(_ duplicates: [Duplicate]) throws {
        guard !duplicates.isEmpty else { return }
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
