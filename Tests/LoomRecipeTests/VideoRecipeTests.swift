import Foundation
import Testing

@testable import LoomRecipe

@Suite("Recipes: video folders and scene videos")
struct VideoRecipeTests {
    private func parse(_ yaml: String) throws -> Recipe { try RecipeLoader.parse(yaml, file: "r.yaml", knownDomains: nil) }

    private func diagnostics(_ yaml: String) -> [RecipeDiagnostic] { recipeDiagnostics(yaml, knownDomains: nil) }

    @Test("video folders read with their sampling, and a bare string is a folder with defaults")
    func videoFolders() throws {
        let recipe = try parse("""
            name: v
            sources:
              videos:
                - clips/
                - folder: ego/
                  annotations: ego.json
                  sampling: scenes
                  threshold: 0.4
                  frames: 12
                  exclude: ["*.tmp.mp4"]
                - {folder: anet/, sampling: rate, fps: 0.5, frames: 32}
              scene_videos: {count: 7, steps: {min: 3, max: 5}, step_seconds: 1.5, fps: 12, image: {width: 256, height: 192}}
            """)
        #expect(recipe.videos == [
            VideoCollection(folder: "clips/"),
            VideoCollection(folder: "ego/", exclude: ["*.tmp.mp4"], annotations: "ego.json", sampling: .scenes, frames: 12, threshold: 0.4),
            VideoCollection(folder: "anet/", sampling: .rate, frames: 32, fps: 0.5),
        ])
        #expect(recipe.sceneVideos == SceneVideoSource(count: 7, steps: 3...5, stepSeconds: 1.5, framesPerSecond: 12, width: 256, height: 192))
        #expect(recipe.collections.isEmpty && recipe.scenes == nil)
    }

    @Test("bad video settings are refused with their line and what is wrong")
    func badSettings() {
        let found = diagnostics("""
            name: v
            sources:
              videos:
                - folder: clips/
                  sampling: keyframes
                  fps: 0
                - annotations: a.json
              scene_videos: {count: 2, image: {width: 321, height: 240}}
            """)
        let messages = found.map(\.message)
        #expect(found.contains { $0.line == 5 && $0.message.contains("keyframes") })
        #expect(found.contains { $0.line == 6 })
        #expect(messages.contains { $0.contains("missing 'folder'") })
        #expect(messages.contains { $0.contains("even width and height") })
    }

    @Test("a recipe with only videos has a source")
    func onlyVideos() throws {
        #expect(try parse("name: v\nsources:\n  videos: [clips/]\n").videos.count == 1)
        #expect(try parse("name: v\nsources:\n  scene_videos: {count: 1}\n").sceneVideos?.count == 1)
    }
}
