import Foundation
import LoomCore
import LoomLinking
import LoomStore

/// What the in-context stage did.
public struct InContextSummary: Sendable, Codable, Hashable {
    public var strategy: String
    public var queries = 0
    public var examples = 0
    /// Queries that got at least one example.
    public var linkedQueries = 0
    /// Image strategy: media whose file could not be read or decoded (their records get no examples).
    public var unhashedMedia = 0
    /// Whether this invocation did the work (false: the stored links were made from the same records and settings).
    public var ranNow = true
}

/// The in-context stage (`stages.in_context`, or `loom link`): reads every unflagged record's instructions, asks
/// `InContextLinker` for roles and examples, and stores them all in one transaction. The links are a function of
/// the records and the settings alone, so a crash before the transaction loses nothing (the stage runs again),
/// and a rerun over the same records with the same settings does nothing.
public struct InContextStage: Sendable {
    public let settings: LinkSettings
    public let store: RunStore
    /// The run directory media paths are relative to (the image strategy hashes files not hashed yet).
    public let runDirectory: URL
    let workers: CPUWorkers

    init(settings: LinkSettings, store: RunStore, runDirectory: URL, workers: CPUWorkers) {
        self.settings = settings
        self.store = store
        self.runDirectory = runDirectory
        self.workers = workers
    }

    /// Links the records of the run in `store` with a worker pool of its own (for `loom link`).
    public static func link(store: RunStore, runDirectory: URL, settings: LinkSettings, threads: Int) async throws -> InContextSummary {
        let workers = CPUWorkers(threads: threads)
        do {
            let summary = try await InContextStage(settings: settings, store: store, runDirectory: runDirectory, workers: workers).run()
            try await workers.shutdown()
            return summary
        } catch {
            try? await workers.shutdown()
            throw error
        }
    }

    func run() async throws -> InContextSummary {
        let (store, settings, threads, runDirectory) = (store, settings, workers.threads, runDirectory)
        return try await workers.run {
            var (items, media, recordSet) = try Self.items(in: store)
            var summary = InContextSummary(strategy: settings.strategy.rawValue)
            if settings.strategy == .image {
                let known = try MediaHashes.complete(
                    Set(media.joined()), store: store, runDirectory: runDirectory, threads: threads)
                for index in items.indices {
                    let hashes = media[index].compactMap { known.hashes[$0] }
                    // A record with an image that could not be hashed has no neighbours rather than wrong ones.
                    items[index].imageHashes = hashes.count == media[index].count ? hashes : []
                }
                summary.unhashedMedia = known.unreadable
                recordSet += "|hashes=\(known.hashes.count)"
            }
            let fingerprint = settings.fingerprint + "|" + recordSet
            if try store.inContextFingerprint() == fingerprint {
                let counts = try store.inContextCounts()
                (summary.queries, summary.examples, summary.linkedQueries, summary.ranNow) = (counts.queries, counts.examples, counts.linkedQueries, false)
                return summary
            }
            let links = InContextLinker(settings: settings, threads: threads).link(items)
            try store.replaceInContextLinks(
                links.map { StoredInContextLink(recordID: $0.recordID, role: $0.role.rawValue, examples: $0.examples, scores: $0.scores) },
                fingerprint: fingerprint)
            summary.queries = links.filter { $0.role == .query }.count
            summary.examples = links.count - summary.queries
            summary.linkedQueries = links.filter { !$0.examples.isEmpty }.count
            return summary
        }
    }

    /// Every unflagged record as linking sees it, in id order, each record's media ids, and a digest of which
    /// records those are (their ids and texts): when it changes, the stored links are stale.
    public static func items(in store: RunStore) throws -> (items: [LinkItem], media: [[String]], digest: String) {
        var items: [LinkItem] = []
        var media: [[String]] = []
        var hasher = ContentHasher()
        try store.forEachRecordDigest { digest in
            guard !digest.flagged else { return }
            let item = linkItem(digest)
            hasher.add(item.id)
            hasher.add(item.text)
            items.append(item)
            media.append(digest.media)
        }
        return (items, media, "records=\(items.count)|\(hasher.finalize())")
    }

    /// A record as linking sees it: its user turns, without the image placeholders that open the first.
    public static func linkItem(_ digest: RunStore.RecordDigest) -> LinkItem {
        let text = DedupPass.turns(of: digest.conversation).filter { $0.from == "human" }
            .map { ImagePrefix.question($0.value) }.joined(separator: "\n")
        return LinkItem(id: digest.id, sampleID: digest.sampleID, language: digest.language, text: text, media: digest.media)
    }
}
