import Foundation
import LoomCore
import Testing

@testable import LoomScenes

@Suite struct SingleSceneTests {
    let settings = SceneSettings()

    /// Scenes with the default settings, shared by the tests below.
    static let defaults = scenes(SceneSettings(), seeds: 0..<300)

    static func scenes(_ settings: SceneSettings, seeds: Range<UInt64>) -> [SceneTruth] {
        seeds.map { seed in
            var rng = SeededGenerator(seed: seed)
            return SceneComposer.single(settings, rng: &rng)
        }
    }

    @Test func sameSeedGivesTheSameScene() throws {
        var first = SeededGenerator(seed: 42)
        var second = SeededGenerator(seed: 42)
        let a = SceneComposer.single(settings, rng: &first)
        let b = SceneComposer.single(settings, rng: &second)
        #expect(a == b)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(a) == encoder.encode(b))
        // The generator ends in the same state, so what follows is reproducible too.
        #expect(first.next() == second.next())
        var third = SeededGenerator(seed: 43)
        #expect(SceneComposer.single(settings, rng: &third) != a)
    }

    @Test func everySceneKeepsTheRules() {
        for (seed, scene) in Self.defaults.enumerated() {
            let problems = SceneInvariants.problems(in: scene, settings: settings)
            #expect(problems.isEmpty, "seed \(seed): \(problems)")
            #expect((settings.minObjects...settings.maxObjects).contains(scene.objects.count), "seed \(seed)")
            #expect(scene.objects.map(\.id) == Array(0..<scene.objects.count))
            #expect(scene.objects.map(\.z) == Array(0..<scene.objects.count))
            let named = BackgroundCatalog.entries.contains {
                $0.style == scene.background && $0.name == scene.backgroundName
            }
            #expect(named)
        }
    }

    @Test func objectsStayAwayFromTheBorder() {
        for scene in Self.defaults.prefix(100) {
            for object in scene.objects {
                #expect(object.box.x >= SceneLayout.edgeMargin && object.box.y >= SceneLayout.edgeMargin)
                #expect(object.box.maxX <= Double(scene.width) - SceneLayout.edgeMargin)
                #expect(object.box.maxY <= Double(scene.height) - SceneLayout.edgeMargin)
            }
        }
    }

    @Test func visibleFractionsMatchAFinerMeasurement() {
        for scene in Self.defaults.prefix(60) {
            for object in scene.objects {
                let finer = SceneInvariants.visibleFraction(of: object, in: scene)
                let difference = abs(finer - object.visibleFraction)
                #expect(difference < 0.03, "object \(object.id): \(object.visibleFraction) vs \(finer)")
            }
        }
    }

    @Test func aboutAThirdOfScenesShowAnOcclusion() {
        let scenes = Self.defaults
        let occluded = scenes.filter { $0.objects.contains { $0.visibleFraction < 0.99 } }.count
        let share = Double(occluded) / Double(scenes.count)
        #expect((0.2...0.5).contains(share), "share of scenes with occlusion: \(share)")
    }

    @Test func aboutSixtyPercentOfScenesHaveSigns() {
        let scenes = Self.defaults
        let labelled = scenes.filter { !$0.labels.isEmpty }.count
        let share = Double(labelled) / Double(scenes.count)
        #expect((0.5...0.7).contains(share), "share of scenes with signs: \(share)")
        #expect(scenes.contains { $0.labels.count == 2 })
        #expect(scenes.contains { $0.labels.contains { $0.numericValue != nil } })
    }

    @Test func variesEveryAttribute() {
        let objects = Self.defaults.prefix(100).flatMap(\.objects)
        #expect(Set(objects.map(\.shape)) == Set(Shape.allCases))
        #expect(Set(objects.map(\.color)) == Set(ObjectColor.allCases))
        #expect(Set(objects.map(\.size)) == Set(SizeClass.allCases))
        #expect(Set(objects.map(\.pattern)) == Set(Pattern.allCases))
        let backgrounds = Set(Self.defaults.prefix(100).map(\.background))
        #expect(backgrounds == Set(BackgroundStyle.allCases))
    }

    @Test func honoursOtherSettings() {
        let custom = SceneSettings(
            width: 800, height: 600, minObjects: 1, maxObjects: 2, minLabels: 2, maxLabels: 3, maxOcclusion: 0.1)
        for (seed, scene) in Self.scenes(custom, seeds: 0..<100).enumerated() {
            #expect(SceneInvariants.problems(in: scene, settings: custom).isEmpty, "seed \(seed)")
            #expect((1...2).contains(scene.objects.count))
            #expect((2...3).contains(scene.labels.count))
        }
        let noOcclusion = SceneSettings(maxOcclusion: 0)
        for scene in Self.scenes(noOcclusion, seeds: 0..<50) {
            #expect(scene.objects.allSatisfy { $0.visibleFraction == 1 })
        }
    }

    @Test func labelTextsComeFromTheResource() {
        let texts = LabelTexts.all
        #expect(texts.count >= 60)
        #expect(texts.contains("SALE") && texts.contains("$15"))
        let numeric = texts.filter {
            TextLabel(id: 0, text: $0, signColor: "", box: Box(x: 0, y: 0, width: 0, height: 0)).numericValue != nil
        }
        #expect(numeric.count >= 20)
        // Everything else is an upper-case word.
        #expect(texts.filter { !numeric.contains($0) }.allSatisfy { $0.allSatisfy(\.isUppercase) })
        #expect(!texts.contains { $0.hasPrefix("#") || $0.isEmpty })
        #expect(LabelTexts.parse("# comment\n\nA\n B \nA\n") == ["A", "B"])
    }
}
