import Crypto
import Foundation
import LoomCore
import LoomEngine
import LoomExport
import LoomMedia
import LoomStore
import Testing

/// `loom import` reads back what Loom exports, and rejects hostile rows with reasons.
@Suite("Import")
struct ImportRoundTripTests {
    /// Each exported record as (conversation text, SHA-256 of each image file): what must survive a round trip.
    private func contents(_ file: URL, format: ExportFormat) throws -> [String: [String]] {
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [[String: Any]])
        var out: [String: [String]] = [:]
        for (index, row) in rows.enumerated() {
            let paths: [String] = format == .llava ? [row["image"] as? String].compactMap { $0 } : (row["images"] as? [String] ?? [])
            let hashes = try paths.map { path -> String in
                let bytes = try Data(contentsOf: file.deletingLastPathComponent().appendingPathComponent(path))
                return SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            }
            let turns = (row["conversations"] ?? row["messages"]) as? [[String: String]] ?? []
            let text = turns.map { ($0["value"] ?? $0["content"]) ?? "" }.joined(separator: "\u{1F}")
            out[(row["id"] as? String) ?? "\(index):\(text)"] = [text] + hashes
        }
        return out
    }

    /// A new scratch folder holding `a.png` (light grey) and `b.png` (dark grey), 8×8.
    static func folderWithTwoGreyImages() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, value) in [("a.png", UInt8(200)), ("b.png", UInt8(40))] {
            let image = RGBImage(width: 8, height: 8, pixels: [UInt8](repeating: value, count: 8 * 8 * 3))
            try Data(try ImageEncoder.encodePNG(image)).write(to: folder.appendingPathComponent(name))
        }
        return folder
    }

    @Test("LLaVA, Mantis and LLaMA-Factory exports import back to the same conversations, images and ids", arguments: [ExportFormat.llava, .mantis, .llamafactory])
    func roundTrip(format: ExportFormat) async throws {
        let fixture = try RunFixture(singles: 5, pairs: 2, sets: 1, sequences: 1)
        _ = try await fixture.runner().run()
        let store = try RunStore(directory: fixture.runDirectory)
        let first = fixture.folder.appendingPathComponent("first")
        let exported = try ExportWriter(store: store, runDirectory: fixture.runDirectory).export(format, to: first)
        #expect(exported.records > 0)

        let imported = fixture.folder.appendingPathComponent("imported")
        let summary = try DatasetImporter(file: first.appendingPathComponent("data.json"), output: imported).run()
        #expect(summary.records == exported.records && summary.rejected == 0)

        let again = fixture.folder.appendingPathComponent("again")
        let reimported = try RunStore(directory: imported)
        _ = try ExportWriter(store: reimported, runDirectory: imported).export(
            format, to: again, options: ExportOptions(selection: RecordSelection(flags: .include)))
        let before = try contents(first.appendingPathComponent("data.json"), format: format)
        let after = try contents(again.appendingPathComponent("data.json"), format: format)
        #expect(before == after)
    }

    @Test("a Mantis export in its Hugging Face form (JSON Lines, `conversation` with role and content) imports back whole")
    func mantisHFImports() async throws {
        let fixture = try RunFixture(singles: 3, pairs: 2, sets: 1, sequences: 1)
        _ = try await fixture.runner().run()
        let store = try RunStore(directory: fixture.runDirectory)
        let first = fixture.folder.appendingPathComponent("first")
        let exported = try ExportWriter(store: store, runDirectory: fixture.runDirectory).export(.mantisHF, to: first)
        #expect(exported.records > 0)
        let imported = fixture.folder.appendingPathComponent("imported")
        let summary = try DatasetImporter(file: first.appendingPathComponent("data.jsonl"), output: imported).run()
        #expect(summary.records == exported.records && summary.rejected == 0)
        // The same conversations come back, by id.
        let again = fixture.folder.appendingPathComponent("again")
        _ = try ExportWriter(store: try RunStore(directory: imported), runDirectory: imported).export(
            .mantis, to: again, options: ExportOptions(selection: RecordSelection(flags: .include)))
        let reference = fixture.folder.appendingPathComponent("reference")
        _ = try ExportWriter(store: store, runDirectory: fixture.runDirectory).export(.mantis, to: reference)
        #expect(
            try contents(again.appendingPathComponent("data.json"), format: .mantis)
                == contents(reference.appendingPathComponent("data.json"), format: .mantis))
    }

    @Test("hostile rows are rejected with their row and reason; good rows still import")
    func hostileRows() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // A real PNG, a corrupt one and text pretending to be a JPEG.
        let png: [UInt8] = [
            0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01,
            0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49, 0x44, 0x41,
            0x54, 0x08, 0xD7, 0x63, 0xF8, 0xCF, 0xC0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xDD, 0x8D, 0xB0, 0x00, 0x00, 0x00,
            0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
        ]
        try Data(png).write(to: folder.appendingPathComponent("good.png"))
        try Data("not an image".utf8).write(to: folder.appendingPathComponent("fake.jpg"))
        // A JPEG cut at a third: its header reads, its pixels do not.
        let photo = RGBImage(width: 64, height: 64, pixels: (0..<(64 * 64 * 3)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let jpeg = try ImageEncoder.encodeJPEG(photo, quality: 90)
        try Data(jpeg.prefix(jpeg.count / 3)).write(to: folder.appendingPathComponent("cut.jpg"))
        // A relative symbolic link to the good image, from a subfolder.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("sub/link.png").path, withDestinationPath: "../good.png")
        let lines = [
            #"{"id": "a", "image": "good.png", "conversations": [{"from": "human", "value": "<image>\nWhat is it?"}, {"from": "gpt", "value": "A dot."}]}"#,
            #"{"id": "b", "image": "good.png", "conversations": [{"from": "gpt", "value": "<image>\nHi"}, {"from": "human", "value": "x"}]}"#,
            #"{"id": "c", "image": "good.png", "conversations": [{"from": "human", "value": "<image> <image> Two?"}, {"from": "gpt", "value": "No."}]}"#,
            #"{"id": "d", "image": "missing.png", "conversations": [{"from": "human", "value": "<image>\nQ"}, {"from": "gpt", "value": "A"}]}"#,
            #"{"id": "e", "image": "fake.jpg", "conversations": [{"from": "human", "value": "<image>\nQ"}, {"from": "gpt", "value": "A"}]}"#,
            #"{"id": "f", "image": "good.png", "conversations": [{"from": "human", "value": "<image>\nQ"}]}"#,
            #"{"id": "g", "conversations": "#,
            #"{"id": "h", "images": ["good.png", "good.png"], "conversations": [{"from": "human", "value": "Same?"}, {"from": "gpt", "value": "Yes."}]}"#,
            #"{"messages": [{"role": "user", "content": "<video>\nWhat happens?"}, {"role": "assistant", "content": "A ball rolls."}], "images": [], "videos": ["videos/a.mp4"]}"#,
            #"{"id": "i", "image": "cut.jpg", "conversations": [{"from": "human", "value": "<image>\nQ"}, {"from": "gpt", "value": "A"}]}"#,
            #"{"id": "j", "image": "sub/link.png", "conversations": [{"from": "human", "value": "<image>\nAnd this?"}, {"from": "gpt", "value": "A dot."}]}"#,
        ]
        let file = folder.appendingPathComponent("rows.jsonl")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("run")
        let summary = try DatasetImporter(file: file, output: output).run()
        #expect(summary.rows == 10 && summary.records == 3 && summary.rejected == 8)
        let reasons = summary.firstProblems.joined(separator: "\n")
        #expect(reasons.contains("rows.jsonl:10 image cut.jpg"))
        #expect(reasons.contains("rows.jsonl:2: turn 1 is from 'gpt' where 'human' belongs"))
        #expect(reasons.contains("rows.jsonl:3: 2 <image> placeholders for 1 images"))
        #expect(reasons.contains("rows.jsonl:4 image missing.png") && reasons.contains("missing"))
        #expect(reasons.contains("rows.jsonl:5 image fake.jpg"))
        #expect(reasons.contains("rows.jsonl:6: the conversation ends without an answer"))
        #expect(reasons.contains("rows.jsonl:7") && reasons.contains("not JSON"))
        #expect(reasons.contains("rows.jsonl:9: the row shows a video; `loom import` reads image rows only"))
        // The Mantis row without placeholders gets them added, one per image, as the Mantis loader does.
        let store = try RunStore(directory: output)
        var texts: [String] = []
        try store.forEachRecord { record, _ in texts.append(record.turns[0].text) }
        #expect(texts.contains("<image>\n<image>\nSame?"))
        #expect(try store.rejections(stage: "import").flatMap(\.items).count == 8)
        // The image behind the symbolic link is stored as the file itself, which opens from `media/`.
        var media: [String] = []
        try store.forEachRecord { record, _ in media += record.media }
        for id in Set(media) {
            let path = try #require(try store.media(id: id)).path
            #expect(FileManager.default.contents(atPath: output.appendingPathComponent(path).path) == Data(png))
        }
    }
    @Test("rows that share an image are all quality-checked: an empty answer and an <image> in an answer are flagged")
    func rowsSharingAnImageAreChecked() async throws {
        let folder = try Self.folderWithTwoGreyImages()
        let rows = [
            #"{"id": "1", "image": "a.png", "conversations": [{"from": "human", "value": "<image>\nWhat colour?"}, {"from": "gpt", "value": ""}]}"#,
            #"{"id": "2", "image": "b.png", "conversations": [{"from": "human", "value": "What colour?"}, {"from": "gpt", "value": "<image>\nDark grey."}]}"#,
            #"{"id": "3", "image": "a.png", "conversations": [{"from": "human", "value": "<image>\nWhat colour is the square?"}, {"from": "gpt", "value": "It is a light grey square."}]}"#,
        ]
        let file = folder.appendingPathComponent("rows.jsonl")
        try rows.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("run")
        _ = try DatasetImporter(file: file, output: output).run()
        _ = try await DatasetImporter.checkQuality(of: output)
        var flags: [String: [String]] = [:]
        try RunStore(directory: output).forEachRecord(unflaggedOnly: false) { record, _ in
            flags[record.turns.last?.text ?? ""] = record.flags.map(\.code)
        }
        #expect(flags[""]?.contains("format.empty_answer") == true)
        #expect(flags["<image>\nDark grey."]?.contains("format.placeholder_in_answer") == true)
        #expect(flags["It is a light grey square."] == [])
    }
    @Test("a file that is missing or no dataset leaves no run behind; one that breaks midway says what was imported")
    func failedImportsSayWhatTheyLeft() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let output = folder.appendingPathComponent("run")
        #expect(throws: LoomError.self) { _ = try DatasetImporter(file: folder.appendingPathComponent("nope.json"), output: output).run() }
        #expect(!FileManager.default.fileExists(atPath: output.path))
        let broken = folder.appendingPathComponent("broken.json")
        try #"[{"id": "a", "conversations": [{"from": "human", "value": "Hi?"}, {"from": "gpt", "value": "Hello."}]}, {"id": "#.write(
            to: broken, atomically: true, encoding: .utf8)
        #expect { _ = try DatasetImporter(file: broken, output: output).run() } throws: { error in
            "\(error)".contains("the 1 rows before it were imported, unchecked")
        }
    }
    @Test("a row's system prompt is left out and counted; a row with audio is refused like one with video")
    func systemPromptsAndAudio() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let rows = [
            #"{"messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Hi?"}, {"role": "assistant", "content": "Hello."}], "images": []}"#,
            #"{"messages": [{"role": "user", "content": "Hi again?"}, {"role": "assistant", "content": "Hello again."}], "system": "Be kind.", "images": []}"#,
            #"{"messages": [{"role": "user", "content": "<audio>What is said?"}, {"role": "assistant", "content": "Hello."}], "audios": ["a.wav"], "images": []}"#,
        ]
        let file = folder.appendingPathComponent("rows.jsonl")
        try rows.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let summary = try DatasetImporter(file: file, output: folder.appendingPathComponent("run")).run()
        #expect(summary.records == 2 && summary.rejected == 1 && summary.systemPromptsLeftOut == 2)
        #expect(summary.firstProblems.first?.contains("audio clip") == true)
    }
    @Test("a .json file with a byte-order mark imports; one with more after its array, or a .jsonl with no usable line, is an error")
    func fileShapes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let row = #"{"id": "a", "conversations": [{"from": "human", "value": "Hi?"}, {"from": "gpt", "value": "Hello."}]}"#
        let bom = folder.appendingPathComponent("bom.json")
        try Data([0xEF, 0xBB, 0xBF] + Array("[\(row)]".utf8)).write(to: bom)
        #expect(try DatasetImporter(file: bom, output: folder.appendingPathComponent("run1")).run().records == 1)
        let joined = folder.appendingPathComponent("joined.json")
        try "[\(row)]\n[\(row)]\n".write(to: joined, atomically: true, encoding: .utf8)
        #expect { _ = try DatasetImporter(file: joined, output: folder.appendingPathComponent("run2")).run() } throws: {
            "\($0)".contains("more after the end of the JSON value")
        }
        let pretty = folder.appendingPathComponent("pretty.jsonl")
        try "{\n  \"id\": \"a\",\n  \"conversations\": []\n}\n".write(to: pretty, atomically: true, encoding: .utf8)
        #expect { _ = try DatasetImporter(file: pretty, output: folder.appendingPathComponent("run3")).run() } throws: {
            "\($0)".contains("no row could be imported") && "\($0)".contains("one JSON object per line")
        }
    }
    @Test("two files of the same name from two folders keep all their rows in one run; importing one again replaces its own")
    func sameNamedFilesDoNotReplaceEachOther() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-import-\(UUID().uuidString)")
        let output = folder.appendingPathComponent("run")
        for split in ["splitA", "splitB"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(split), withIntermediateDirectories: true)
            let rows = (0..<2).map { #"{"conversations": [{"from": "human", "value": "Q\#($0) \#(split)?"}, {"from": "gpt", "value": "A."}]}"# }
            try rows.joined(separator: "\n").write(to: folder.appendingPathComponent("\(split)/train.jsonl"), atomically: true, encoding: .utf8)
        }
        _ = try DatasetImporter(file: folder.appendingPathComponent("splitA/train.jsonl"), output: output).run()
        _ = try DatasetImporter(file: folder.appendingPathComponent("splitB/train.jsonl"), output: output).run()
        #expect(try RunStore(directory: output).recordCounts().total == 4)
        _ = try DatasetImporter(file: folder.appendingPathComponent("splitA/train.jsonl"), output: output).run()
        #expect(try RunStore(directory: output).recordCounts().total == 4)
        // splitB's file shrinks to one row: its other record goes, splitA's two stay.
        try #"{"conversations": [{"from": "human", "value": "Q0 splitB?"}, {"from": "gpt", "value": "A."}]}"#.write(
            to: folder.appendingPathComponent("splitB/train.jsonl"), atomically: true, encoding: .utf8)
        #expect(try DatasetImporter(file: folder.appendingPathComponent("splitB/train.jsonl"), output: output).run().staleRecordsRemoved == 1)
        #expect(try RunStore(directory: output).recordCounts().total == 3)
        _ = try DatasetImporter(file: folder.appendingPathComponent("splitA/train.jsonl"), output: output).run()
        #expect(try RunStore(directory: output).recordCounts().total == 3)
    }
    @Test("importing a corrected file again leaves the run holding what the file holds: removed rows' records and mended rows' rejections go")
    func reimportOfCorrectedFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func row(_ question: String) -> String {
            #"{"conversations": [{"from": "human", "value": "\#(question)"}, {"from": "gpt", "value": "Yes."}]}"#
        }
        let file = folder.appendingPathComponent("rows.jsonl")
        let output = folder.appendingPathComponent("run")
        try [row("Is it red?"), #"{"conversations": "none"}"#, row("Is it round?"), row("Is it big?")].joined(separator: "\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let first = try DatasetImporter(file: file, output: output).run()
        #expect(first.records == 3 && first.rejected == 1)
        _ = try await DatasetImporter.checkQuality(of: output)
        // The user mends row 2 and deletes the last two rows.
        let corrected = [row("Is it red?"), row("Is it blue?")]
        try corrected.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let second = try DatasetImporter(file: file, output: output).run()
        #expect(second.records == 2 && second.rejected == 0 && second.staleRecordsRemoved == 2)
        _ = try await DatasetImporter.checkQuality(of: output)
        let store = try RunStore(directory: output)
        #expect(try store.recordCounts().total == 2)
        #expect(try store.rejections(stage: "import").isEmpty)
        // The same as importing the corrected file into a new run.
        let fresh = folder.appendingPathComponent("fresh")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("copy"), withIntermediateDirectories: true)
        let copy = folder.appendingPathComponent("copy/rows.jsonl")
        try corrected.joined(separator: "\n").write(to: copy, atomically: true, encoding: .utf8)
        _ = try DatasetImporter(file: copy, output: fresh).run()
        _ = try await DatasetImporter.checkQuality(of: fresh)
        #expect(try store.contentHash() == RunStore(directory: fresh).contentHash())
    }
    @Test("a corrected file of as many rows, imported again, is quality-checked again: a row that lost its answer is flagged")
    func reimportWithTheSameRowCountIsCheckedAgain() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("rows.jsonl")
        let output = folder.appendingPathComponent("run")
        func rows(_ answers: [String]) -> String {
            answers.enumerated().map { #"{"conversations": [{"from": "human", "value": "Question \#($0.offset)?"}, {"from": "gpt", "value": "\#($0.element)"}]}"# }
                .joined(separator: "\n")
        }
        try rows(["A red ball.", "A blue cup."]).write(to: file, atomically: true, encoding: .utf8)
        _ = try DatasetImporter(file: file, output: output).run()
        #expect(try await DatasetImporter.checkQuality(of: output).flagged == 0)
        try rows(["A red ball.", ""]).write(to: file, atomically: true, encoding: .utf8)
        let second = try DatasetImporter(file: file, output: output).run()
        #expect(second.records == 2)
        let quality = try await DatasetImporter.checkQuality(of: output)
        #expect(quality.flagged == 1, "\(quality)")
    }
    @Test("an imported image rewritten in place afterwards (the run's copy is a hard link to it) is not exported with the old questions")
    func imageRewrittenInPlaceIsNotExported() throws {
        let folder = try Self.folderWithTwoGreyImages()
        let rows = [
            #"{"image": "a.png", "conversations": [{"from": "human", "value": "<image>\nWhat shade?"}, {"from": "gpt", "value": "Light grey."}]}"#,
            #"{"image": "b.png", "conversations": [{"from": "human", "value": "<image>\nWhat shade?"}, {"from": "gpt", "value": "Dark grey."}]}"#,
        ]
        let file = folder.appendingPathComponent("rows.jsonl")
        try rows.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("run")
        _ = try DatasetImporter(file: file, output: output).run()
        let store = try RunStore(directory: output)
        func inode(_ url: URL) throws -> Int { try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? Int) }
        let kept = try #require(try store.linkedMediaStamps().values.map { output.appendingPathComponent("media/\($0.mediaID).png") }.first {
            try inode($0) == inode(folder.appendingPathComponent("a.png"))
        })
        // Pillow's `save` over its input, or an editor's: the same file (inode), new bytes.
        let black = RGBImage(width: 8, height: 8, pixels: [UInt8](repeating: 0, count: 8 * 8 * 3))
        let handle = try FileHandle(forWritingTo: folder.appendingPathComponent("a.png"))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(try ImageEncoder.encodePNG(black)))
        try handle.close()
        #expect(try Data(contentsOf: kept) == Data(try ImageEncoder.encodePNG(black)))
        // b.png touched only: the same bytes, a new time. It still goes out.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: folder.appendingPathComponent("b.png").path)
        let summary = try ExportWriter(store: store, runDirectory: output).export(
            .llava, to: folder.appendingPathComponent("export"), options: ExportOptions(selection: RecordSelection(flags: .include)))
        #expect(summary.records == 1 && summary.skippedForMedia == 1)
        #expect(summary.problems.contains { $0.contains("changed since it was imported") })
        let exported = try String(contentsOf: folder.appendingPathComponent("export/data.json"), encoding: .utf8)
        #expect(exported.contains("Dark grey.") && !exported.contains("Light grey."))
        // Imported again, the row shows the new image; the old one, shown by no record, is no reason to warn.
        _ = try DatasetImporter(file: file, output: output).run()
        let again = try ExportWriter(store: store, runDirectory: output).export(
            .llava, to: folder.appendingPathComponent("export2"), options: ExportOptions(selection: RecordSelection(flags: .include)))
        #expect(again.records == 2 && !again.problems.contains { $0.contains("changed since") })
    }
    @Test("LLaVA-style rows with a list of images, and ShareGPT turns from user and assistant, import")
    func llavaStyleVariants() throws {
        let folder = try Self.folderWithTwoGreyImages()
        let rows = [
            #"{"image": ["a.png", "b.png"], "conversations": [{"from": "human", "value": "<image>\n<image>\nWhich is lighter?"}, {"from": "gpt", "value": "The first."}]}"#,
            #"{"image": "a.png", "conversations": [{"from": "user", "value": "<image>\nWhat shade?"}, {"from": "assistant", "value": "Light grey."}]}"#,
        ]
        let file = folder.appendingPathComponent("rows.jsonl")
        try rows.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let summary = try DatasetImporter(file: file, output: folder.appendingPathComponent("run")).run()
        #expect(summary.records == 2 && summary.rejected == 0 && summary.images == 2)
    }
    @Test("status lists problems in the order of their numbers: row 2 before row 12")
    func problemsInNumberOrder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let good = #"{"conversations": [{"from": "human", "value": "Hi?"}, {"from": "gpt", "value": "Hello."}]}"#
        let rows = [good] + Array(repeating: #"{"conversations": "none"}"#, count: 12)
        let file = folder.appendingPathComponent("rows.jsonl")
        try rows.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("run")
        _ = try DatasetImporter(file: file, output: output).run()
        let group = try #require(try RunStatus.load(try RunDirectory(existing: output), examples: nil).inputProblems.first)
        #expect(group.examples.map(\.subject) == (2...13).map { "rows.jsonl:\($0)" })
    }
}







