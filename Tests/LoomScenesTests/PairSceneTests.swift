import Foundation
import LoomCore
import Testing

@testable import LoomScenes

@Suite struct PairSceneTests {
    let settings = SceneSettings()

    /// Pairs with the default settings, shared by the tests below.
    static let defaults = pairs(SceneSettings(), seeds: 0..<250)

    static func pairs(_ settings: SceneSettings, seeds: Range<UInt64>) -> [PairTruth] {
        seeds.map { seed in
            var rng = SeededGenerator(seed: seed)
            return SceneComposer.pair(settings, rng: &rng)
        }
    }

    /// The object without the fields a change elsewhere may legitimately alter.
    private func comparable(_ object: SceneObject) -> SceneObject {
        var copy = object
        copy.visibleFraction = 0
        return copy
    }

    @Test func sameSeedGivesTheSamePair() {
        #expect(Self.pairs(settings, seeds: 7..<8) == Self.pairs(settings, seeds: 7..<8))
    }

    @Test func everyKindOccurs() {
        let kinds = Self.defaults.prefix(100).map(\.change.kind)
        for kind in PairChange.Kind.allCases {
            #expect(kinds.filter { $0 == kind }.count >= 8, "\(kind) is rare: \(kinds.filter { $0 == kind }.count)")
        }
    }

    @Test func pairsDifferByExactlyTheDeclaredChange() {
        for (seed, pair) in Self.defaults.enumerated() {
            let (first, second, change) = (pair.first, pair.second, pair.change)
            #expect(SceneInvariants.problems(in: first, settings: settings).isEmpty, "seed \(seed) first")
            #expect(SceneInvariants.problems(in: second, settings: settings).isEmpty, "seed \(seed) second")
            #expect(first.labels == second.labels)
            #expect(first.background == second.background && first.backgroundName == second.backgroundName)
            #expect(first.width == second.width && first.height == second.height)

            let before = Dictionary(uniqueKeysWithValues: first.objects.map { ($0.id, $0) })
            let after = Dictionary(uniqueKeysWithValues: second.objects.map { ($0.id, $0) })
            // Every object other than the changed one is the same in both images.
            for (id, object) in before where id != change.objectID {
                #expect(after[id].map(comparable) == comparable(object), "seed \(seed): object \(id) changed")
            }
            #expect(Set(after.keys).subtracting(before.keys).subtracting([change.objectID]).isEmpty, "seed \(seed)")

            let old = before[change.objectID]
            let new = after[change.objectID]
            switch change.kind {
            case .added:
                #expect(old == nil && new != nil, "seed \(seed)")
                if let new {
                    #expect(new.z > (first.objects.map(\.z).max() ?? -1))
                    #expect(second.objects.count == first.objects.count + 1)
                }
            case .removed:
                #expect(old != nil && new == nil, "seed \(seed)")
                #expect(second.objects.count == first.objects.count - 1)
            case .moved:
                guard let old, let new else {
                    Issue.record("seed \(seed): moved object missing")
                    continue
                }
                #expect(SceneInvariants.attributes(old) == SceneInvariants.attributes(new))
                #expect(old.radius == new.radius && old.rotation == new.rotation && old.z == new.z)
                let dx = abs(new.centerX - old.centerX) / Double(first.width)
                let dy = abs(new.centerY - old.centerY) / Double(first.height)
                #expect(dx >= 0.25 || dy >= 0.25, "seed \(seed): moved only \(dx), \(dy)")
                let (width, height) = (first.width, first.height)
                let from = Region.containing(x: old.box.centerX, y: old.box.centerY, width: width, height: height)
                let to = Region.containing(x: new.box.centerX, y: new.box.centerY, width: width, height: height)
                #expect(from != to, "seed \(seed): stayed in \(from)")
            case .recolored:
                guard let old, let new else {
                    Issue.record("seed \(seed): recoloured object missing")
                    continue
                }
                var expected = old
                expected.color = new.color
                #expect(old.color != new.color)
                #expect(comparable(expected) == comparable(new), "seed \(seed): more than the colour changed")
            case .resized:
                guard let old, let new else {
                    Issue.record("seed \(seed): resized object missing")
                    continue
                }
                #expect(old.size != new.size)
                #expect(old.shape == new.shape && old.color == new.color && old.pattern == new.pattern)
                #expect(old.centerX == new.centerX && old.centerY == new.centerY && old.rotation == new.rotation)
                #expect((new.radius > old.radius) == (new.size > old.size))
            }
        }
    }

    @Test func addedAndRemovedCountsStayWithinTheSettings() {
        for pair in Self.defaults.prefix(150) {
            for scene in [pair.first, pair.second] {
                #expect(scene.objects.count <= settings.maxObjects)
                #expect(scene.objects.count >= settings.minObjects)
            }
        }
    }

    @Test func changeSentenceNamesTwoRegionsForMoves() {
        // The moved object's regions are far from the grid lines, so the sentence is unambiguous.
        for pair in Self.defaults.prefix(150) where pair.change.kind == .moved {
            for scene in [pair.first, pair.second] {
                guard let object = scene.objects.first(where: { $0.id == pair.change.objectID }) else { continue }
                let margin = Region.margin(
                    x: object.box.centerX, y: object.box.centerY, width: scene.width, height: scene.height)
                #expect(margin >= 0.04)
            }
        }
    }
}
