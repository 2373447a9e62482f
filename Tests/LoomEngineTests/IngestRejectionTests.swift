import Foundation
import LoomCore
import LoomEngine
import LoomStore
import Testing

@Suite("Ingest rejections by kind")
struct IngestRejectionTests {
    /// The run's rejections and notes by category, each group in subject order.
    static func groups(_ fixture: IngestFixture) throws -> [String: [Rejection]] {
        let store = try RunStore(directory: fixture.runDirectory)
        return Dictionary(uniqueKeysWithValues: try store.rejections().map { ($0.category, $0.items) })
    }

    /// The source paths of the images the run stored.
    static func ingestedPaths(_ fixture: IngestFixture) throws -> [String] {
        var paths: [String] = []
        try RunStore(directory: fixture.runDirectory).forEachImage { paths.append($0.sourcePath) }
        return paths.sorted()
    }

    @Test("a resumed run lists each bad file once, under this run's reason, and forgets rejected files that are gone")
    func aResumedRunKeepsOnlyCurrentRejections() async throws {
        let fixture = try IngestFixture()
        try fixture.write(try IngestFixture.jpeg(seed: 1), as: "good.jpg")
        let whole = try IngestFixture.jpeg(seed: 2)
        try fixture.write(Array(whole.prefix(whole.count / 3)), as: "bad.jpg")
        try fixture.write(Array(whole.prefix(whole.count / 2)), as: "gone.jpg")
        _ = try await fixture.runner().run()
        let first = try RunStore(directory: fixture.runDirectory).rejections(stage: "ingest").flatMap(\.items).map(\.subject)
        #expect(first.sorted() == ["photos/bad.jpg", "photos/gone.jpg"])
        // bad.jpg is now another bad file (a text file), gone.jpg is deleted.
        try fixture.write(Array("not an image at all".utf8), as: "bad.jpg")
        try FileManager.default.removeItem(at: fixture.images.appendingPathComponent("gone.jpg"))
        _ = try await fixture.runner().run()
        let store = try RunStore(directory: fixture.runDirectory)
        let second = try store.rejections(stage: "ingest").flatMap(\.items)
        #expect(second.map(\.subject) == ["photos/bad.jpg"])
        #expect(try store.failures(stage: "ingest").map(\.item) == ["photos/bad.jpg"])
    }

    @Test("a file ingested, then replaced by a bad one, then deleted keeps its gone note: its image and records stay")
    func aGoneFileKeepsItsNoteThroughAnEarlierRejection() async throws {
        let fixture = try IngestFixture()
        try fixture.write(try IngestFixture.jpeg(seed: 1), as: "kept.jpg")
        try fixture.write(try IngestFixture.jpeg(seed: 3), as: "photo.jpg")
        _ = try await fixture.runner().run()
        try fixture.write(Array("not an image at all".utf8), as: "photo.jpg")
        _ = try await fixture.runner().run()
        try FileManager.default.removeItem(at: fixture.images.appendingPathComponent("photo.jpg"))
        _ = try await fixture.runner().run()
        let store = try RunStore(directory: fixture.runDirectory)
        let notes = try store.rejections(stage: "ingest").flatMap(\.items)
        #expect(notes.map(\.subject) == ["photos/photo.jpg"])
        #expect(notes.first?.category == RejectionKind.goneSinceIngest.category)
        #expect(try store.failures(stage: "ingest").isEmpty)
    }

    @Test("each kind of bad input lands in its own category, whatever words its path or reason holds")
    func eachKindInItsCategory() async throws {
        let fixture = try IngestFixture(
            extraSources: """
                  manifests:
                    - file: data.jsonl
                  coco:
                    - instances: coco/instances.json
                      images: coco/images
                    - instances: coco/not-coco.json
                      images: coco/images
                """,
            ingest: ["max_file_mb: 1"])
        try IngestRunTests.populate(fixture)
        try fixture.write([UInt8](repeating: 0xFF, count: (1 << 20) + 1), as: "huge.jpg")
        #expect(mkfifo(fixture.images.appendingPathComponent("fifo.jpg").path, 0o644) == 0)
        try FileManager.default.createSymbolicLink(
            atPath: fixture.images.appendingPathComponent("gone.jpg").path, withDestinationPath: "nowhere.jpg")

        // Paths and reasons full of words ("json", "box", "missing") that once decided the category.
        try """
            not json
            {"image": "json/box/missing.jpg"}
            {"image": "photos/a.jpg", "objects": [{"category": "cat", "box": [1, 2]}]}
            """.write(to: fixture.folder.appendingPathComponent("data.jsonl"), atomically: true, encoding: .utf8)
        let coco = fixture.folder.appendingPathComponent("coco")
        try FileManager.default.createDirectory(at: coco.appendingPathComponent("images"), withIntermediateDirectories: true)
        try Data(try IngestFixture.jpeg(seed: 8)).write(to: coco.appendingPathComponent("images/p.jpg"))
        try #"""
            {"images": [{"id": 1, "file_name": "p.jpg", "width": 640, "height": 480},
                        {"id": 2, "file_name": "gone.jpg", "width": 640, "height": 480}],
             "categories": [{"id": 1, "name": "cat"}],
             "annotations": [{"id": 10, "image_id": 1, "category_id": 1, "bbox": [700, 10, 20, 20]},
                             {"id": 11, "image_id": 1, "category_id": 9, "bbox": [1, 1, 5, 5]},
                             {"id": 12, "image_id": 7, "category_id": 1, "bbox": [1, 1, 5, 5]},
                             {"id": 13, "image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5]}]}
            """#.write(to: coco.appendingPathComponent("instances.json"), atomically: true, encoding: .utf8)
        try "[1, 2]".write(to: coco.appendingPathComponent("not-coco.json"), atomically: true, encoding: .utf8)

        let summary = try await fixture.runner().run()
        let expected: [RejectionKind: [String]] = [
            .emptyFile: ["photos/empty.jpg"],
            .corruptImage: ["photos/phone.heic", "photos/truncated.jpg", "photos/truncated.png"],
            .tooManyPixels: ["photos/bomb.png"],
            .unsupportedFormat: ["photos/anim.gif", "photos/scan.tif"],
            .tooLarge: ["photos/huge.jpg"],
            .notRegularFile: ["photos/fifo.jpg"],
            .missingFile: ["coco/images/gone.jpg", "data.jsonl:2", "photos/gone.jpg"],
            .symlinkLoop: ["photos/sub/loop"],
            .badManifestLine: ["data.jsonl:1", "data.jsonl:3"],
            .badAnnotation: ["instances.json annotation 11", "instances.json annotation 12"],
            .boxOutsideImage: ["instances.json annotation 10"],
            .unusableSource: ["coco coco/not-coco.json"],
            .exactCopy: ["photos/copy-of-a.jpg"],
            .wrongExtension: ["photos/misnamed.jpg"],
            .nonUTF8Name: ["photos/caf\\xE9.jpg"],
        ]
        let groups = try Self.groups(fixture)
        #expect(Set(groups.keys) == Set(expected.keys.map(\.category)), "\(groups.keys.sorted())")
        for (kind, subjects) in expected {
            #expect(groups[kind.category]?.map(\.subject) == subjects, "\(kind)")
            #expect(groups[kind.category]?.allSatisfy { $0.kind == kind && !$0.reason.isEmpty } == true, "\(kind)")
        }
        #expect(summary.ingest?.problems[RejectionKind.missingFile.category] == 3)
        // `loom status` counts every input left out as failed, the source entries without a file of their own too
        // (manifest lines, annotations, the unusable COCO file), and no note.
        let leftOut = expected.filter { !$0.key.isNote }.values.map(\.count).reduce(0, +)
        let status = try RunStatus.load(try RunDirectory(existing: fixture.runDirectory))
        #expect(status.stages.first { $0.stage == "ingest" }?.failed == leftOut)
        // The good images of all three sources are in; the COCO image keeps its one usable box.
        #expect(summary.ingest?.images == 7)
        var cocoImage: IngestedImage?
        try RunStore(directory: fixture.runDirectory).forEachImage {
            if $0.sourcePath == "coco/images/p.jpg" { cocoImage = $0 }
        }
        #expect(cocoImage?.annotations.objects == [AnnotatedObject(category: "cat", box: Box(x: 1, y: 1, width: 5, height: 5))])
    }

    // Root reads through chmod 000 (CAP_DAC_OVERRIDE) and CI runs the tests as root, where the file and the
    // folder would simply be read; so these two run only as an ordinary user.
    @Test(
        "an unreadable file is recorded with its path and reason, and the other files are ingested",
        .enabled(if: geteuid() != 0, "root is not stopped by file permissions"))
    func unreadableFile() async throws {
        let fixture = try IngestFixture()
        try fixture.write(try IngestFixture.jpeg(seed: 1), as: "a.jpg")
        let locked = try fixture.write(try IngestFixture.jpeg(seed: 2), as: "b.jpg")
        try fixture.write(try IngestFixture.jpeg(seed: 3), as: "c.jpg")
        try #require(chmod(locked.path, 0) == 0)
        defer { chmod(locked.path, 0o644) }

        let summary = try await fixture.runner().run()
        #expect(summary.ingest?.images == 2)
        #expect(try Self.ingestedPaths(fixture) == ["photos/a.jpg", "photos/c.jpg"])
        #expect(
            try Self.groups(fixture) == [
                "unreadable file": [
                    Rejection(subject: "photos/b.jpg", stage: "ingest", kind: .unreadableFile, reason: "permission denied")
                ]
            ])
    }

    @Test(
        "an unreadable sub-folder is recorded with its path and reason, and the rest of the folder is ingested",
        .enabled(if: geteuid() != 0, "root is not stopped by file permissions"))
    func unreadableFolder() async throws {
        let fixture = try IngestFixture()
        try fixture.write(try IngestFixture.jpeg(seed: 1), as: "a.jpg")
        try fixture.write(try IngestFixture.jpeg(seed: 2), as: "locked/b.jpg")
        try fixture.write(try IngestFixture.jpeg(seed: 3), as: "z/c.jpg")
        let locked = fixture.images.appendingPathComponent("locked")
        try #require(chmod(locked.path, 0) == 0)
        defer { chmod(locked.path, 0o755) }

        let summary = try await fixture.runner().run()
        #expect(summary.ingest?.images == 2)
        #expect(try Self.ingestedPaths(fixture) == ["photos/a.jpg", "photos/z/c.jpg"])
        #expect(
            try Self.groups(fixture) == [
                "unreadable folder": [
                    Rejection(
                        subject: "photos/locked", stage: "ingest", kind: .unreadableFolder,
                        reason: "cannot open folder: permission denied")
                ]
            ])
    }
}
