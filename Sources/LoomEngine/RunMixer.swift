import Foundation
import LoomCore
import LoomStore

/// One run a mixture draws from, with how much of it to take.
public struct MixSource: Sendable, Hashable, Codable {
    /// The run directory.
    public var path: String
    /// A share of the mixture relative to the other weighted sources (MMInstruct's ablation ratios).
    public var weight: Double?
    /// At most this many records from this source (Mantis' per-subset caps).
    public var cap: Int?

    public init(path: String, weight: Double? = nil, cap: Int? = nil) {
        self.path = path
        self.weight = weight
        self.cap = cap
    }

    /// Parses "PATH", "PATH:weight=0.7", "PATH:cap=500" or "PATH:weight=2,cap=1000".
    public static func parse(_ text: String) throws -> MixSource {
        guard let colon = text.lastIndex(of: ":"), text[text.index(after: colon)...].contains("=") else {
            return MixSource(path: text)
        }
        var source = MixSource(path: String(text[..<colon]))
        for setting in text[text.index(after: colon)...].split(separator: ",") {
            let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw LoomError(.usage, "'\(setting)' is not NAME=VALUE", subject: text) }
            switch parts[0] {
            case "weight":
                guard let value = Double(parts[1]), value > 0 else { throw LoomError(.usage, "a weight is a positive number, not '\(parts[1])'", subject: text) }
                source.weight = value
            case "cap":
                guard let value = Int(parts[1]), value >= 0 else { throw LoomError(.usage, "a cap is a whole number, not '\(parts[1])'", subject: text) }
                source.cap = value
            default:
                throw LoomError(.usage, "unknown setting '\(parts[0])' (use weight= or cap=)", subject: text)
            }
        }
        return source
    }
}

/// What a mixture took from each source.
public struct MixSummary: Sendable, Codable {
    public struct Taken: Sendable, Codable {
        public var path: String
        public var available: Int
        public var taken: Int
    }

    public var output: String
    public var sources: [Taken]
    public var records: Int
    public var media: Int
    /// Records left out because another source already gave the same record (same id, same content).
    public var repeatedIDs: Int
    /// Records (and samples) that shared an id with another source's different one, kept under a new id: imported
    /// files named alike, or template runs with the same seed, number their records alike.
    public var renamed: Int = 0
    public var contentHash: String
}

/// `loom mix`: a new run directory made of records drawn from several runs — all of a source, a capped number,
/// or weighted shares of a total — chosen by a seeded order, so the same sources and seed give the same mixture.
/// Only records without quality flags are drawn; their samples, media files and ingested-image rows come along.
public struct RunMixer: Sendable {
    public var sources: [MixSource]
    public var output: URL
    public var seed: UInt64
    /// The mixture's size when weights are given; without it, the largest mixture every weighted source can fill.
    public var total: Int?

    public init(sources: [MixSource], output: URL, seed: UInt64, total: Int? = nil) {
        self.sources = sources
        self.output = output
        self.seed = seed
        self.total = total
    }

    /// Meta keys of a mixture's store.
    enum Key {
        static let mix = RunStore.mixMetaKey
    }

    public func run() throws -> MixSummary {
        guard !sources.isEmpty else { throw LoomError(.usage, "name at least one run to mix") }
        let runs = try sources.map { try RunDirectory(existing: URL(fileURLWithPath: $0.path).standardizedFileURL) }
        if runs.contains(where: { $0.url.path == output.standardizedFileURL.path }) {
            throw LoomError(.usage, "the mixture cannot be written into one of its sources", subject: output.path)
        }
        // Each source's unflagged records in the seeded order.
        var ordered: [[String]] = []
        for (index, run) in runs.enumerated() {
            var entries: [(order: UInt64, id: String)] = []
            try run.store.forEachRecordDigest { digest in
                guard !digest.flagged else { return }
                entries.append((StableID.seed(seed, String(index), digest.id), digest.id))
            }
            ordered.append(entries.sorted { $0.order < $1.order }.map(\.id))
        }
        let counts = try quantities(available: ordered.map(\.count))

        let manager = FileManager.default
        try manager.createDirectory(at: output, withIntermediateDirectories: true)
        // The run lock (`RunLock`) keeps a run, an import or another mix from writing here at the same time.
        let lock = try RunLock.acquire(in: output)
        defer { withExtendedLifetime(lock) {} }
        let store = try RunStore(directory: output)
        let settings = String(decoding: try JSONEncoder().encode(MixFingerprint(sources: sources, seed: seed, total: total)), as: UTF8.self)
        if let existing = try store.meta(Key.mix), existing != settings {
            throw LoomError(.usage, "this folder holds another mixture; choose another output or delete it", subject: output.path)
        }
        try store.commit([StoreWrite.meta([Key.mix: settings, RunDirectory.Key.recipeName: "mix"])])

        // Each id written so far with a hash of its content (the id left out), to tell the same record given by two
        // sources from two records that only share an id.
        var written = WrittenIDs()
        var repeated = 0
        var mediaIDs: Set<String> = []
        var taken: [MixSummary.Taken] = []
        for (index, run) in runs.enumerated() {
            let chosen = Array(ordered[index].prefix(counts[index]))
            var copied = 0
            // Imported images stay links to the user's files: their stamps come along, for exports to check.
            let stamps = try run.store.linkedMediaStamps()
            // Copy in slices so a large source never sits in memory whole.
            for start in stride(from: 0, to: chosen.count, by: 2048) {
                let slice = try run.store.records(ids: Array(chosen[start..<min(chosen.count, start + 2048)]))
                var kept: [Record] = []
                for record in slice {
                    guard let record = try written.admit(record, source: index, samples: run.store) else {
                        repeated += 1
                        continue
                    }
                    kept.append(record)
                }
                try copy(kept, from: run, stamps: stamps, into: store, mediaIDs: &mediaIDs, samples: &written)
                copied += kept.count
            }
            taken.append(MixSummary.Taken(path: run.url.path, available: ordered[index].count, taken: copied))
        }
        var summary = MixSummary(
            output: output.path, sources: taken, records: written.records.count, media: mediaIDs.count, repeatedIDs: repeated,
            contentHash: try store.contentHash())
        summary.renamed = written.renamed
        return summary
    }

    /// The record and sample ids a mixture holds, each with a hash of its content, and the renaming of colliding
    /// ones: a record whose id another source's different record holds gets an id derived from its own and the
    /// source's index, and likewise a sample (its records follow it).
    struct WrittenIDs {
        var records: [String: String] = [:]
        var samples: [String: String] = [:]
        /// Per source, its samples renamed: old id -> new id.
        var sampleRenames: [Int: [String: String]] = [:]
        var renamed = 0

        /// The record as the mixture keeps it (renamed if need be), or nil when the same record is already in.
        mutating func admit(_ record: Record, source: Int, samples store: RunStore) throws -> Record? {
            var record = record
            if let sample = try sampleID(record.sampleID, source: source, store: store) { record.sampleID = sample }
            let content = Self.hash(record, keepingID: false)
            if let existing = records[record.id] {
                if existing == content { return nil }
                record.id = StableID.derive("rec", record.id, "mix", String(source))
                renamed += 1
            }
            records[record.id] = content
            return record
        }

        /// The id the mixture gives the sample `id` of `source`: its own, unless another source's different sample
        /// has it.
        private mutating func sampleID(_ id: String, source: Int, store: RunStore) throws -> String? {
            if let renamedID = sampleRenames[source]?[id] { return renamedID }
            guard let sample = try store.sample(id: id) else { return nil }
            let content = StableID.sha256Hex(Array(Self.body(of: sample).utf8))
            if let existing = samples[id], existing != content {
                let renamedID = StableID.derive("smp", id, "mix", String(source))
                sampleRenames[source, default: [:]][id] = renamedID
                samples[renamedID] = content
                renamed += 1
                return renamedID
            }
            samples[id] = content
            return nil
        }

        /// A sample's JSON without its id.
        static func body(of sample: Sample) -> String {
            var copy = sample
            copy.id = ""
            return copy.canonicalJSON
        }

        static func hash(_ record: Record, keepingID: Bool) -> String {
            var copy = record
            if !keepingID { copy.id = "" }
            return StableID.sha256Hex(Array(copy.canonicalJSON.utf8))
        }
    }

    /// How many records each source gives.
    func quantities(available: [Int]) throws -> [Int] {
        let weights = sources.map(\.weight)
        let weightSum = weights.compactMap { $0 }.reduce(0, +)
        var counts = available
        if weightSum > 0 {
            // Without a total: the largest mixture in which every weighted source fills its share.
            let size = total ?? zip(weights, available).compactMap { weight, count in
                weight.map { Int((Double(count) / ($0 / weightSum)).rounded(.down)) }
            }.min() ?? 0
            for index in counts.indices {
                if let weight = weights[index] { counts[index] = min(available[index], Int((Double(size) * weight / weightSum).rounded())) }
            }
        } else if let total {
            // A total with no weights: sources share it in proportion to their sizes.
            let all = max(1, available.reduce(0, +))
            counts = available.map { min($0, Int((Double(total) * Double($0) / Double(all)).rounded())) }
        }
        for index in counts.indices {
            if let cap = sources[index].cap { counts[index] = min(counts[index], cap) }
        }
        return counts
    }

    private func copy(
        _ records: [Record], from run: RunDirectory, stamps: [String: LinkedMediumStamp], into store: RunStore, mediaIDs: inout Set<String>,
        samples written: inout WrittenIDs
    ) throws {
        var write = StoreWrite(records: records)
        var sampleIDs: Set<String> = []
        // A renamed sample is read under its id in the source.
        let original = Dictionary(
            (written.sampleRenames.values.flatMap { $0 }).map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        for record in records {
            if sampleIDs.insert(record.sampleID).inserted, var sample = try run.store.sample(id: original[record.sampleID] ?? record.sampleID) {
                sample.id = record.sampleID
                write.samples.append(sample)
            }
            for id in record.media where mediaIDs.insert(id).inserted {
                guard let medium = try run.store.media(id: id) else { continue }
                try Self.link(medium.path, from: run.url, to: output)
                write.media.append(medium)
                if let stamp = stamps[id] { write.linkedMedia.append(stamp) }
                if let image = try run.store.image(id: id) {
                    try Self.link(image.thumbnail, from: run.url, to: output)
                    write.images.append(image)
                }
            }
        }
        try store.commit([write])
    }

    /// A hard link of a run's file at the same relative path in the mixture (a copy across file systems).
    static func link(_ relative: String, from source: URL, to destination: URL) throws {
        guard !relative.isEmpty else { return }
        let manager = FileManager.default
        let target = destination.appendingPathComponent(relative)
        guard !manager.fileExists(atPath: target.path) else { return }
        try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let origin = source.appendingPathComponent(relative)
        do {
            try manager.linkItem(at: origin, to: target)
        } catch {
            do {
                try manager.copyItem(at: origin, to: target)
            } catch {
                throw LoomError(.io, "cannot copy \(relative) into the mixture: \(FileErrorReason.reason(error))", subject: origin.path)
            }
        }
    }

    private struct MixFingerprint: Codable {
        var sources: [MixSource]
        var seed: UInt64
        var total: Int?
    }
}
