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
    /// Records left out because another source already gave a record with the same id.
    public var repeatedIDs: Int
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
        static let mix = "mix_settings"
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

        var takenIDs: Set<String> = []
        var repeated = 0
        var mediaIDs: Set<String> = []
        var taken: [MixSummary.Taken] = []
        for (index, run) in runs.enumerated() {
            let chosen = ordered[index].prefix(counts[index])
            var records: [String] = []
            for id in chosen {
                if takenIDs.insert(id).inserted { records.append(id) } else { repeated += 1 }
            }
            taken.append(MixSummary.Taken(path: run.url.path, available: ordered[index].count, taken: counts[index]))
            // Copy in slices so a large source never sits in memory whole.
            for start in stride(from: 0, to: records.count, by: 2048) {
                let slice = try run.store.records(ids: Array(records[start..<min(records.count, start + 2048)]))
                try copy(slice, from: run, into: store, mediaIDs: &mediaIDs)
            }
        }
        return MixSummary(
            output: output.path, sources: taken, records: takenIDs.count, media: mediaIDs.count, repeatedIDs: repeated,
            contentHash: try store.contentHash())
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

    private func copy(_ records: [Record], from run: RunDirectory, into store: RunStore, mediaIDs: inout Set<String>) throws {
        var write = StoreWrite(records: records)
        var sampleIDs: Set<String> = []
        for record in records {
            if sampleIDs.insert(record.sampleID).inserted, let sample = try run.store.sample(id: record.sampleID) {
                write.samples.append(sample)
            }
            for id in record.media where mediaIDs.insert(id).inserted {
                guard let medium = try run.store.media(id: id) else { continue }
                try Self.link(medium.path, from: run.url, to: output)
                write.media.append(medium)
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
                throw LoomError(.io, "cannot copy \(relative) into the mixture: \(FileErrors.reason(error))", subject: origin.path)
            }
        }
    }

    private struct MixFingerprint: Codable {
        var sources: [MixSource]
        var seed: UInt64
        var total: Int?
    }
}
