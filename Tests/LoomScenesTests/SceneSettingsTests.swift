import Foundation
import LoomCore
import Testing

@testable import LoomScenes

@Suite struct SceneSettingsTests {
    @Test func defaultsAreValid() {
        let settings = SceneSettings()
        #expect(settings.validate().isEmpty)
        #expect(settings.width == 512 && settings.height == 384)
        #expect(settings.minObjects == 3 && settings.maxObjects == 8)
        #expect(settings.minLabels == 0 && settings.maxLabels == 2)
        #expect(settings.maxOcclusion == 0.35)
    }

    @Test func reportsEachProblem() {
        #expect(SceneSettings(width: 100).validate().count == 1)
        #expect(SceneSettings(height: 5000).validate().count == 1)
        #expect(SceneSettings(minObjects: 0).validate().contains { $0.contains("minObjects") })
        #expect(SceneSettings(minObjects: 5, maxObjects: 4).validate().contains { $0.contains("maxObjects") })
        #expect(SceneSettings(minLabels: 3, maxLabels: 2).validate().contains { $0.contains("maxLabels") })
        #expect(SceneSettings(maxLabels: 9).validate().contains { $0.contains("sign colour") })
        #expect(SceneSettings(maxOcclusion: 1.2).validate().contains { $0.contains("maxOcclusion") })
    }

    @Test func rejectsMoreObjectsThanTheCanvasHolds() {
        let crowded = SceneSettings(width: 128, height: 128, minObjects: 3, maxObjects: 12)
        #expect(crowded.validate().contains { $0.contains("do not fit") })
        #expect(SceneSettings(width: 128, height: 128, maxObjects: 7).validate().isEmpty)
        #expect(SceneSettings(maxObjects: 16).validate().isEmpty)
        #expect(!SceneSettings(maxObjects: 20).validate().isEmpty)
    }

    @Test func decodingFillsMissingFieldsWithDefaults() throws {
        let json = #"{"width": 640, "maxLabels": 3}"#
        let settings = try JSONDecoder().decode(SceneSettings.self, from: Data(json.utf8))
        #expect(settings == SceneSettings(width: 640, maxLabels: 3))
        let roundTrip = try JSONDecoder().decode(SceneSettings.self, from: JSONEncoder().encode(settings))
        #expect(roundTrip == settings)
    }

    @Test func invalidSettingsStillCompose() {
        var rng = LoomCore.SeededGenerator(seed: 3)
        let scene = SceneComposer.single(SceneSettings(minObjects: 0, maxObjects: -2, maxLabels: 40), rng: &rng)
        #expect(scene.objects.count == 1)
        #expect(scene.labels.count <= 5)
    }
}
