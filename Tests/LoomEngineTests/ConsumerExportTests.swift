import Foundation
import LoomCore
import LoomEngine
@testable import LoomExport
import LoomLinking
import LoomStore
import Testing

/// Every export loaded by its real consumer: Hugging Face `datasets`, `webdataset` and checkers written to the
/// rules of LLaMA-Factory's sharegpt converter, the Mantis loader and the Otter MIMIC-IT loader
/// (`scripts/consumers/`). `make test` builds their virtual environment and sets `LOOM_CONSUMER_PYTHON`.
@Suite("Exports loaded by their consumers", .serialized)
struct ConsumerExportTests {
    private static let scripts = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/consumers")

    /// The run every test exports from: singles, pairs, sets and sequences, so every format sees one and
    /// several images per record.
    private static func run() async throws -> (RunStore, URL, URL) {
        let fixture = try RunFixture(singles: 8, pairs: 3, sets: 2, sequences: 2)
        _ = try await fixture.runner().run()
        return (try RunStore(directory: fixture.runDirectory), fixture.runDirectory, fixture.folder)
    }

    /// Runs a checker with the consumers' Python; records an issue with its output when it fails.
    @discardableResult
    private func check(_ script: String, _ arguments: [String]) throws -> Bool {
        guard let python = ProcessInfo.processInfo.environment["LOOM_CONSUMER_PYTHON"], !python.isEmpty else {
            Issue.record("LOOM_CONSUMER_PYTHON is not set: run the suite with `make test`, which builds the consumers' virtual environment (scripts/consumer-venv.sh)")
            return false
        }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("loom-check-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.scripts.appendingPathComponent(script).path] + arguments
        // Output goes to a file, not a pipe: a chatty checker can never block on a full pipe.
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(script) \(arguments.joined(separator: " ")) failed:\n\(text)")
        return process.terminationStatus == 0
    }

    private func export(_ format: ExportFormat, _ options: ExportOptions = ExportOptions(), from run: (RunStore, URL, URL)) throws -> (ExportSummary, URL) {
        let folder = run.2.appendingPathComponent("export-\(format.rawValue)")
        let summary = try ExportWriter(store: run.0, runDirectory: run.1).export(format, to: folder, options: options)
        #expect(summary.records > 0, "\(format) wrote no records")
        return (summary, folder)
    }

    @Test("datasets.load_dataset reads every JSON and JSONL export with the expected rows and features")
    func jsonExports() async throws {
        let run = try await Self.run()
        for format in [ExportFormat.llava, .mantis, .mantisHF, .llamafactory, .trl, .openai] {
            let (summary, folder) = try export(format, from: run)
            try check("check_json_export.py", [format.rawValue, folder.appendingPathComponent(summary.files[0]).path, String(summary.records)])
        }
    }

    @Test("the Mantis loader's rules hold on every record, single- and multi-image")
    func mantis() async throws {
        let run = try await Self.run()
        let (summary, folder) = try export(.mantis, ExportOptions(selection: RecordSelection(media: .any)), from: run)
        try check("check_mantis.py", [folder.appendingPathComponent(summary.files[0]).path])
    }

    @Test("LLaMA-Factory's sharegpt rules hold for every dataset_info.json entry, split into train and validation")
    func llamaFactory() async throws {
        let run = try await Self.run()
        let plan = try SplitPlan.parse("train=0.8,validation=0.2", seed: 1)
        let (_, folder) = try export(.llamafactory, ExportOptions(splits: plan), from: run)
        try check("check_llamafactory.py", [folder.path])
    }

    @Test("webdataset iterates the shards of every split and yields every sample whole")
    func webDataset() async throws {
        let run = try await Self.run()
        let plan = try SplitPlan.parse("train=0.7,validation=0.3", seed: 4)
        let (summary, folder) = try export(.webdataset, ExportOptions(splits: plan, shardRecords: 7), from: run)
        #expect(summary.files.contains("train-shards.json") && summary.files.contains("validation-shards.json"))
        #expect(summary.files.filter { $0.hasSuffix(".tar") }.count > 1)
        try check("check_webdataset.py", [folder.path, String(summary.records)])
    }

    @Test("the MIMIC-IT files satisfy the Otter loader: ids resolve, base64 decodes to images, no query is an example")
    func mimicit() async throws {
        let run = try await Self.run()
        let (summary, folder) = try export(.mimicit, from: run)
        #expect(summary.files.contains("LM.parquet") && !summary.files.contains("LM.json"))
        try check("check_mimicit.py", [folder.path, "LM"])
    }

    @Test("a MIMIC-IT export with its images table as the JSON object MIMIC-IT was released with satisfies the Otter loader")
    func mimicitJSONImagesTable() async throws {
        let run = try await Self.run()
        var options = ExportOptions()
        options.mimicitImages = .json
        let (summary, folder) = try export(.mimicit, options, from: run)
        #expect(summary.files.contains("LM.json") && !summary.files.contains("LM.parquet"))
        try check("check_mimicit.py", [folder.path, "LM"])
    }

    @Test("a Parquet string table of many row groups and pages, empty and multi-byte values among them, reads back row for row in pyarrow", arguments: [0, 1, 300])
    func parquetStringTable(rows: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-parquet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let values = (0..<rows).map { ["id-\($0)", String(repeating: "ab€😀", count: $0 % 40), $0 % 3 == 0 ? "" : "ß\($0)"] }
        let table = try ParquetStringTable(
            url: folder.appendingPathComponent("table.parquet"), columns: ["key", "value", "note"],
            metadata: [("loom", "test")], rowGroupBytes: 4_000, pageBytes: 500)
        for row in values {
            try table.appendRow { column, out in out.append(contentsOf: row[column].utf8) }
        }
        try table.finish()
        let expected: [String: Any] = ["columns": ["key", "value", "note"], "rows": values, "min_row_groups": rows == 300 ? 3 : rows]
        let expectedURL = folder.appendingPathComponent("expected.json")
        try JSONSerialization.data(withJSONObject: expected).write(to: expectedURL)
        try check("check_parquet_strings.py", [folder.appendingPathComponent("table.parquet").path, expectedURL.path])
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".table.parquet.partial").path))
    }

    @Test("a MIMIC-IT export linked by text similarity and split in two satisfies the Otter loader in each split")
    func mimicitLinkedAndSplit() async throws {
        let run = try await Self.run()
        let linked = try await InContextStage.link(
            store: run.0, runDirectory: run.1, settings: LinkSettings(strategy: .text, k: 3, exampleShare: 0.25, seed: 3), threads: 2)
        #expect(linked.linkedQueries > 0)
        let plan = try SplitPlan.parse("train=0.7,validation=0.3", seed: 3)
        let (_, folder) = try export(.mimicit, ExportOptions(splits: plan), from: run)
        for split in ["train", "validation"] { try check("check_mimicit.py", [folder.appendingPathComponent(split).path, "LM"]) }
    }

    @Test("records with inlined in-context examples pass the Mantis loader's and LLaMA-Factory's rules")
    func inlinedExamples() async throws {
        let run = try await Self.run()
        _ = try await InContextStage.link(store: run.0, runDirectory: run.1, settings: LinkSettings(strategy: .text, k: 3, exampleShare: 0.25, seed: 3), threads: 2)
        var options = ExportOptions()
        options.inContextExamples = 2
        let (mantis, mantisFolder) = try export(.mantis, options, from: run)
        #expect(mantis.inlinedQueries > 0)
        try check("check_mantis.py", [mantisFolder.appendingPathComponent(mantis.files[0]).path])
        let (factory, factoryFolder) = try export(.llamafactory, options, from: run)
        #expect(factory.inlinedQueries > 0)
        try check("check_llamafactory.py", [factoryFolder.path])
    }

    @Test("the Hugging Face folder loads with its card's configs, split by split")
    func huggingFaceFolder() async throws {
        let run = try await Self.run()
        let plan = try SplitPlan.parse("train=0.7,validation=0.15,test=0.15", seed: 2)
        let (summary, folder) = try export(.hf, ExportOptions(splits: plan, license: "cc-by-4.0"), from: run)
        let expected = "{" + summary.splits.map { "\"\($0.name)\": \($0.records)" }.joined(separator: ", ") + "}"
        try check("check_hf_folder.py", [folder.path, expected])
    }

    @Test("token counts from tokenizer.json files match Hugging Face tokenizers in four BPE families")
    func tokenizerCounts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-tokenizers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let texts = [
            "", "How many red cubes are there in the image?", "Image 1: \nImage 2: \nWhat changed between image 1 and image 2?",
            "A blue metal sphere sits behind a green rubber cube.\nPlease answer with a single word.",
            "Les objets rouges sont à gauche; die Kugel ist grün.", "画像の中に赤い立方体はいくつありますか？",
            "Numbers 12345678, 3.14159 and 2026-11-22; emoji 🙂🚀 and tabs\tand  double  spaces.",
            "It's the cube's colour they've named, isn't it? I'LL SEE.", "   leading and trailing   ", "\n\n\n",
            "Zebra-quokka xylophone!! unseen wörds ÅÄÖ ñandú",
        ]
        let textsFile = folder.appendingPathComponent("texts.json")
        try JSONSerialization.data(withJSONObject: texts).write(to: textsFile)
        guard try check("tokenizer_counts.py", [textsFile.path, folder.path]) else { return }
        let expected = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("counts.json"))) as? [String: [Int]])
        #expect(expected.count == 4)
        for (name, counts) in expected.sorted(by: { $0.key < $1.key }) {
            let counter = try BPETokenCounter(contentsOf: folder.appendingPathComponent("\(name).json"))
            for (text, count) in zip(texts, counts) {
                #expect(counter.count(text) == count, "\(name): \(text.debugDescription)")
            }
        }
    }

    @Test("LLaMA-Factory with videos: records about a video carry its file as <video>, and the checker accepts them")
    func llamaFactoryVideos() async throws {
        let fixture = try VideoFixture()
        _ = try await fixture.runner().run()
        let store = try RunStore(directory: fixture.runDirectory)
        var options = ExportOptions()
        options.videos = true
        let folder = fixture.folder.appendingPathComponent("export-videos")
        let summary = try ExportWriter(store: store, runDirectory: fixture.runDirectory).export(.llamafactory, to: folder, options: options)
        #expect(summary.records > 0 && summary.videos == 2 && summary.images == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("data.json"))) as? [[String: Any]])
        for row in rows {
            let messages = try #require(row["messages"] as? [[String: String]])
            let videos = try #require(row["videos"] as? [String])
            #expect(videos.count == 1 && (row["images"] as? [String])?.isEmpty == true)
            #expect(messages[0]["content"]?.hasPrefix("<video>\n") == true && messages[0]["content"]?.contains("<image>") == false)
            let file = folder.appendingPathComponent(videos[0])
            #expect(videos[0].hasPrefix("videos/") && FileManager.default.fileExists(atPath: file.path))
        }
        // The frames' labels with their times stay as text after <video>: a question may ask about a moment, and
        // LLaMA-Factory samples the video again at its own rate.
        let firstTurns = rows.compactMap { ($0["messages"] as? [[String: String]])?.first?["content"] }
        #expect(firstTurns.contains { $0.hasPrefix("<video>\nFrame 1 (") && $0.contains(" s):\n") })
        // The exported videos are the originals' bytes.
        func bytes(_ url: URL) throws -> Data { try Data(contentsOf: url) }
        let originals = [try bytes(fixture.folder.appendingPathComponent("clips/cook.mp4")), try bytes(fixture.folder.appendingPathComponent("clips/sub/v_abc.mkv"))]
        for path in Set(rows.compactMap { ($0["videos"] as? [String])?.first }) {
            #expect(originals.contains(try bytes(folder.appendingPathComponent(path))))
        }
        let info = try String(contentsOf: folder.appendingPathComponent("dataset_info.json"), encoding: .utf8)
        #expect(info.contains(#""videos": "videos""#))
        try check("check_llamafactory.py", [folder.path])

        // Other formats refuse the option.
        #expect(throws: LoomError.self) {
            try ExportWriter(store: store, runDirectory: fixture.runDirectory).export(.mantis, to: fixture.folder.appendingPathComponent("x"), options: options)
        }
    }
}
