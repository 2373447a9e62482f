import Foundation
import LoomCore
import LoomStore

/// WebDataset tar shards (`00000.tar`, … or `SPLIT-00000.tar`): each record is a sample of files that share a key,
/// `KEY.json` and `KEY.0.png`, `KEY.1.jpg`, …; a shard holds whole samples only and closes when the next sample
/// would pass the record or byte limit. Beside the shards: a wids shard list (`shards.json`) and, per shard, an
/// index of its samples (`00000.index.jsonl`: key, record id, byte offset and size of the sample in the shard).
final class WebDatasetSink: FormatSink {
    private let context: SinkContext
    private let prefix: String
    private var shard: TarArchive?
    private var index: JSONLinesFile?
    private var shards: [(name: String, samples: Int)] = []
    private var samplesInShard = 0
    private var ordinal = 0
    private var files: [String] = []

    init(_ context: SinkContext) throws {
        self.context = context
        prefix = context.split.map { "\($0)-" } ?? ""
    }

    func add(_ row: ExportRow, media: MediaLookup) throws {
        let images = try row.media.map { try context.placer.contents($0, lookup: media) }
        let key = String(repeating: "0", count: max(0, 9 - String(ordinal).count)) + String(ordinal)
        let names = images.enumerated().map { "\(key).\($0.offset).\($0.element.medium.fileExtension)" }
        var json: [UInt8] = []
        json.append(contentsOf: #"{"id": "#.utf8)
        JSONText.appendQuoted(row.id, to: &json)
        json.append(contentsOf: #", "images": "#.utf8)
        ConversationJSON.appendStrings(names, to: &json)
        json.append(contentsOf: #", "conversations": "#.utf8)
        ConversationJSON.appendShareGPT(row.turns, to: &json)
        ExportMetadata.appendLabels(row, to: &json)
        json.append(0x7D)

        let size = 512 + (json.count + 511) / 512 * 512 + images.reduce(0) { $0 + 512 + ($1.bytes.count + 511) / 512 * 512 }
        if let open = shard, samplesInShard > 0,
            samplesInShard >= context.options.shardRecords || open.offset + size > context.options.shardBytes {
            try closeShard()
        }
        let archive = try shard ?? openShard()
        let offset = archive.offset
        try archive.add(name: "\(key).json", bytes: json)
        for (name, image) in zip(names, images) { try archive.add(name: name, bytes: image.bytes) }
        try index!.append { out in
            out.append(contentsOf: #"{"key": "#.utf8)
            JSONText.appendQuoted(key, to: &out)
            out.append(contentsOf: #", "id": "#.utf8)
            JSONText.appendQuoted(row.id, to: &out)
            out.append(contentsOf: #", "offset": \#(offset), "size": \#(archive.offset - offset)}"#.utf8)
        }
        samplesInShard += 1
        ordinal += 1
    }

    private func openShard() throws -> TarArchive {
        let number = String(shards.count)
        let name = prefix + String(repeating: "0", count: max(0, 5 - number.count)) + number
        let archive = try TarArchive(url: context.folder.appendingPathComponent("\(name).tar"))
        index = try JSONLinesFile(url: context.folder.appendingPathComponent("\(name).index.jsonl"))
        shard = archive
        shards.append((name, 0))
        samplesInShard = 0
        return archive
    }

    private func closeShard() throws {
        guard let archive = shard, let index else { return }
        try archive.finish()
        try index.file.finish()
        shards[shards.count - 1].samples = samplesInShard
        files += [archive.url.lastPathComponent, index.file.url.lastPathComponent]
        shard = nil
        self.index = nil
    }

    func finish() throws -> [String] {
        try closeShard()
        var out: [UInt8] = Array(#"{"wids_version": 1, "shardlist": ["#.utf8)
        for (position, shard) in shards.enumerated() {
            out.append(contentsOf: (position == 0 ? "\n  " : ",\n  ").utf8)
            out.append(contentsOf: #"{"url": "#.utf8)
            JSONText.appendQuoted("\(shard.name).tar", to: &out)
            out.append(contentsOf: #", "nsamples": \#(shard.samples)}"#.utf8)
        }
        out.append(contentsOf: (shards.isEmpty ? "]}\n" : "\n]}\n").utf8)
        let list = try ExportFile(url: context.folder.appendingPathComponent("\(prefix)shards.json"))
        try list.write { $0.append(contentsOf: out) }
        try list.finish()
        return files + [list.url.lastPathComponent]
    }

    func abandon() {
        shard?.abandon()
        index?.file.abandon()
    }
}
