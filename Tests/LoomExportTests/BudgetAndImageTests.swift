import Foundation
import LoomCore
import LoomMedia
import LoomStore
import Testing

@testable import LoomExport

@Suite("Token budgets")
struct TokenBudgetTests {
    private func rows(_ folder: URL, _ file: String = "data.json") throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(file))) as? [[String: Any]])
    }

    @Test("a conversation over the budget is split between exchanges; each part repeats the image once")
    func splitsBetweenTurns() throws {
        let fixture = try ExportFixture()
        // rec-5 costs 10 (image) + its text; each exchange fits in 45 tokens, both do not.
        let budget = TokenBudget(imageTokens: 10, contextLimit: 45)
        let (summary, folder) = try fixture.export(.llava, options: ExportOptions(budget: budget, timestamp: ExportFixture.timestamp))
        let parts = try rows(folder).filter { ($0["id"] as? String)?.hasPrefix("rec-5") == true }
        #expect(parts.map { $0["id"] as? String } == ["rec-5-part1", "rec-5-part2"])
        for part in parts {
            let turns = try #require(part["conversations"] as? [[String: String]])
            #expect(turns.count == 2)
            #expect(turns[0]["value"]!.hasPrefix("<image>\n"))
            #expect(turns.map { $0["value"]!.components(separatedBy: "<image>").count - 1 }.reduce(0, +) == 1)
        }
        #expect(summary.budget.split == 1 && summary.budget.parts == 2)
    }

    @Test("a record whose images are not all in its opening placeholders is dropped, never cut into parts with the wrong <image> count")
    func unsplittableRecordsAreDropped() {
        let budget = TokenBudget(imageTokens: 10, contextLimit: 60)
        let long = String(repeating: "word ", count: 15)
        func row(_ texts: [String], media: Int) -> ExportRow {
            ExportRow(
                id: "r", sampleID: "s", media: (0..<media).map { "m\($0)" },
                turns: texts.enumerated().map { Turn(role: $0.offset.isMultiple(of: 2) ? .user : .assistant, text: $0.element) },
                type: "short_vqa", domain: "d", skill: nil, language: "en")
        }
        // Loom's own opening ("Image 1: <image>\nImage 2: <image>\n") splits, each part with both placeholders.
        let opened = row(["Image 1: <image>\nImage 2: <image>\nSame colour? " + long, "Yes.", "And the shapes? " + long, "No."], media: 2)
        guard case .split(let parts, _) = budget.fit(opened) else {
            Issue.record("a record with its images in the opening was not split")
            return
        }
        #expect(parts.allSatisfy { $0.turns.reduce(0) { $0 + TextSearch.count(of: "<image>", in: $1.text) } == 2 })
        // An inlined example's image in turn 1 and the query's in turn 3: no part could hold the right count.
        let inlined = row(["<image>\nWhat is it? " + long, "A cube.", "<image>\nAnd this? " + long, "A ball."], media: 2)
        #expect(budget.fit(inlined) == .dropped)
        // An image shown in a later turn only.
        let later = row(["<image>\nDescribe it. " + long, "A cube.", "Compare with <image>. " + long, "Bigger."], media: 2)
        #expect(budget.fit(later) == .dropped)
    }

    @Test("with overflow drop, records over the budget are left out and counted")
    func drops() throws {
        let fixture = try ExportFixture()
        let budget = TokenBudget(imageTokens: 10, contextLimit: 45, overflow: .drop)
        let (summary, folder) = try fixture.export(.llava, options: ExportOptions(budget: budget, timestamp: ExportFixture.timestamp))
        #expect(try rows(folder).map { $0["id"] as? String } == ["rec-1", "rec-2", "rec-6"])
        #expect(summary.budget.dropped == 1)
    }

    @Test("presets carry the backbones' image costs and context limits")
    func presets() {
        #expect(TokenBudget(preset: .llava15).imageTokens == 576)
        #expect(TokenBudget(preset: .idefics2).imageTokens == 64)
        #expect(TokenBudget(preset: .mantis).imageTokens == 256)
        #expect(TokenBudget(preset: .mantis).contextLimit == 8192)
    }

    @Test("text estimates: about 4 Latin characters a token, one per CJK character and punctuation mark")
    func estimates() {
        #expect(TextTokenEstimate.tokens(in: "") == 0)
        #expect(TextTokenEstimate.tokens(in: "How many cubes?") == 1 + 1 + 2 + 1)
        #expect(TextTokenEstimate.tokens(in: "日本語") == 3)
    }

    @Test("a tokenizer file counts the text instead of the estimate; models it cannot read are refused by name")
    func tokenizerFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bpe = folder.appendingPathComponent("tokenizer.json")
        try Data(#"{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}, "pre_tokenizer": {"type": "Whitespace"}}"#.utf8).write(to: bpe)
        let counter = try BPETokenCounter(contentsOf: bpe)
        #expect(counter.count("ab ab a") == 3)
        let row = ExportRow(
            id: "r", sampleID: "s", media: ["m"], turns: [Turn(role: .user, text: "<image>\nab ab"), Turn(role: .assistant, text: "b")],
            type: "short_vqa", domain: "counting", skill: nil, language: "en")
        #expect(TokenBudget(imageTokens: 10, contextLimit: 100).tokens(of: row, counter: counter) == 10 + 2 + 4 + 1 + 4)
        let wordPiece = folder.appendingPathComponent("bert.json")
        try Data(#"{"model": {"type": "WordPiece", "vocab": {}}}"#.utf8).write(to: wordPiece)
        #expect {
            try BPETokenCounter(contentsOf: wordPiece)
        } throws: { error in
            "\(error)".contains("WordPiece") && "\(error)".contains("bert.json")
        }
    }

    @Test("image parts stand where the placeholders stood, labels kept")
    func interleaving() {
        #expect(InterleavedText.parts(of: "<image>\nWhat is it?") == [.image, .text("What is it?")])
        #expect(
            InterleavedText.parts(of: "Image 1: <image>\nImage 2: <image>\nCompare.")
                == [.text("Image 1:"), .image, .text("Image 2:"), .image, .text("Compare.")])
        #expect(InterleavedText.parts(of: "No image.") == [.text("No image.")])
    }
}

@Suite("Export images")
struct ExportImageTests {
    @Test("hard links share the run's file; symlinks point at it by absolute path")
    func links() throws {
        let fixture = try ExportFixture()
        let (_, hard) = try fixture.export(.llava, options: ExportOptions(images: ImageOptions(placement: .hardlink), timestamp: ExportFixture.timestamp))
        let source = try FileManager.default.attributesOfItem(atPath: fixture.runDirectory.appendingPathComponent("media/m1.png").path)
        let linked = try FileManager.default.attributesOfItem(atPath: hard.appendingPathComponent("images/m1.png").path)
        #expect(source[.systemFileNumber] as? Int == linked[.systemFileNumber] as? Int)
        let (_, soft) = try fixture.export(.llava, options: ExportOptions(images: ImageOptions(placement: .symlink), timestamp: ExportFixture.timestamp))
        let destination = try FileManager.default.destinationOfSymbolicLink(atPath: soft.appendingPathComponent("images/m1.png").path)
        #expect(destination.hasPrefix("/") && destination.hasSuffix("media/m1.png"))
        #expect(FileManager.default.contents(atPath: soft.appendingPathComponent("images/m1.png").path) != nil)
    }

    @Test("resized and re-encoded images get the new size, format and extension")
    func transforms() throws {
        let fixture = try ExportFixture()
        let images = ImageOptions(maxSide: 2, encoding: .jpeg)
        let (summary, folder) = try fixture.export(.llava, options: ExportOptions(images: images, timestamp: ExportFixture.timestamp))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("data.json"))) as? [[String: Any]])
        #expect(rows.allSatisfy { ($0["image"] as? String)?.hasSuffix(".jpg") == true })
        let bytes = try #require(FileManager.default.contents(atPath: folder.appendingPathComponent("images/m1.jpg").path))
        let info = try ImageDecoder.inspect([UInt8](bytes))
        #expect(info.width == 2 && info.height == 2)
        #expect(bytes.starts(with: [0xFF, 0xD8]))
        #expect(summary.images == 2)
    }

    @Test("a HEIC or AVIF image (an imported phone photo) is exported as JPEG: the trainers' Pillow cannot open it")
    func photosInFormatsTrainersCannotOpenBecomeJPEG() throws {
        let fixture = try ExportFixture()
        // The file's own bytes decide how it is read; its stored format says it came in as HEIC.
        let source = fixture.runDirectory.appendingPathComponent("media/m1.png")
        try FileManager.default.copyItem(at: source, to: fixture.runDirectory.appendingPathComponent("media/phone.heic"))
        var record = ExportFixture.record("rec-phone", sample: "smp-9", media: ["phone"], ["<image>\nWhat is shown?", "A photo."])
        record.language = "en"
        try fixture.store.commit([StoreWrite(
            media: [MediaItem(id: "phone", kind: .image, path: "media/phone.heic", format: "heif", width: 4, height: 3)], records: [record])])
        let (_, folder) = try fixture.export(.llava)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("data.json"))) as? [[String: Any]])
        #expect(rows.first { $0["id"] as? String == "rec-phone" }?["image"] as? String == "images/phone.jpg")
        let bytes = try #require(FileManager.default.contents(atPath: folder.appendingPathComponent("images/phone.jpg").path))
        #expect(bytes.starts(with: [0xFF, 0xD8]))
        // Formats that embed images embed the JPEG too.
        let (_, openai) = try fixture.export(.openai)
        let lines = try String(contentsOf: openai.appendingPathComponent("data.jsonl"), encoding: .utf8)
        #expect(lines.contains("data:image/jpeg;base64,") && !lines.contains("image/heif"))
        // PNG stays PNG.
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("images/m1.png").path))
    }

    @Test("a record whose image is missing is left out with the file named; the rest is exported")
    func missingImage() throws {
        let fixture = try ExportFixture(missingImage: true)
        for format in [ExportFormat.llava, .openai, .webdataset, .mimicit] {
            let (summary, _) = try fixture.export(format)
            #expect(summary.skippedForMedia == 2, "\(format)")
            #expect(summary.records == (format == .llava ? 2 : 3), "\(format)")
            #expect(summary.problems.first?.contains("media/m5.png") == true, "\(format)")
        }
    }

    @Test("an export refused for a wrong option leaves the previous export's images and data file as they were")
    func aRefusedExportKeepsTheLastOne() throws {
        let fixture = try ExportFixture()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-again-\(UUID().uuidString)")
        let writer = ExportWriter(store: fixture.store, runDirectory: fixture.runDirectory)
        _ = try writer.export(.llava, to: folder, options: ExportOptions(timestamp: ExportFixture.timestamp))
        let images = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("images").path).sorted()
        let data = try Data(contentsOf: folder.appendingPathComponent("data.json"))
        #expect(!images.isEmpty)
        // LLaVA carries no inlined in-context examples: refused before the folder is touched.
        var options = ExportOptions(timestamp: ExportFixture.timestamp)
        options.inContextExamples = 3
        #expect(throws: LoomError.self) { try writer.export(.llava, to: folder, options: options) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("images").path).sorted() == images)
        #expect(try Data(contentsOf: folder.appendingPathComponent("data.json")) == data)
    }

    @Test("an export into an existing folder replaces its files and leaves no partial file")
    func reexport() throws {
        let fixture = try ExportFixture()
        let folder = fixture.runDirectory.appendingPathComponent("again")
        let writer = ExportWriter(store: fixture.store, runDirectory: fixture.runDirectory)
        _ = try writer.export(.trl, to: folder)
        try Data("stale".utf8).write(to: folder.appendingPathComponent("images/stale.png"))
        let summary = try writer.export(.trl, to: folder)
        #expect(summary.images == 4)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == [".loom-export", "README.md", "data.jsonl", "images"])
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("images/stale.png").path))
    }
}
