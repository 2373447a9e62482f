import Foundation
import LoomCore
import LoomEngine
import LoomInstruct
import LoomMockModel
import LoomRecipe
import LoomStore
import Synchronization
import Testing

@Suite("Syphus subsets over the user's images: albums, near-duplicates, annotated pairs")
struct SyphusSubsetRunTests {
    @Test("visual storytelling tells albums in order, subtle differences compare near-duplicates, spot-the-difference annotated pairs")
    func imageSubsets() async throws {
        let queries = Mutex<[(subset: String, query: String, images: Int)]>([])
        let server = try await MockModelServer.start { request in
            let texts = request.messageTexts
            let subset = texts.contains("photo album") ? "story" : texts.contains("almost the same") ? "subtle" : "spot"
            queries.withLock { $0.append((subset, request.lastMessageText ?? "", request.imageCount)) }
            return .completion(
                text: #"{"pairs":[{"instruction":"What happens in image 2?","answer":"The family arrives at the hill in image 2."},{"instruction":"How do image 1 and image 2 differ?","answer":"Image 2 is a little softer than image 1."}]}"#)
        }
        defer { Task { try? await server.shutdown() } }
        let fixture = try IngestFixture(extraSources: """
              manifests:
                - file: album.jsonl
            """)
        // Two albums outside the photos folder: "picnic" in manifest order (not the file names'), "party" in the
        // order its album_index fields give.
        let albums = fixture.folder.appendingPathComponent("albums")
        try FileManager.default.createDirectory(at: albums, withIntermediateDirectories: true)
        for (index, name) in ["c.jpg", "a.jpg", "b.jpg", "p1.jpg", "p2.jpg"].enumerated() {
            try Data(try IngestFixture.jpeg(seed: UInt64(10 + index))).write(to: albums.appendingPathComponent(name))
        }
        try """
            {"image": "albums/c.jpg", "album": "picnic", "caption": "The family packs the car.", "objects": [{"category": "car", "box": [10, 10, 200, 100]}]}
            {"image": "albums/a.jpg", "album": "picnic", "caption": "They arrive at a green hill.", "objects": [{"category": "hill", "box": [0, 100, 640, 380]}]}
            {"image": "albums/p1.jpg", "album": "party", "album_index": 2, "caption": "The candles are blown out."}
            {"image": "albums/b.jpg", "album": "picnic", "caption": "Everyone eats sandwiches.", "objects": [{"category": "car", "box": [300, 200, 100, 80]}]}
            {"image": "albums/p2.jpg", "album": "party", "album_index": 1, "caption": "A cake with candles is carried in."}
            {"image": "photos/one.jpg", "caption": "Shapes on a plain floor."}
            {"image": "photos/one-again.jpg", "caption": "Shapes on a plain floor, a little blurred."}
            """.write(to: fixture.folder.appendingPathComponent("album.jsonl"), atomically: true, encoding: .utf8)
        // A near-duplicate: the same picture encoded again at a lower quality.
        try fixture.write(try IngestFixture.jpeg(seed: 1), as: "one.jpg")
        try fixture.write(try IngestFixture.jpeg(seed: 1, quality: 55), as: "one-again.jpg")
        var text = try String(contentsOf: fixture.recipeURL, encoding: .utf8)
        text = text.replacingOccurrences(of: "stages:\n", with: RunFixture.mockModel(baseURL: server.baseURL, model: "mock-text") + """
            stages:
              ground: {pairs: 2, sets: 0}
              syphus: {model: mock, subsets: [visual_storytelling, subtle_difference, spot_the_difference], pairs: 2}

            """)
        try text.write(to: fixture.recipeURL, atomically: true, encoding: .utf8)
        let summary = try await fixture.runner().run()
        #expect(summary.failures.isEmpty, "\(summary.failures)")

        let sent = queries.withLock { $0 }
        let stories = sent.filter { $0.subset == "story" }
        #expect(stories.count == 2)
        let story = try #require(stories.first { $0.query.contains("packs the car") }?.query)
        let party = try #require(stories.first { $0.query.contains("candles") }?.query)
        #expect(party.hasPrefix("<annotations>\nImage 1:\nCaption: A cake with candles is carried in.\nImage 2:\nCaption: The candles are blown out."))
        let packs = try #require(story.range(of: "The family packs the car."))
        let arrive = try #require(story.range(of: "They arrive at a green hill."))
        let eat = try #require(story.range(of: "Everyone eats sandwiches."))
        #expect(packs.lowerBound < arrive.lowerBound && arrive.lowerBound < eat.lowerBound, "album order is the manifest's")
        #expect(story.contains("Image 3:") && !story.contains("Image 4:"))
        #expect(sent.filter { $0.subset == "subtle" }.count == 1, "one near-duplicate pair")
        #expect(sent.filter { $0.subset == "spot" }.count == 2, "the two annotated pairs the ground stage planned")
        #expect(sent.allSatisfy { $0.images == 0 }, "Syphus sends annotations, not pixels")

        let store = try RunStore(directory: fixture.runDirectory)
        var bySubset: [String: [Record]] = [:]
        try store.forEachRecord { record, _ in
            if record.domain.rawValue.hasPrefix("syphus_") { bySubset[record.domain.rawValue, default: []].append(record) }
        }
        #expect(bySubset["syphus_visual_storytelling"]?.count == 4)
        #expect(Set(bySubset["syphus_visual_storytelling"]?.map(\.media.count) ?? []) == [2, 3])
        #expect(bySubset["syphus_subtle_difference"]?.allSatisfy { $0.media.count == 2 } == true)
        #expect(bySubset["syphus_spot_the_difference"]?.count == 4)
    }
}
