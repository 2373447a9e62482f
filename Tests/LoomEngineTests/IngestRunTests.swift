import Foundation
import LoomCore
import LoomEngine
import LoomStore
import LoomGenerate
import LoomMedia
import Synchronization
import Testing

@Suite("Ingest of a folder")
struct IngestRunTests {
    /// Good files, copies and every kind of bad file the ingest stage must survive.
    static func populate(_ fixture: IngestFixture) throws {
        let a = try IngestFixture.jpeg(seed: 1)
        try fixture.write(a, as: "a.jpg")
        try fixture.write(try IngestFixture.png(seed: 2), as: "b.png")
        try fixture.write(try IngestFixture.jpeg(seed: 3), as: "sub/c.jpg")
        try fixture.write(a, as: "copy-of-a.jpg")
        // The same picture as a.jpg, encoded again at a lower quality: other bytes, nearly the same image.
        try fixture.write(try IngestFixture.jpeg(seed: 1, quality: 55), as: "z-a-again.jpg")
        try fixture.write([], as: "empty.jpg")
        let whole = try IngestFixture.jpeg(seed: 4)
        try fixture.write(Array(whole.prefix(whole.count / 2)), as: "truncated.jpg")
        let png = try IngestFixture.png(seed: 5)
        try fixture.write(Array(png.prefix(png.count * 2 / 5)), as: "truncated.png")
        try fixture.write(IngestFixture.bombPNG(side: 100_000), as: "bomb.png")
        try fixture.write(Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 32), as: "anim.gif")
        try fixture.write([0x49, 0x49, 0x2A, 0x00] + [UInt8](repeating: 0, count: 32), as: "scan.tif")
        try fixture.write([0, 0, 0, 24] + Array("ftypheic".utf8) + [0, 0, 0, 0] + Array("mif1heic".utf8), as: "phone.heic")
        try fixture.write(try IngestFixture.png(seed: 6), as: "misnamed.jpg")
        // A file name that is not UTF-8 (Latin-1 "café.jpg"), created through the raw bytes.
        let name = Array(fixture.images.path.utf8) + Array("/caf".utf8) + [0xE9] + Array(".jpg".utf8) + [0]
        let bytes = try IngestFixture.jpeg(seed: 7)
        let descriptor = name.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
        #expect(descriptor >= 0)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        // A directory symlink pointing at its own parent: a loop.
        try FileManager.default.createSymbolicLink(
            atPath: fixture.images.appendingPathComponent("sub/loop").path, withDestinationPath: "..")
    }

    @Test("ingest counts its sources beside the work, so progress has a total: every file and rejection, reached at the end")
    func ingestTellsItsTotal() async throws {
        let fixture = try IngestFixture(extraSources: "  manifests:\n    - file: list.jsonl")
        try Self.populate(fixture)
        // A manifest with a usable line, a line that is not JSON and a line naming a file that is not there.
        try "{\"image\": \"photos/b.png\"}\nnot json\n{\"image\": \"photos/gone.jpg\"}\n"
            .write(to: fixture.folder.appendingPathComponent("list.jsonl"), atomically: true, encoding: .utf8)
        let events = Mutex<[RunEvent]>([])
        let runner = RecipeRunner(
            recipe: try fixture.recipe(), recipeURL: fixture.recipeURL, catalog: try TemplateCatalog.bundled(),
            observer: { event in events.withLock { $0.append(event) } }, threads: 2)
        _ = try await runner.run()
        let seen = events.withLock { $0 }
        let totals = seen.compactMap { event -> Int? in
            if case .totalCounted(.ingest, let total) = event { return total }
            return nil
        }
        let last = seen.last { if case .progressed(.ingest, _, _, _) = $0 { true } else { false } }
        guard case .progressed(.ingest, let done, let failed, _)? = last else {
            Issue.record("no ingest progress")
            return
        }
        // 14 files and a symbolic-link loop in the folder, and the manifest's three lines.
        #expect(totals == [done + failed])
        #expect(done + failed == 18)
        // The total arrives while the stage runs, before it finishes.
        let countIndex = try #require(seen.firstIndex { if case .totalCounted = $0 { true } else { false } })
        let finishIndex = try #require(seen.firstIndex { if case .stageFinished(.ingest, _, _) = $0 { true } else { false } })
        #expect(countIndex < finishIndex)
    }

    @Test("good images are ingested once, near-duplicates marked, every bad file recorded with its reason")
    func folderWithBadFiles() async throws {
        let fixture = try IngestFixture()
        try Self.populate(fixture)
        let summary = try await fixture.runner().run()
        let ingest = try #require(summary.ingest)
        #expect(ingest.images == 6, "\(ingest)")
        #expect(ingest.files == 7, "\(ingest)")
        #expect(ingest.nearDuplicates == 1, "\(ingest)")

        let store = try RunStore(directory: fixture.runDirectory)
        var byPath: [String: IngestedImage] = [:]
        try store.forEachImage { byPath[$0.sourcePath] = $0 }
        let original = try #require(byPath["photos/a.jpg"])
        let again = try #require(byPath["photos/z-a-again.jpg"])
        #expect(again.duplicateOf == original.id)
        #expect(original.duplicateOf == nil)
        #expect(byPath["photos/misnamed.jpg"]?.format == "png")
        #expect(byPath.keys.contains("photos/caf\\xE9.jpg"), "\(byPath.keys.sorted())")
        #expect(original.width == 640 && original.height == 480)
        // The normalized image and the thumbnail exist at their sizes.
        let medium = try #require(try store.media(id: original.id))
        #expect(max(medium.width, medium.height) == 256)
        #expect(FileManager.default.fileExists(atPath: fixture.runDirectory.appendingPathComponent(medium.path).path))
        #expect(FileManager.default.fileExists(atPath: fixture.runDirectory.appendingPathComponent(original.thumbnail).path))

        let status = try RunStatus.load(try RunDirectory(existing: fixture.runDirectory))
        let groups = Dictionary(uniqueKeysWithValues: status.inputProblems.map { ($0.category, $0) })
        func subjects(_ category: String) -> [String] { groups[category]?.examples.map(\.subject) ?? [] }
        #expect(subjects("empty file") == ["photos/empty.jpg"], "\(groups.keys.sorted())")
        #expect(subjects("corrupt or truncated image") == ["photos/phone.heic", "photos/truncated.jpg", "photos/truncated.png"])
        #expect(subjects("too many pixels") == ["photos/bomb.png"])
        #expect(subjects("unsupported format") == ["photos/anim.gif", "photos/scan.tif"])
        #expect(groups["unsupported format"]?.examples.first?.reason.contains("GIF") == true)
        #expect(groups["too many pixels"]?.examples.first?.reason.contains("100 megapixels") == true)
        #expect(subjects("exact copy (ingested once)") == ["photos/copy-of-a.jpg"])
        #expect(subjects("extension does not match content (ingested)") == ["photos/misnamed.jpg"])
        #expect(subjects("file name not UTF-8 (ingested)") == ["photos/caf\\xE9.jpg"])
        #expect(groups["symbolic link loop"]?.count == 1)
    }

    @Test("a group of near-duplicate images keeps its largest, whatever the names' order, and keeps it when more copies come")
    func nearDuplicatesKeepTheLargest() async throws {
        let fixture = try IngestFixture()
        let photo = try IngestFixture.jpeg(seed: 21)
        func copy(longestSide: Int) throws -> [UInt8] {
            try ImageEncoder.encodeJPEG(Resampler.downscale(try ImageDecoder.decode(photo).image, longestSide: longestSide), quality: 90)
        }
        // The thumbnail's name comes first.
        try fixture.write(try copy(longestSide: 160), as: "a-thumbnail.jpg")
        try fixture.write(photo, as: "b-photo.jpg")
        try fixture.write(try IngestFixture.jpeg(seed: 22), as: "c-other.jpg")
        let first = try await fixture.runner().run()
        #expect(first.ingest?.nearDuplicates == 1)
        func kept() throws -> (kept: [String], duplicates: [String: String]) {
            var byID: [String: IngestedImage] = [:]
            try RunStore(directory: fixture.runDirectory).forEachImage { byID[$0.id] = $0 }
            let kept = byID.values.filter { $0.duplicateOf == nil }.map(\.sourcePath).sorted()
            var duplicates: [String: String] = [:]
            for image in byID.values { if let of = image.duplicateOf { duplicates[image.sourcePath] = byID[of]?.sourcePath } }
            return (kept, duplicates)
        }
        #expect(try kept().kept == ["photos/b-photo.jpg", "photos/c-other.jpg"])
        #expect(try kept().duplicates == ["photos/a-thumbnail.jpg": "photos/b-photo.jpg"])
        // Resumed with a middle-sized copy added: it joins the group, which still keeps the photo.
        try fixture.write(try copy(longestSide: 320), as: "d-middle.jpg")
        let second = try await fixture.runner().run()
        #expect(second.ingest?.nearDuplicates == 2)
        #expect(try kept().duplicates == ["photos/a-thumbnail.jpg": "photos/b-photo.jpg", "photos/d-middle.jpg": "photos/b-photo.jpg"])
        // The same files in one uninterrupted run give the same store.
        let fresh = try IngestFixture()
        for name in ["a-thumbnail.jpg", "b-photo.jpg", "c-other.jpg", "d-middle.jpg"] {
            try fresh.write(Array(try Data(contentsOf: fixture.images.appendingPathComponent(name))), as: name)
        }
        let whole = try await fresh.runner().run()
        #expect(whole.contentHash == second.contentHash)
    }

    @Test("a copy or a near-duplicate of an ingested photo added later, wherever its name sorts, is marked against the stored image, which keeps its annotations")
    func copiesAddedLaterAreMarkedAgainstTheStoredImage() async throws {
        let fixture = try IngestFixture(extraSources: "  manifests:\n    - file: manifest.jsonl\n      image_root: annotated")
        let annotated = fixture.folder.appendingPathComponent("annotated")
        try FileManager.default.createDirectory(at: annotated, withIntermediateDirectories: true)
        let photo = try IngestFixture.jpeg(seed: 41)
        try Data(photo).write(to: annotated.appendingPathComponent("m0.jpg"))
        try """
            {"image": "m0.jpg", "captions": ["a kitchen"], "objects": [{"category": "dog", "box": [10, 10, 100, 100]}]}

            """.write(to: fixture.folder.appendingPathComponent("manifest.jsonl"), atomically: true, encoding: .utf8)
        let other = try IngestFixture.jpeg(seed: 42)
        try fixture.write(other, as: "o1.jpg")
        let first = try await fixture.runner().run()
        #expect(first.ingest?.images == 2 && first.ingest?.nearDuplicates == 0)

        // Added since, in a folder walked before the manifest: an exact copy of m0 and a smaller copy of o1.
        try fixture.write(photo, as: "added/m0-backup.jpg")
        let smaller = try ImageEncoder.encodeJPEG(Resampler.downscale(try ImageDecoder.decode(other).image, longestSide: 320), quality: 80)
        try fixture.write(smaller, as: "added/a-small.jpg")
        let second = try await fixture.runner().run()
        #expect(second.ingest?.images == 3 && second.ingest?.files == 4 && second.ingest?.nearDuplicates == 1)
        #expect(second.ingest?.problems == [RejectionKind.exactCopy.category: 1])
        var byPath: [String: IngestedImage] = [:]
        try RunStore(directory: fixture.runDirectory).forEachImage { byPath[$0.sourcePath] = $0 }
        let kept = try #require(byPath["annotated/m0.jpg"])
        #expect(kept.annotations.captions == ["a kitchen"] && kept.annotations.objects.map(\.category) == ["dog"])
        #expect(byPath["photos/added/a-small.jpg"]?.duplicateOf == byPath["photos/o1.jpg"]?.id)
        #expect(byPath["photos/o1.jpg"]?.duplicateOf == nil)
        let files = try RunStore(directory: fixture.runDirectory).ingestedFiles()
        #expect(files[ExactPath("photos/added/m0-backup.jpg")]?.imageID == kept.id)
    }

    @Test("boxes a COCO file gives for an exact copy are checked against the kept image's size, as a decoded image's are")
    func copiesBoxesAreChecked() async throws {
        let fixture = try IngestFixture(extraSources: "  coco:\n    - instances: coco.json\n      images: coco-images")
        let bytes = try IngestFixture.jpeg(seed: 31)
        let folder = fixture.folder.appendingPathComponent("coco-images")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["a.jpg", "b.jpg", "c.jpg"] { try Data(bytes).write(to: folder.appendingPathComponent(name)) }
        // a.jpg as it is (640×480); b.jpg, the same bytes, with a box drawn on a half-size copy; c.jpg, the same
        // bytes again, with a box at the right size.
        try """
            {"images": [{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480},
                        {"id": 2, "file_name": "b.jpg", "width": 320, "height": 240},
                        {"id": 3, "file_name": "c.jpg", "width": 640, "height": 480}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 100, 80], "iscrowd": 0},
                             {"id": 2, "image_id": 2, "category_id": 2, "bbox": [5, 5, 50, 40], "iscrowd": 0},
                             {"id": 3, "image_id": 3, "category_id": 3, "bbox": [300, 200, 120, 90], "iscrowd": 0}],
             "categories": [{"id": 1, "name": "dog"}, {"id": 2, "name": "cat"}, {"id": 3, "name": "bird"}]}
            """.write(to: fixture.folder.appendingPathComponent("coco.json"), atomically: true, encoding: .utf8)
        let summary = try await fixture.runner().run()
        #expect(summary.ingest?.images == 1 && summary.ingest?.files == 3)
        var kept: [IngestedImage] = []
        try RunStore(directory: fixture.runDirectory).forEachImage { kept.append($0) }
        #expect(kept.count == 1)
        #expect(kept.first?.annotations.objects.map(\.category).sorted() == ["bird", "dog"])
        let status = try RunStatus.load(try RunDirectory(existing: fixture.runDirectory))
        let notes = Dictionary(uniqueKeysWithValues: status.inputProblems.map { ($0.category, $0) })
        let mismatch = try #require(notes["annotated size differs from the image (boxes left out)"]?.examples.first)
        #expect(mismatch.subject == "coco-images/b.jpg")
        #expect(mismatch.reason.contains("the same bytes as image") && mismatch.reason.contains("annotated as 320×240 but the image is 640×480"))
        #expect(notes["exact copy (ingested once)"]?.examples.map(\.subject) == ["coco-images/c.jpg"])
    }

    @Test("two photos whose names differ only in Unicode normalization (NFC from Linux, NFD from a Mac) are both ingested, and both resumed")
    func namesThatAreCanonicallyEqual() async throws {
        let fixture = try IngestFixture()
        let composed = "caf\u{E9}.jpg", decomposed = "cafe\u{301}.jpg"
        #expect(composed == decomposed && Array(composed.utf8) != Array(decomposed.utf8))
        for (name, seed) in [(composed, UInt64(11)), (decomposed, UInt64(97))] {
            let path = fixture.images.path + "/" + name
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            #expect(descriptor >= 0)
            let bytes = try IngestFixture.jpeg(seed: seed)
            _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.images.path).count == 2)
        let summary = try await fixture.runner().run()
        #expect(summary.ingest?.images == 2 && summary.ingest?.files == 2, "\(String(describing: summary.ingest))")
        let again = try await fixture.runner().run()
        #expect(again.ingest?.images == 2 && again.contentHash == summary.contentHash)
    }

    @Test("a photo replaced under the same name is ingested again on resume, with a note; a touched one is not")
    func aReplacedPhotoIsIngestedAgain() async throws {
        let fixture = try IngestFixture()
        for index in 0..<3 { try fixture.write(try IngestFixture.jpeg(seed: UInt64(200 + index)), as: "p\(index).jpg") }
        let first = try await fixture.runner().run()
        #expect(first.ingest?.images == 3)
        let before = try RunStore(directory: fixture.runDirectory).ingestedFiles()

        // p1 is replaced by another photo; p2 is only touched (same bytes, a new modification time).
        let replaced = try fixture.write(try IngestFixture.jpeg(seed: 977), as: "p1.jpg")
        let touched = fixture.images.appendingPathComponent("p2.jpg")
        for url in [replaced, touched] {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 3600)], ofItemAtPath: url.path)
        }
        let again = try await fixture.runner().run()
        #expect(again.ingest?.images == 4 && again.ingest?.files == 3)  // the earlier p1 stays with its records
        let store = try RunStore(directory: fixture.runDirectory)
        let after = try store.ingestedFiles()
        #expect(after[ExactPath("photos/p1.jpg")]?.imageID != before[ExactPath("photos/p1.jpg")]?.imageID)
        #expect(after[ExactPath("photos/p2.jpg")]?.imageID == before[ExactPath("photos/p2.jpg")]?.imageID)
        let notes = try store.rejections(stage: "ingest").flatMap(\.items)
        #expect(notes.map(\.subject) == ["photos/p1.jpg"] && notes.first?.category == RejectionKind.changedSinceIngest.category)

        // Nothing changed since: the next run ingests nothing again.
        let third = try await fixture.runner().run()
        #expect(third.contentHash == again.contentHash)
    }

    @Test("a photo ingested before and now corrupt is rejected with a reason that says its earlier image stays")
    func aPhotoNowCorruptKeepsItsEarlierImage() async throws {
        let fixture = try IngestFixture()
        for index in 0..<2 { try fixture.write(try IngestFixture.jpeg(seed: UInt64(400 + index)), as: "p\(index).jpg") }
        let first = try await fixture.runner().run()
        let before = try RunStore(directory: fixture.runDirectory).ingestedFiles()
        // p1 cut short (a sync that failed): another size, so it is read again, and it no longer decodes.
        let bytes = try IngestFixture.jpeg(seed: 401)
        try fixture.write(Array(bytes.prefix(bytes.count / 3)), as: "p1.jpg")
        let again = try await fixture.runner().run()
        #expect(again.ingest?.images == first.ingest?.images)
        let store = try RunStore(directory: fixture.runDirectory)
        let rejected = try store.rejections(stage: "ingest").flatMap(\.items)
        #expect(rejected.map(\.subject) == ["photos/p1.jpg"])
        let earlierID = try #require(before[ExactPath("photos/p1.jpg")]?.imageID)
        #expect(rejected.first?.reason.contains("an earlier run ingested this file (image \(earlierID.prefix(12))…), and its image and records stay") == true)
    }

    @Test("a file gone since an earlier run is noted while it is gone, its image kept; back again, the note goes")
    func aGoneFileIsNoted() async throws {
        let fixture = try IngestFixture()
        for index in 0..<3 { try fixture.write(try IngestFixture.jpeg(seed: UInt64(300 + index)), as: "p\(index).jpg") }
        let first = try await fixture.runner().run()
        #expect(first.ingest?.files == 3)
        let moved = fixture.folder.appendingPathComponent("p1.jpg")
        try FileManager.default.moveItem(at: fixture.images.appendingPathComponent("p1.jpg"), to: moved)
        let second = try await fixture.runner().run()
        #expect(second.ingest?.files == 2 && second.ingest?.images == 3)
        let notes = try RunStore(directory: fixture.runDirectory).rejections(stage: "ingest").flatMap(\.items)
        #expect(notes.map(\.subject) == ["photos/p1.jpg"] && notes.first?.category == RejectionKind.goneSinceIngest.category)
        try FileManager.default.moveItem(at: moved, to: fixture.images.appendingPathComponent("p1.jpg"))
        let third = try await fixture.runner().run()
        #expect(third.ingest?.files == 3)
        #expect(try RunStore(directory: fixture.runDirectory).rejections(stage: "ingest").isEmpty)
        #expect(third.contentHash == first.contentHash)
    }

    @Test("files added to an ingested folder, a crash while they are ingested, then a resume: the store an uninterrupted run makes")
    func addedFilesCrashAndResume() async throws {
        func build(_ fixture: IngestFixture, crashing: Bool) async throws -> RunSummary {
            let first = try IngestFixture.jpeg(seed: 51), second = try IngestFixture.jpeg(seed: 52)
            try fixture.write(first, as: "m-first.jpg")
            try fixture.write(second, as: "m-second.jpg")
            try fixture.write(try IngestFixture.jpeg(seed: 53), as: "m-third.jpg")
            _ = try await fixture.runner().run()
            func smaller(_ bytes: [UInt8], _ side: Int) throws -> [UInt8] {
                try ImageEncoder.encodeJPEG(Resampler.downscale(try ImageDecoder.decode(bytes).image, longestSide: side), quality: 85)
            }
            // Added: near-duplicates and copies that sort before and after the files they repeat, and new photos.
            try fixture.write(try smaller(second, 300), as: "a-second-small.jpg")
            try fixture.write(first, as: "b-first-copy.jpg")
            try fixture.write(try IngestFixture.jpeg(seed: 54), as: "c-new.jpg")
            try fixture.write(try smaller(first, 200), as: "z-first-small.jpg")
            try fixture.write(try IngestFixture.jpeg(seed: 55), as: "n-new.jpg")
            if crashing {
                await #expect(throws: InjectedCrash.self) { try await fixture.runner(faults: FaultPlan(crashBeforeBatch: 2)).run() }
            }
            return try await fixture.runner().run()
        }
        let whole = try await build(try IngestFixture(), crashing: false)
        let resumed = try await build(try IngestFixture(), crashing: true)
        #expect(whole.ingest?.nearDuplicates == 2 && whole.ingest?.images == 7)
        #expect(resumed.contentHash == whole.contentHash)
        #expect(resumed.ingest == whole.ingest)
    }

    @Test("a crash in the middle of ingest resumes to the identical store without losing or repeating a file")
    func crashAndResume() async throws {
        let reference = try IngestFixture()
        try Self.populate(reference)
        let expected = try await reference.runner().run()

        let crashed = try IngestFixture()
        try Self.populate(crashed)
        await #expect(throws: InjectedCrash.self) { try await crashed.runner(faults: FaultPlan(crashBeforeBatch: 2)).run() }
        let resumed = try await crashed.runner().run()
        #expect(resumed.contentHash == expected.contentHash)
        #expect(resumed.ingest == expected.ingest)
    }
}
