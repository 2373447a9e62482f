import Foundation
import LoomCore
import Testing

@testable import LoomScenes

@Suite struct SequenceSceneTests {
    let settings = SceneSettings()

    /// Sequences of 4...16 frames with the default settings, shared by the tests below.
    static let defaults = sequences(SceneSettings(), seeds: 0..<200)

    static func sequences(_ settings: SceneSettings, seeds: Range<UInt64>) -> [[SceneTruth]] {
        seeds.map { seed in
            var rng = SeededGenerator(seed: seed)
            return SceneComposer.sequence(settings, frames: 4 + Int(seed % 13), rng: &rng)
        }
    }

    /// Frame indices per object id.
    static func presence(_ frames: [SceneTruth]) -> [Int: [Int]] {
        var out: [Int: [Int]] = [:]
        for (index, frame) in frames.enumerated() {
            for object in frame.objects { out[object.id, default: []].append(index) }
        }
        return out
    }

    @Test func sameSeedGivesTheSameFrames() {
        #expect(Self.sequences(settings, seeds: 5..<6) == Self.sequences(settings, seeds: 5..<6))
    }

    @Test func framesShareBackgroundSignsAndObjectIdentities() {
        for (seed, frames) in Self.defaults.enumerated() {
            #expect(frames.count == 4 + seed % 13)
            for frame in frames {
                #expect(SceneInvariants.problems(in: frame, settings: settings).isEmpty, "seed \(seed)")
                #expect(frame.background == frames[0].background && frame.backgroundName == frames[0].backgroundName)
                #expect(frame.labels == frames[0].labels)
            }
            var identity: [Int: SceneObject] = [:]
            for frame in frames {
                for object in frame.objects {
                    if let known = identity[object.id] {
                        #expect(SceneInvariants.attributes(known) == SceneInvariants.attributes(object), "seed \(seed)")
                        #expect(known.radius == object.radius && known.rotation == object.rotation)
                        #expect(known.z == object.z)
                    } else {
                        identity[object.id] = object
                    }
                }
            }
            let combos = identity.values.map(SceneInvariants.attributes)
            #expect(Set(combos).count == combos.count, "seed \(seed): attribute combinations repeat across frames")
            // Every object is present in one unbroken run of frames.
            for (id, present) in Self.presence(frames) {
                let unbroken = Array(present[0]...present[present.count - 1])
                #expect(present == unbroken, "seed \(seed): object \(id) flickers")
            }
        }
    }

    @Test func moversTravelStraightAtConstantSpeed() {
        for (seed, frames) in Self.defaults.enumerated() {
            let presence = Self.presence(frames)
            var movers = 0
            for (id, present) in presence {
                let centers = present.map { index in
                    frames[index].objects.first { $0.id == id }.map { ($0.centerX, $0.centerY) }!
                }
                let moves = centers.contains { $0 != centers[0] }
                guard moves else { continue }
                movers += 1
                #expect(present.count == frames.count, "seed \(seed): mover \(id) is not in every frame")
                let horizontal = centers.allSatisfy { $0.1 == centers[0].1 }
                let vertical = centers.allSatisfy { $0.0 == centers[0].0 }
                #expect(horizontal != vertical, "seed \(seed): mover \(id) does not keep to one axis")
                let along = centers.map { horizontal ? $0.0 : $0.1 }
                let step = along[1] - along[0]
                for index in 1..<along.count {
                    #expect(abs((along[index] - along[index - 1]) - step) < 1e-6, "seed \(seed): uneven step")
                }
                let side = Double(horizontal ? frames[0].width : frames[0].height)
                #expect(abs(along.last! - along.first!) >= 0.2 * side, "seed \(seed): mover \(id) travels too little")
            }
            #expect(movers >= 1, "seed \(seed): nothing moves")
        }
    }

    @Test func someObjectsComeAndGo() {
        let all = Self.defaults
        var appearing = 0
        var disappearing = 0
        for frames in all {
            let presence = Self.presence(frames)
            if presence.values.contains(where: { $0.first! > 0 }) { appearing += 1 }
            if presence.values.contains(where: { $0.last! < frames.count - 1 }) { disappearing += 1 }
            #expect(!frames[0].objects.isEmpty)
        }
        #expect((0.28...0.52).contains(Double(appearing) / 200), "appearing share \(appearing)/200")
        #expect((0.28...0.52).contains(Double(disappearing) / 200), "disappearing share \(disappearing)/200")
    }

    @Test func shortSequencesStillWork() {
        var rng = SeededGenerator(seed: 9)
        let frames = SceneComposer.sequence(settings, frames: 2, rng: &rng)
        #expect(frames.count == 2)
        let moved = frames[0].objects.contains { object in
            frames[1].objects.contains {
                $0.id == object.id && ($0.centerX != object.centerX || $0.centerY != object.centerY)
            }
        }
        #expect(moved)
    }
}
