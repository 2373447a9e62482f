import Foundation
import LoomCore
import LoomEngine
import LoomMedia
import LoomScenes
import LoomStore
import Testing

/// A COCO collection made of drawn pictures whose objects are annotated with their true boxes, each shape a
/// category: real files, real COCO JSON, answers that can be checked.
struct COCOFixture {
    let base: IngestFixture
    /// Categories per image, in file order.
    var categories: [[String]] = []

    /// - Parameters:
    ///   - alsoAsFolder: list the photos folder as a source before the COCO file (the same files twice).
    init(images: Int = 6, stages: String, alsoAsFolder: Bool = false, batchSize: Int = 3) throws {
        base = try IngestFixture(batchSize: batchSize)
        var cocoImages: [String] = []
        var annotations: [String] = []
        var settings = SceneSettings()
        settings.width = 640
        settings.height = 480
        for index in 0..<images {
            var rng = SeededGenerator(seed: UInt64(100 + index))
            let scene = SceneComposer.single(settings, rng: &rng)
            try base.write(try ImageEncoder.encode(try SceneRenderer.render(scene), format: .jpeg, jpegQuality: 90), as: "img\(index).jpg")
            cocoImages.append(#"{"id": \#(index + 1), "file_name": "img\#(index).jpg", "width": 640, "height": 480}"#)
            for object in scene.objects {
                let box = object.box
                annotations.append(
                    #"{"id": \#(annotations.count + 1), "image_id": \#(index + 1), "category_id": \#(Shape.allCases.firstIndex(of: object.shape)! + 1), "bbox": [\#(box.x), \#(box.y), \#(box.width), \#(box.height)], "area": \#(box.width * box.height), "iscrowd": 0}"#)
            }
            categories.append(scene.objects.map(\.shape.rawValue))
        }
        let categoryList = Shape.allCases.enumerated().map { #"{"id": \#($0.offset + 1), "name": "\#($0.element.rawValue)"}"# }
        let json = """
            {"images": [\(cocoImages.joined(separator: ",\n"))],
             "annotations": [\(annotations.joined(separator: ",\n"))],
             "categories": [\(categoryList.joined(separator: ", "))]}
            """
        try FileManager.default.createDirectory(at: base.folder.appendingPathComponent("annotations"), withIntermediateDirectories: true)
        try json.write(to: base.folder.appendingPathComponent("annotations/instances.json"), atomically: true, encoding: .utf8)
        try """
            name: coco-fixture
            seed: 5
            output: run
            sources:
            \(alsoAsFolder ? "  folders: [photos]" : "")
              coco:
                - instances: annotations/instances.json
                  images: photos
            stages:
              ingest:
                longest_side: 256
                thumbnail_side: 64
            \(stages)
            store:
              batch_size: \(batchSize)
            exports:
              - format: llava
                path: export/llava
              - format: mantis
                path: export/mantis
            """.write(to: base.recipeURL, atomically: true, encoding: .utf8)
    }
}

@Suite("Questions from annotated collections")
struct GroundRunTests {
    static let stages = """
          ground:
            pairs: 4
            sets: {count: 2, images: 3}
        """

    @Test("a COCO collection becomes checked single- and multi-image questions about its own images")
    func cocoToRecords() async throws {
        let fixture = try COCOFixture(stages: Self.stages)
        let summary = try await fixture.base.runner().run()
        #expect(summary.ingest?.images == 6)
        #expect(summary.plannedSamples == 6 + 4 + 2)
        #expect(summary.records > 50)
        #expect(summary.flaggedRecords == 0)
        #expect(summary.failures.isEmpty)

        let store = try RunStore(directory: fixture.base.runDirectory)
        var imageIDs: Set<String> = []
        try store.forEachImage { imageIDs.insert($0.id) }
        var kinds: [SampleKind: Int] = [:]
        try store.forEachSample { sample in
            kinds[sample.kind, default: 0] += 1
            guard case .annotated(let truth) = sample.truth else {
                Issue.record("sample \(sample.id) is not grounded in annotations")
                return
            }
            #expect(Set(sample.media).isSubset(of: imageIDs))
            #expect(Set(sample.media).count == sample.media.count, "an image twice in one sample")
            #expect(truth.images.allSatisfy { $0.width == 640 && $0.height == 480 })
        }
        #expect(kinds == [.single: 6, .pair: 4, .set: 2])
        var templates: Set<String> = []
        try store.forEachRecord { record, _ in templates.insert(record.provenance.template) }
        #expect(templates.contains("counting.count_category"))
        #expect(templates.contains("object_localization.category_presence"))
        #expect(templates.contains { $0.hasSuffix("_in_medium") || $0.hasSuffix("medium_containing_category") })

        // Every exported image reference resolves to a file of the export.
        let llava = summary.exports.first { $0.format.rawValue == "llava" }!
        #expect(llava.records > 0 && llava.images == 6)
        let mantis = summary.exports.first { $0.format.rawValue == "mantis" }!
        #expect(mantis.records > 0)
        let status = try RunStatus.load(try RunDirectory(existing: fixture.base.runDirectory))
        let ground = status.stages.first { $0.stage == "ground" }
        #expect(ground?.done == 12 && ground?.pending == 0)
    }

    @Test("the same photos listed as a folder and in a COCO file keep the COCO annotations")
    func folderAndCOCOOverTheSameFiles() async throws {
        let fixture = try COCOFixture(stages: "", alsoAsFolder: true)
        let summary = try await fixture.base.runner().run()
        #expect(summary.ingest?.images == 6)
        #expect(summary.ingest?.problems["exact copy (ingested once)"] == nil, "the very same files, not copies")
        let store = try RunStore(directory: fixture.base.runDirectory)
        var objects: [Int] = []
        try store.forEachImage { objects.append($0.annotations.objects.count) }
        #expect(objects == fixture.categories.map(\.count))
        #expect(summary.records > 0 && summary.flaggedRecords == 0)
    }

    @Test("a crash while grounding questions resumes to the identical dataset")
    func crashAndResume() async throws {
        let reference = try await COCOFixture(stages: Self.stages).base.runner().run()
        let fixture = try COCOFixture(stages: Self.stages)
        await #expect(throws: InjectedCrash.self) {
            try await fixture.base.runner(faults: FaultPlan(crashBeforeBatch: 5)).run()
        }
        let store = try RunStore(directory: fixture.base.runDirectory)
        #expect(try store.completedItems(stage: "ground").count < 12)
        let resumed = try await fixture.base.runner().run()
        #expect(resumed.contentHash == reference.contentHash)
        #expect(resumed.records == reference.records)
    }
}
