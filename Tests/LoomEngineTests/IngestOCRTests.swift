import Foundation
import LoomCore
import LoomMedia
import LoomOCR
import LoomRecipe
import LoomStore
import Testing

@testable import LoomEngine

@Suite("OCR during ingest")
struct IngestOCRTests {
    static let texts = ["LOOM DATASET", "OPEN 24 HOURS", "EXIT 42"]

    /// The stored images by source path.
    static func images(_ fixture: IngestFixture) throws -> [String: IngestedImage] {
        var byPath: [String: IngestedImage] = [:]
        try RunStore(directory: fixture.runDirectory).forEachImage { byPath[$0.sourcePath] = $0 }
        return byPath
    }

    @Test("with ocr on, the text of every image is read into its annotations, boxes in the original's pixels")
    func readsText() async throws {
        let fixture = try IngestFixture(
            extraSources: """
                  manifests:
                    - file: data.jsonl
                """,
            ingest: ["ocr: true"])
        // Larger than OCR's 1600-px image, so the boxes must be scaled back to the original's pixels.
        let (sign, signs) = try IngestFixture.textPicture(Self.texts, width: 2400, height: 1500)
        try fixture.write(try ImageEncoder.encode(sign, format: .png), as: "sign.png")
        try fixture.write(try IngestFixture.jpeg(seed: 1), as: "scene.jpg")
        // A manifest image whose text is given: that text is kept, not read again.
        let given = try IngestFixture.textPicture(["SOMETHING ELSE"], width: 800, height: 400).image
        let extra = fixture.folder.appendingPathComponent("extra")
        try FileManager.default.createDirectory(at: extra, withIntermediateDirectories: true)
        try Data(try ImageEncoder.encode(given, format: .png)).write(to: extra.appendingPathComponent("given.png"))
        try #"{"image": "extra/given.png", "ocr": [{"text": "GIVEN", "box": [10, 20, 30, 40]}]}"#
            .write(to: fixture.folder.appendingPathComponent("data.jsonl"), atomically: true, encoding: .utf8)

        let summary = try await fixture.runner().run()
        #expect(summary.ingest?.images == 3)
        #expect(summary.ingest?.problems == [:])
        let images = try Self.images(fixture)

        let read = try #require(images["photos/sign.png"])
        #expect(read.width == 2400 && read.height == 1500)
        for label in signs {
            let text = TextLineMatcher.text(in: label.box, from: read.annotations.text, margin: 8)
            #expect(CharacterErrorRate.of(text, reference: label.text) < 0.2, "read \"\(text)\" for \"\(label.text)\"")
        }
        for image in [read, try #require(images["photos/scene.jpg"])] {
            for line in image.annotations.text {
                #expect(line.box.x >= 0 && line.box.y >= 0 && line.box.width > 0 && line.box.height > 0)
                #expect(line.box.maxX <= Double(image.width) && line.box.maxY <= Double(image.height))
                #expect(line.confidence >= 50 && line.confidence <= 100)
                #expect(line.text.contains { !$0.isWhitespace })
            }
        }
        #expect(
            images["extra/given.png"]?.annotations.text
                == [TextLine(text: "GIVEN", box: Box(x: 10, y: 20, width: 30, height: 40), confidence: 100)])
    }

    @Test("with ocr off, no text is stored")
    func offStoresNoText() async throws {
        let fixture = try IngestFixture()
        try fixture.write(
            try ImageEncoder.encode(try IngestFixture.textPicture(Self.texts, width: 1200, height: 750).image, format: .png),
            as: "sign.png")
        _ = try await fixture.runner().run()
        let image = try #require(try Self.images(fixture)["photos/sign.png"])
        #expect(image.annotations.text.isEmpty)
    }

    @Test("the reader scales boxes to the original's pixels and drops lines below the confidence threshold")
    func readerScalesAndFilters() throws {
        let picture = try IngestFixture.textPicture(Self.texts, width: 1200, height: 750).image
        let image = try ImageDecoder.decode(try ImageEncoder.encode(picture, format: .png)).image
        func reader(_ threshold: Double) -> IngestTextReader {
            IngestTextReader(settings: IngestSettings(ocr: true, ocrMinConfidence: threshold))
        }
        let all = try reader(0).lines(in: image, originalWidth: 1200, originalHeight: 750)
        #expect(all.count >= Self.texts.count)
        // The same image standing for an original twice its size: every box doubles.
        let doubled = try reader(0).lines(in: image, originalWidth: 2400, originalHeight: 1500)
        #expect(doubled.map(\.text) == all.map(\.text))
        #expect(
            doubled.map(\.box)
                == all.map { Box(x: 2 * $0.box.x, y: 2 * $0.box.y, width: 2 * $0.box.width, height: 2 * $0.box.height) })
        let best = try #require(all.map(\.confidence).max())
        let sure = try reader(best).lines(in: image, originalWidth: 1200, originalHeight: 750)
        #expect(!sure.isEmpty && sure == all.filter { $0.confidence >= best })
        #expect(try reader(best + 0.001).lines(in: image, originalWidth: 1200, originalHeight: 750).isEmpty)
    }

    @Test("a language model that is not installed stops the run before it starts, naming the package")
    func missingModel() async throws {
        let fixture = try IngestFixture(ingest: ["ocr: true", "ocr_language: zzz"])
        try fixture.write(try IngestFixture.jpeg(seed: 1), as: "a.jpg")
        let error = await #expect(throws: LoomError.self) { try await fixture.runner().run() }
        #expect(error?.kind == .recipe)
        #expect(error?.message.contains("apt install tesseract-ocr-zzz") == true, "\(error?.message ?? "")")
        #expect(!FileManager.default.fileExists(atPath: fixture.runDirectory.path))
    }

    @Test("OCR results are the same on every run, and a resumed run does not read ingested files again")
    func deterministicAndResumable() async throws {
        func populate(_ fixture: IngestFixture) throws {
            for (index, text) in Self.texts.enumerated() {
                let picture = try IngestFixture.textPicture([text, "NO \(index + 1)"], width: 900, height: 600).image
                try fixture.write(try ImageEncoder.encode(picture, format: .png), as: "sign-\(index).png")
            }
        }
        let reference = try IngestFixture(ingest: ["ocr: true"], batchSize: 1)
        try populate(reference)
        let expected = try await reference.runner().run()
        #expect(try Self.images(reference).values.allSatisfy { !$0.annotations.text.isEmpty })

        let crashed = try IngestFixture(ingest: ["ocr: true"], batchSize: 1)
        try populate(crashed)
        await #expect(throws: InjectedCrash.self) { try await crashed.runner(faults: FaultPlan(crashBeforeBatch: 2)).run() }
        // Spoil the files the first invocation committed, keeping their size and modification time (what a resumed
        // run compares): reading them again would change the dataset.
        let done = try RunStore(directory: crashed.runDirectory).ingestedFiles().keys
        #expect(!done.isEmpty && done.count < Self.texts.count)
        for path in done {
            let file = crashed.folder.appendingPathComponent(path.description).path
            var info = stat()
            #expect(stat(file, &info) == 0)
            try Data(repeating: 0xFF, count: Int(info.st_size)).write(to: URL(fileURLWithPath: file))
            let times = [info.st_atim, info.st_mtim]
            #expect(utimensat(AT_FDCWD, file, times, 0) == 0)
        }
        let resumed = try await crashed.runner().run()
        #expect(resumed.contentHash == expected.contentHash)
        #expect(resumed.ingest == expected.ingest)
    }
}
