import Foundation
@testable import LoomReviewServer
import Testing

@Suite("Previews of photos browsers cannot show")
struct MediaPreviewsTests {
    @Test("the previews made last are kept up to the cache's size, the oldest going first")
    func theOldestPreviewGoesFirst() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-previews-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("photo.heic")
        try Data(ReviewFixture.tinyPNG).write(to: file)
        let size = try MediaPreviews.preview(of: file).count
        // Room for two previews of this size, not three.
        let previews = MediaPreviews(concurrency: 1, cacheBytes: size * 2 + size / 2)
        for id in ["a", "b", "c"] {
            #expect(try await previews.jpeg(id: id, file: file) != nil)
        }
        #expect(previews.keptIDs == ["b", "c"])
        #expect(MediaPreviews.needsPreview("HEIC") && MediaPreviews.needsPreview("heif") && !MediaPreviews.needsPreview("avif"))
    }
}
