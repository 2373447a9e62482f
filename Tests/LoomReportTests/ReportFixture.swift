import Foundation
import LoomCore
import LoomEngine
import LoomStore

/// A small quickstart-like run (procedural scenes of every kind, template records), plus a few records, input
/// rejections and model replies added by hand so that every part of the statistics has something to count.
struct ReportFixture: Sendable {
    let folder: URL
    let runDirectory: URL
    let store: RunStore

    /// One run shared by the tests of this target (made once; the tests only read it).
    static let shared = Task { try await ReportFixture.make() }

    /// Hostile text for a kept record: markup and a script where an instruction and an answer should be.
    static let hostileInstruction = "<script>alert('card')</script> Describe the <b>image</b> & {{title}}."
    static let hostileAnswer = "</p><img src=x onerror=alert(1)> \"quoted\""
    /// Records added by hand, by id.
    static let flaggedIDs = ["rec-zzz-1", "rec-zzz-2", "rec-zzz-3"]
    static let hostileID = "rec-zzz-4"
    static let modelID = "rec-zzz-5"

    static func make() async throws -> ReportFixture {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let recipe = folder.appendingPathComponent("recipe.yaml")
        try """
            name: report-fixture
            seed: 11
            output: run
            sources:
              scenes:
                singles: 14
                pairs: 4
                sets: {count: 3, images: {min: 3, max: 4}}
                sequences: {count: 3, frames: {min: 4, max: 6}}
                image: {width: 320, height: 240}
                objects: {min: 2, max: 6}
            store:
              batch_size: 8
            exports:
              - format: llava
                path: export/llava
            """.write(to: recipe, atomically: true, encoding: .utf8)
        let (loaded, url, catalog) = try RunLocator.loadRecipe(recipe.path)
        _ = try await RecipeRunner(recipe: loaded, recipeURL: url, catalog: catalog, threads: 2).run()
        let runDirectory = folder.appendingPathComponent("run")
        let store = try RunDirectory(existing: runDirectory).store
        try addHandMadeWork(to: store)
        return ReportFixture(folder: folder, runDirectory: runDirectory, store: store)
    }

    private static func record(
        _ id: String, user: String, answer: String, flags: [QualityFlag] = [], generator: String = "templates"
    ) -> Record {
        Record(
            id: id, sampleID: "smp-hand-made", media: [], turns: [Turn(role: .user, text: user), Turn(role: .assistant, text: answer)],
            type: .shortVQA, domain: "hand_made", skill: nil, language: "en", options: nil, answerKey: nil, checks: [],
            provenance: Provenance(generator: generator, template: "hand", phrasing: 0, seed: 1), flags: flags)
    }

    private static func addHandMadeWork(to store: RunStore) throws {
        let records = [
            record(
                flaggedIDs[0], user: "Describe the picture.", answer: "A.",
                flags: [
                    QualityFlag(code: "format.too_short", reason: "the answer has 1 word"),
                    QualityFlag(code: "duplicate.exact", reason: "same as rec-1"),
                ]),
            record(
                flaggedIDs[1], user: "Count the stars.", answer: "4",
                flags: [
                    QualityFlag(code: "check.disagreement", reason: "first reason"),
                    QualityFlag(code: "check.disagreement", reason: "second reason"),
                    QualityFlag(code: "duplicate.near", reason: "close to rec-2"),
                ]),
            record(
                flaggedIDs[2], user: "Is the sky green?", answer: "Yes",
                flags: [QualityFlag(code: "judge_unsupported", reason: "the judge model found the answer unsupported")],
                generator: RunStore.modelGenerator),
            record(hostileID, user: hostileInstruction, answer: hostileAnswer),
            record(modelID, user: "Which animal is on the sofa?", answer: "A cat.", generator: RunStore.modelGenerator),
        ]
        let rejections = [
            Rejection(subject: "photos/b.jpg", stage: "ingest", category: "corrupt or truncated image", reason: "JPEG ends early"),
            Rejection(subject: "photos/a.jpg", stage: "ingest", category: "corrupt or truncated image", reason: "not a JPEG"),
            Rejection(subject: "photos/gone.png", stage: "ingest", category: "missing file", reason: "no such file"),
        ]
        // Two ingested images, the second a near-duplicate of the first.
        let images = ["photos/cat.jpg", "photos/cat-copy.jpg"].enumerated().map { index, path in
            IngestedImage(
                id: "img-\(index)", ordinal: index, sourcePath: path, origin: "folder photos/", format: "jpeg", width: 64,
                height: 48, perceptualHash: 7, duplicateOf: index == 1 ? "img-0" : nil, thumbnail: "thumbnails/img-\(index).jpg",
                annotations: ImageAnnotations())
        }
        try store.commit([StoreWrite(records: records, images: images, rejections: rejections)])
        for (index, cost) in [0.5, 0.25].enumerated() {
            try store.saveResponse(StoredResponse(
                key: "key-\(index)", stage: "questions", item: "item-\(index)", endpoint: "mock", model: "mock-model",
                promptTokens: 100, completionTokens: 20, cost: cost, body: "{}"))
        }
    }
}
