import Foundation
import LoomCore
import LoomStore

/// MIMIC-IT's three files for one subset with prefix `P`:
/// - `P_instructions.json`: `{"meta": {version, time, author}, "data": {"P_INS_000001": {instruction, answer,
///   image_ids, rel_ins_ids}}}`; each user–assistant exchange of a record is one instruction, its placeholders
///   removed (Otter adds its own image tokens);
/// - `P.parquet` (or `P.json`): the images table, image id → standard base64 of the image file
///   (`MIMICITImagesWriter`);
/// - `P_train.json`: each query's in-context examples.
///
/// In-context examples come from the run's stored links when it has some (`stages.in_context` or `loom link`):
/// each exchange of a query record lists the first instruction of each of its example records that this file
/// holds, and example records are never queries. Since an example may stream past after its query, instruction
/// entries and train entries wait in a spill file and are written at the end, when it is known which records
/// made it into the file; so every id resolves even when filters, splits or unreadable images leave records out.
///
/// Without stored links, examples are siblings: instructions about the same sample in the same language (a
/// query's translation would give its answer away). Of a group's n first exchanges (records), when n ≥ 2, the
/// first min(3, n/2) are examples and the other instructions queries, so every id resolves. Records arrive grouped
/// by sample (the export reads them in sample order).
///
/// A later exchange of a multi-round record refers back to the earlier ones ("What colour is it?"), and Otter shows
/// a query only its listed examples: its examples are its own conversation so far, in order (after the linked ones
/// with stored links), so it is trained on the conversation it belongs to and not on a question about nothing.
final class MIMICITSink: FormatSink {
    private struct Instruction {
        var id: String
        var recordID: String
        var instruction: String
        var answer: String
        var imageIDs: [String]
        /// The ids of the record's earlier exchanges, in order (empty for its first).
        var history: [String]
    }

    static let maxExamples = 3
    static let maxRelated = 8

    private let context: SinkContext
    private let prefix: String
    private let instructions: ExportFile
    private let images: MIMICITImagesWriter
    private let train: ExportFile
    /// The current sample's instructions, by language: a query's examples are in its own language, so an English
    /// query never gets its own translation (its answer) as an example.
    private var groups: [String: [Instruction]] = [:]
    private var groupSample: String?
    /// Instruction entries written so far (for the separators).
    private var instructionsWritten = 0
    private var written: Set<String> = []
    private var instructionCount = 0
    private var trainCount = 0
    /// With stored links: instructions waiting for the end, and each written record's first instruction number.
    private let spill: SpillFile?
    private var firstInstruction: [String: Int] = [:]
    /// Records written without images and with them: Otter's image groups cannot take the first kind.
    private(set) var recordsWithoutImages = 0
    private(set) var recordsWithImages = 0

    init(_ context: SinkContext) throws {
        self.context = context
        prefix = context.options.mimicitPrefix
        instructions = try ExportFile(url: context.folder.appendingPathComponent("\(prefix)_instructions.json"))
        images = try MIMICITImagesWriter(folder: context.folder, prefix: prefix, table: context.options.mimicitImages)
        train = try ExportFile(url: context.folder.appendingPathComponent("\(prefix)_train.json"))
        var meta: [UInt8] = Array(#"{"meta": {"version": "#.utf8)
        JSONText.appendQuoted(ExportOptions.producer, to: &meta)
        meta.append(contentsOf: #", "time": "#.utf8)
        JSONText.appendQuoted(context.options.timestamp, to: &meta)
        meta.append(contentsOf: #", "author": "loom"}, "data": {"#.utf8)
        try instructions.write { $0.append(contentsOf: meta) }
        try train.write("{")
        spill = context.inContext ? try SpillFile(url: context.folder.appendingPathComponent(".\(prefix)_instructions.spill")) : nil
    }

    func add(_ row: ExportRow, media: MediaLookup) throws {
        if row.media.isEmpty { recordsWithoutImages += 1 } else { recordsWithImages += 1 }
        let pending = try row.media.filter { !written.contains($0) }.map { try context.placer.contents($0, lookup: media) }
        for image in pending where written.insert(image.medium.id).inserted {
            try images.add(id: imageID(image.medium.id), bytes: image.bytes)
        }
        if let spill {
            try spillInstructions(of: row, into: spill)
            return
        }
        if groupSample != row.sampleID { try flushGroups() }
        groupSample = row.sampleID
        var history: [String] = []
        for start in stride(from: 0, to: row.turns.count, by: 2) where start + 1 < row.turns.count {
            instructionCount += 1
            let id = instructionID(instructionCount)
            groups[row.language, default: []].append(
                Instruction(
                    id: id, recordID: row.id, instruction: ImagePrefix.questionKeepingFrameTimes(row.turns[start].text),
                    answer: row.turns[start + 1].text, imageIDs: row.media.map(imageID), history: history))
            history.append(id)
        }
    }

    private func imageID(_ mediaID: String) -> String { "\(prefix)_IMG_\(mediaID)" }

    private func instructionID(_ number: Int) -> String {
        let digits = String(number)
        return "\(prefix)_INS_" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// One spill line per exchange: number, record id, 1 for a query, its example record ids, and the entry's
    /// JSON up to its image ids (JSON strings hold no raw tabs or line breaks).
    private func spillInstructions(of row: ExportRow, into spill: SpillFile) throws {
        let link = row.inContext
        let isQuery = link?.isQuery ?? true
        let imageIDs = row.media.map(imageID)
        for start in stride(from: 0, to: row.turns.count, by: 2) where start + 1 < row.turns.count {
            instructionCount += 1
            if start == 0 { firstInstruction[row.id] = instructionCount }
            try spill.appendLine { out in
                out.append(contentsOf: "\(instructionCount)\t\(row.id)\t\(isQuery ? 1 : 0)\t".utf8)
                out.append(contentsOf: (link?.examples ?? []).joined(separator: ",").utf8)
                out.append(0x09)
                out.append(contentsOf: #"{"instruction": "#.utf8)
                JSONText.appendQuoted(ImagePrefix.questionKeepingFrameTimes(row.turns[start].text), to: &out)
                out.append(contentsOf: #", "answer": "#.utf8)
                JSONText.appendQuoted(row.turns[start + 1].text, to: &out)
                out.append(contentsOf: #", "image_ids": "#.utf8)
                ConversationJSON.appendStrings(imageIDs, to: &out)
            }
        }
    }

    /// Writes the spilled instructions with their examples resolved against the records this file holds.
    private func writeSpilled(_ spill: SpillFile) throws {
        var written = 0
        try spill.forEachLine { line in
            let fields = line.split(separator: 0x09, maxSplits: 4, omittingEmptySubsequences: false)
            guard fields.count == 5, let number = Int(String(decoding: fields[0], as: UTF8.self)) else {
                throw LoomError(.export, "a scratch line is damaged", subject: spill.url.path)
            }
            let recordID = String(decoding: fields[1], as: UTF8.self)
            let isQuery = fields[2].first == 0x31
            var examples = fields[3].split(separator: 0x2C).compactMap { firstInstruction[String(decoding: $0, as: UTF8.self)] }
                .map(instructionID)
            // The record's earlier exchanges (numbered just before this one), after the linked examples.
            if let first = firstInstruction[recordID], first < number { examples += (first..<number).map(instructionID) }
            let id = instructionID(number)
            try instructions.write { out in
                out.append(contentsOf: (written == 0 ? "\n" : ",\n").utf8)
                JSONText.appendQuoted(id, to: &out)
                out.append(contentsOf: ": ".utf8)
                out.append(contentsOf: fields[4])
                out.append(contentsOf: #", "rel_ins_ids": "#.utf8)
                ConversationJSON.appendStrings(examples, to: &out)
                out.append(contentsOf: #", "loom_id": "#.utf8)
                JSONText.appendQuoted(recordID, to: &out)
                out.append(0x7D)
            }
            written += 1
            guard isQuery else { return }
            try train.write { out in
                out.append(contentsOf: (trainCount == 0 ? "\n" : ",\n").utf8)
                JSONText.appendQuoted(id, to: &out)
                out.append(contentsOf: ": ".utf8)
                ConversationJSON.appendStrings(examples, to: &out)
            }
            trainCount += 1
        }
    }

    /// Writes the current sample's instructions, one language at a time.
    private func flushGroups() throws {
        for language in groups.keys.sorted() { try flush(groups[language]!) }
        groups.removeAll(keepingCapacity: true)
    }

    /// Writes one sample's instructions in one language. The first records' first exchanges (in record order) are
    /// the examples, shown before the queries that follow them, as MIMIC-IT's in-context examples precede the
    /// instruction they serve; a later exchange of a record has its own conversation so far as its examples.
    private func flush(_ group: [Instruction]) throws {
        guard !group.isEmpty else { return }
        let openings = group.filter(\.history.isEmpty)
        let exampleCount = openings.count >= 2 ? min(Self.maxExamples, openings.count / 2) : 0
        let examples = openings.prefix(exampleCount).map(\.id)
        let isExample = Set(examples)
        for (position, instruction) in group.enumerated() {
            let related = group.enumerated().filter { $0.offset != position }.prefix(Self.maxRelated).map(\.element.id)
            try instructions.write { out in
                out.append(contentsOf: (instructionsWritten == 0 ? "\n" : ",\n").utf8)
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
            instructionsWritten += 1
            guard !isExample.contains(instruction.id) else { continue }
            try train.write { out in
                out.append(contentsOf: (trainCount == 0 ? "\n" : ",\n").utf8)
                JSONText.appendQuoted(instruction.id, to: &out)
                out.append(contentsOf: ": ".utf8)
                ConversationJSON.appendStrings(instruction.history.isEmpty ? examples : instruction.history, to: &out)
            }
            trainCount += 1
        }
    }

    func finish() throws -> [String] {
        if let spill {
            try writeSpilled(spill)
            spill.remove()
        }
        try flushGroups()
        try instructions.write(instructionCount == 0 ? "}}\n" : "\n}}\n")
        try train.write(trainCount == 0 ? "}\n" : "\n}\n")
        for file in [instructions, train] { try file.finish() }
        let imagesFile = try images.finish()
        return [instructions.url.lastPathComponent, imagesFile, train.url.lastPathComponent]
    }

    func abandon() {
        spill?.remove()
        for file in [instructions, train] { file.abandon() }
        images.abandon()
    }
}
