import Foundation
import LoomCore
import LoomStore

/// MIMIC-IT's three files for one subset with prefix `P`:
/// - `P_instructions.json`: `{"meta": {version, time, author}, "data": {"P_INS_000001": {instruction, answer,
///   image_ids, rel_ins_ids}}}`; each user–assistant exchange of a record is one instruction, its placeholders
///   removed (Otter adds its own image tokens);
/// - `P.json`: the images table, image id → standard base64 of the image file;
/// - `P_train.json`: each query's in-context examples.
///
/// In-context examples are siblings: instructions about the same sample. In a sample with n ≥ 2 instructions
/// the last min(3, n/2) are examples and the others queries, so no query is ever another query's example and
/// every id resolves. Records arrive grouped by sample (the export reads them in sample order).
final class MIMICITSink: FormatSink {
    private struct Instruction {
        var id: String
        var recordID: String
        var instruction: String
        var answer: String
        var imageIDs: [String]
    }

    static let maxExamples = 3
    static let maxRelated = 8

    private let context: SinkContext
    private let prefix: String
    private let instructions: ExportFile
    private let images: ExportFile
    private let train: ExportFile
    private var group: [Instruction] = []
    private var groupSample: String?
    private var written: Set<String> = []
    private var instructionCount = 0
    private var trainCount = 0

    init(_ context: SinkContext) throws {
        self.context = context
        prefix = context.options.mimicitPrefix
        instructions = try ExportFile(url: context.folder.appendingPathComponent("\(prefix)_instructions.json"))
        images = try ExportFile(url: context.folder.appendingPathComponent("\(prefix).json"))
        train = try ExportFile(url: context.folder.appendingPathComponent("\(prefix)_train.json"))
        var meta: [UInt8] = Array(#"{"meta": {"version": "#.utf8)
        JSONText.appendQuoted(ExportOptions.producer, to: &meta)
        meta.append(contentsOf: #", "time": "#.utf8)
        JSONText.appendQuoted(context.options.timestamp, to: &meta)
        meta.append(contentsOf: #", "author": "loom"}, "data": {"#.utf8)
        try instructions.write { $0.append(contentsOf: meta) }
        try images.write("{")
        try train.write("{")
    }

    func add(_ row: ExportRow, media: MediaLookup) throws {
        let pending = try row.media.filter { !written.contains($0) }.map { try context.placer.contents($0, lookup: media) }
        for image in pending where written.insert(image.medium.id).inserted {
            try images.write { out in
                out.append(contentsOf: (written.count == 1 ? "\n" : ",\n").utf8)
                JSONText.appendQuoted(imageID(image.medium.id), to: &out)
                out.append(contentsOf: ": \"".utf8)
                Base64.append(image.bytes, to: &out)
                out.append(0x22)
            }
        }
        if groupSample != row.sampleID { try flushGroup() }
        groupSample = row.sampleID
        for start in stride(from: 0, to: row.turns.count, by: 2) where start + 1 < row.turns.count {
            instructionCount += 1
            let number = String(instructionCount)
            group.append(
                Instruction(
                    id: "\(prefix)_INS_" + String(repeating: "0", count: max(0, 6 - number.count)) + number,
                    recordID: row.id, instruction: ImagePrefix.split(row.turns[start].text).rest,
                    answer: row.turns[start + 1].text, imageIDs: row.media.map(imageID)))
        }
    }

    private func imageID(_ mediaID: String) -> String { "\(prefix)_IMG_\(mediaID)" }

    private func flushGroup() throws {
        guard !group.isEmpty else { return }
        let exampleCount = group.count >= 2 ? min(Self.maxExamples, group.count / 2) : 0
        let examples = group.suffix(exampleCount).map(\.id)
        for (position, instruction) in group.enumerated() {
            let related = group.enumerated().filter { $0.offset != position }.prefix(Self.maxRelated).map(\.element.id)
            try instructions.write { out in
                out.append(contentsOf: (instructionCount - group.count + position == 0 ? "\n" : ",\n").utf8)
                JSONText.appendQuoted(instruction.id, to: &out)
                out.append(contentsOf: #": {"instruction": "#.utf8)
                JSONText.appendQuoted(instruction.instruction, to: &out)
                out.append(contentsOf: #", "answer": "#.utf8)
                JSONText.appendQuoted(instruction.answer, to: &out)
                out.append(contentsOf: #", "image_ids": "#.utf8)
                ConversationJSON.appendStrings(instruction.imageIDs, to: &out)
                out.append(contentsOf: #", "rel_ins_ids": "#.utf8)
                ConversationJSON.appendStrings(Array(related), to: &out)
                out.append(contentsOf: #", "loom_id": "#.utf8)
                JSONText.appendQuoted(instruction.recordID, to: &out)
                out.append(0x7D)
            }
            guard position < group.count - exampleCount else { continue }
            try train.write { out in
                out.append(contentsOf: (trainCount == 0 ? "\n" : ",\n").utf8)
                JSONText.appendQuoted(instruction.id, to: &out)
                out.append(contentsOf: ": ".utf8)
                ConversationJSON.appendStrings(examples, to: &out)
            }
            trainCount += 1
        }
        group.removeAll(keepingCapacity: true)
    }

    func finish() throws -> [String] {
        try flushGroup()
        try instructions.write(instructionCount == 0 ? "}}\n" : "\n}}\n")
        try images.write(written.isEmpty ? "}\n" : "\n}\n")
        try train.write(trainCount == 0 ? "}\n" : "\n}\n")
        for file in [instructions, images, train] { try file.finish() }
        return [instructions, images, train].map { $0.url.lastPathComponent }
    }

    func abandon() {
        for file in [instructions, images, train] { file.abandon() }
    }
}
