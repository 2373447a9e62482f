import Foundation
import LoomCore
import LoomMedia
import LoomStore
import Synchronization
import Testing

@testable import LoomExport

/// A run big enough that an export passes several batches through its reading, file-placing and writing threads:
/// 3,000 records over 400 media, some records flagged, some media files missing.
private struct BatchedRun {
    let runDirectory: URL
    let store: RunStore
    let records: [Record]
    /// Media whose file is not in the run directory.
    let missing: Set<String>

    static let recordCount = 3_000
    static let mediaCount = 400

    init() throws {
        runDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("loom-batched-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: runDirectory.appendingPathComponent("media"), withIntermediateDirectories: true)
        store = try RunStore(directory: runDirectory)
        let png = Data(try ImageEncoder.encodePNG(RGBImage(width: 2, height: 2, pixels: Array(repeating: 90, count: 12))))
        var media: [MediaItem] = []
        var missing: Set<String> = []
        for index in 0..<Self.mediaCount {
            let id = "medium-\(index)"
            let path = "media/\(id).png"
            if index % 37 == 5 {
                missing.insert(id)
            } else {
                try png.write(to: runDirectory.appendingPathComponent(path))
            }
            media.append(MediaItem(id: id, kind: .image, path: path, format: "png", width: 2, height: 2))
        }
        self.missing = missing
        // Ids in an order unlike insertion order, so the export's id order is not the order written.
        records = (0..<Self.recordCount).map { index in
            let count = index % 3 + 1
            let ids = (0..<count).map { "medium-\((index * 7 + $0 * 131) % Self.mediaCount)" }
            let placeholders = ids.indices.map { "Image \($0 + 1): <image>" }.joined(separator: "\n")
            return ExportFixture.record(
                "rec-\(String((index * 7_919) % 10_007, radix: 16))-\(index)", sample: "smp-\(index / 4)", media: ids,
                ["\(placeholders)\nQuestion \(index)?", "Answer \(index)."], flagged: index % 50 == 3)
        }
        for start in stride(from: 0, to: records.count, by: 500) {
            try store.commit([StoreWrite(media: start == 0 ? media : [], records: Array(records[start..<min(start + 500, records.count)]))])
        }
    }
}

@Suite("Exports over many batches")
struct ExportPipelineTests {
    @Test("a canonical stored conversation is handed on as its bytes when asked for; other text is read into turns")
    func storedConversationsCopied() throws {
        let fixture = try ExportFixture()
        var copied: [String: [UInt8]] = [:]
        var read: [String: [Turn]] = [:]
        try fixture.store.forEachExportRow(RecordSelection(flags: .include), copiesShareGPT: true) { row, _ in
            if let stored = row.storedShareGPT {
                #expect(row.turns.isEmpty)
                copied[row.id] = stored
            } else {
                read[row.id] = row.turns
            }
        }
        // rec-6 holds text outside ASCII: it goes through the turns, and the golden files pin both paths' bytes.
        #expect(Set(copied.keys) == ["rec-1", "rec-2", "rec-3", "rec-4", "rec-5"])
        #expect(read.keys.sorted() == ["rec-6"])
        for record in ExportFixture.records {
            if let bytes = copied[record.id] { #expect(bytes == Array(record.shareGPTJSON.utf8)) }
            if let turns = read[record.id] { #expect(turns == record.turns) }
        }
        try fixture.store.forEachExportRow(RecordSelection(flags: .include)) { row, _ in #expect(row.storedShareGPT == nil) }
    }

    @Test("every unflagged record with all its images is written once, in id order, its images all placed")
    func batchedExport() throws {
        let run = try BatchedRun()
        let folder = run.runDirectory.appendingPathComponent("export-trl")
        let summary = try ExportWriter(store: run.store, runDirectory: run.runDirectory)
            .export(.trl, to: folder, options: ExportOptions(images: ImageOptions(placement: .hardlink)))

        let unflagged = run.records.filter { $0.flags.isEmpty }
        let complete = unflagged.filter { $0.media.allSatisfy { !run.missing.contains($0) } }
        #expect(summary.records == complete.count)
        #expect(summary.skippedForMedia == unflagged.count - complete.count)
        #expect(summary.skippedFlagged == run.records.count - unflagged.count)
        #expect(summary.problems.first?.contains("the image file is missing") == true)

        let lines = try String(contentsOf: folder.appendingPathComponent("data.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.count == complete.count)
        var referenced: Set<String> = []
        var answers: [String] = []
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let images = try #require(object["images"] as? [String])
            referenced.formUnion(images)
            let messages = try #require(object["messages"] as? [[String: Any]])
            let parts = try #require(messages.last?["content"] as? [[String: Any]])
            answers.append(parts.compactMap { $0["text"] as? String }.joined())
        }
        // TRL rows carry no id: each record's answer names it.
        #expect(answers == complete.sorted { $0.id < $1.id }.map { $0.turns[1].text })
        // Every referenced file is there and is the run's file (a hard link), and nothing else is in images/.
        let placed = Set(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("images").path))
        #expect(Set(referenced.map { String($0.dropFirst("images/".count)) }).isSubset(of: placed))
        #expect(placed.count == summary.images)
        let present = Set(complete.flatMap(\.media))
        #expect(referenced.count == present.count)
        for name in placed {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("images/\(name)").path)
            #expect((attributes[.referenceCount] as? Int ?? 0) >= 2, "\(name)")
        }
    }

    @Test("a prepared reader hands every batch through its preparing step once, in order")
    func preparedBatchesInOrder() throws {
        let run = try BatchedRun()
        let seen = Mutex<[String]>([])
        let reader = RowReader(
            store: run.store, selection: RecordSelection(flags: .include), order: .id,
            prepare: { rows in seen.withLock { $0 += rows.map(\.id) } })
        defer { reader.stop() }
        var read: [String] = []
        var batches = 0
        while let batch = try reader.next() {
            batches += 1
            read += batch.map(\.id)
            reader.recycle(batch)
        }
        #expect(batches == (BatchedRun.recordCount + RowReader.batchSize - 1) / RowReader.batchSize)
        #expect(read == run.records.map(\.id).sorted())
        #expect(seen.withLock { $0 } == read)
    }

    @Test("what the preparing step throws stops the reader and reaches the caller; stopping then returns")
    func preparingFailure() throws {
        struct DiskFull: Error {}
        let run = try BatchedRun()
        let calls = Mutex(0)
        let reader = RowReader(
            store: run.store, selection: RecordSelection(flags: .include), order: .id,
            prepare: { _ in
                let call = calls.withLock { count in
                    count += 1
                    return count
                }
                if call == 2 { throw DiskFull() }
            })
        var received = 0
        #expect(throws: DiskFull.self) {
            while try reader.next() != nil { received += 1 }
        }
        reader.stop()
        #expect(received == 1)
        #expect(calls.withLock { $0 } == 2)
    }
}

@Suite("Mantis files open with a record that has images")
struct MantisFirstRowTests {
    @Test("text-only records that come first in id order are written after the first record with images", arguments: [ExportFormat.mantis, .mantisHF])
    func firstRowHasImages(format: ExportFormat) throws {
        let fixture = try ExportFixture()
        // Ids that sort before every fixture record: with `--media any` they would open the file.
        let textOnly = ["a-text-1", "a-text-2"].map {
            ExportFixture.record($0, sample: "smp-text", media: [], ["What is 2 + 2?", "4"], domain: "numerical_calculation")
        }
        try fixture.store.commit([StoreWrite(records: textOnly)])
        var options = ExportOptions(timestamp: ExportFixture.timestamp)
        options.selection = RecordSelection(media: .any)
        let (summary, folder) = try fixture.export(format, options: options)
        let file = folder.appendingPathComponent(format == .mantis ? "data.json" : "data.jsonl")
        let data = try Data(contentsOf: file)
        let rows: [[String: Any]] = format == .mantis
            ? try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
            : try data.split(separator: 0x0A).map { try #require(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]) }
        #expect(rows.count == summary.records)
        #expect((rows.first?["images"] as? [Any])?.isEmpty == false)
        let ids = rows.compactMap { $0["id"] as? String }
        #expect(Set(ids).isSuperset(of: ["a-text-1", "a-text-2"]))
        // The held rows follow the first row with images, in their order.
        #expect(Array(ids[1...2]) == ["a-text-1", "a-text-2"])
    }
}

@Suite("MIMIC-IT siblings")
struct MIMICITSiblingTests {
    @Test("sibling examples are in the query's language, and come before the queries they serve")
    func siblingsShareTheLanguage() throws {
        let fixture = try ExportFixture()
        // Chinese translations of smp-1's two records: same sample, another language.
        var translations: [Record] = []
        for (id, texts) in [("rec-1", ["<image>\n有几个立方体？", "有3个立方体。"]), ("rec-2", ["<image>\n球是红色的吗？\n回答是或否。", "是"])] {
            var record = ExportFixture.record(id + "-zh", sample: "smp-1", media: ["m1"], texts)
            record.language = "zh"
            translations.append(record)
        }
        try fixture.store.commit([StoreWrite(records: translations)])
        let (_, folder) = try fixture.export(.mimicit)
        let instructions = try #require(
            (try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("LM_instructions.json"))) as? [String: Any])?["data"]
                as? [String: [String: Any]])
        let train = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("LM_train.json"))) as? [String: [String]])
        func language(_ id: String) -> String? { (instructions[id]?["loom_id"] as? String).map { $0.hasSuffix("-zh") ? "zh" : "en" } }
        #expect(train.count > 0)
        for (query, examples) in train {
            for example in examples {
                #expect(language(example) == language(query), "\(query) has example \(example) in another language")
                #expect(example < query, "\(example) comes after its query \(query)")
            }
        }
        // Siblings suit Otter: no warning.
        #expect(try fixture.export(.mimicit).0.warnings.isEmpty)
        // The two Chinese records of smp-1 are each other's sibling: one is the example of the other.
        let zhQueries = train.keys.filter { language($0) == "zh" }
        #expect(zhQueries.count == 1 && train[zhQueries[0]]?.count == 1)
    }

    @Test("a later exchange of a MIMIC-IT conversation is trained on the conversation so far, not on a sibling's first turn")
    func laterExchangesCarryTheirConversation() throws {
        let fixture = try ExportFixture()
        let conversation = ExportFixture.record(
            "rec-7", sample: "smp-4", media: ["m5"],
            ["<image>\nWhich object is small and green?", "The cylinder.", "What pattern is it?", "Striped.", "How many share its colour?", "Two."],
            type: .multiRound, domain: "multi_round")
        try fixture.store.commit([StoreWrite(records: [conversation])])
        let (_, folder) = try fixture.export(.mimicit)
        let instructions = try #require(
            (try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("LM_instructions.json"))) as? [String: Any])?["data"]
                as? [String: [String: Any]])
        let train = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("LM_train.json"))) as? [String: [String]])
        func id(_ question: String) throws -> String {
            try #require(instructions.first { ($0.value["instruction"] as? String)?.hasSuffix(question) == true }?.key)
        }
        let (first, second, third) = (try id("Which object is small and green?"), try id("What pattern is it?"), try id("How many share its colour?"))
        #expect(train[second] == [first])
        #expect(train[third] == [first, second])
    }

    @Test("a MIMIC-IT export leaves text-only records out unless asked, warns when asked, and exports them alone with --media none")
    func textOnlyRecordsInMIMICIT() throws {
        let fixture = try ExportFixture()
        try fixture.store.commit([StoreWrite(records: [ExportFixture.record("rec-text", sample: "smp-text", media: [], ["What is 2 + 2?", "4."])])])
        func loomIDs(_ folder: URL) throws -> Set<String> {
            let data = try #require(
                (try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("LM_instructions.json"))) as? [String: Any])?["data"]
                    as? [String: [String: Any]])
            return Set(data.values.compactMap { $0["loom_id"] as? String })
        }
        let (plain, folder) = try fixture.export(.mimicit)
        #expect(try !loomIDs(folder).contains("rec-text") && plain.warnings.isEmpty)
        var options = ExportOptions(timestamp: ExportFixture.timestamp)
        options.selection.media = .any
        let (mixed, _) = try fixture.export(.mimicit, options: options)
        #expect(mixed.warnings.contains { $0.contains("1 record without images") && $0.contains("--media none") })
        options.selection.media = RecordSelection.Media.none
        let (alone, textFolder) = try fixture.export(.mimicit, options: options)
        #expect(try loomIDs(textFolder) == ["rec-text"] && alone.warnings.isEmpty)
    }

    @Test("an export of accepted records before the review accepted any says so")
    func anExportOfAcceptedRecordsBeforeAnyReview() throws {
        let fixture = try ExportFixture()
        var options = ExportOptions(timestamp: ExportFixture.timestamp)
        options.selection.review = .accepted
        let (summary, _) = try fixture.export(.llava, options: options)
        #expect(summary.records == 0 && summary.warnings.contains { $0.contains("the review has accepted no record yet") })
    }

    @Test("a MIMIC-IT export of a run linked by text similarity warns that Otter shows examples with the query's image")
    func similarityLinksWarn() throws {
        let fixture = try ExportFixture()
        try fixture.store.replaceInContextLinks(
            [
                StoredInContextLink(recordID: "rec-1", role: "query", examples: ["rec-4"], scores: [0.5]),
                StoredInContextLink(recordID: "rec-4", role: "example", examples: [], scores: []),
            ],
            fingerprint: "text|k=1|share=0.2|same=false|seed=0|records=6")
        let (summary, _) = try fixture.export(.mimicit)
        #expect(summary.warnings.count == 1)
        #expect(summary.warnings.first?.contains("--strategy siblings") == true)
        // The other formats inline linked examples with their own images: nothing to warn of.
        #expect(try fixture.export(.mantis).0.warnings.isEmpty)
    }
}
