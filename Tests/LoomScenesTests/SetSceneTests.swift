import LoomCore
import Testing

@testable import LoomScenes

@Suite struct SetSceneTests {
    let settings = SceneSettings()

    @Test func setsHaveTheRequestedSizeAndKeepTheRules() {
        for seed in UInt64(0)..<80 {
            var rng = SeededGenerator(seed: seed)
            let count = 3 + Int(seed % 4)
            let scenes = SceneComposer.set(settings, count: count, rng: &rng)
            #expect(scenes.count == count)
            for scene in scenes {
                #expect(SceneInvariants.problems(in: scene, settings: settings).isEmpty, "seed \(seed)")
            }
        }
    }

    @Test func sameSeedGivesTheSameSet() {
        var a = SeededGenerator(seed: 11)
        var b = SeededGenerator(seed: 11)
        #expect(SceneComposer.set(settings, count: 4, rng: &a) == SceneComposer.set(settings, count: 4, rng: &b))
    }

    @Test func aboutHalfTheSetsShareExactlyOneShape() {
        var shared = 0
        for seed in UInt64(0)..<200 {
            var rng = SeededGenerator(seed: seed)
            let scenes = SceneComposer.set(settings, count: 4, rng: &rng)
            let common = scenes.map { Set($0.objects.map(\.shape)) }.reduce(Set(Shape.allCases)) { $0.intersection($1) }
            if common.count == 1 { shared += 1 }
        }
        #expect((0.4...0.7).contains(Double(shared) / 200), "sets sharing one shape: \(shared)/200")
    }
}
