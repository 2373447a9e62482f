import LoomCore
import LoomMedia
import Testing
@testable import LoomScenes

@Suite("Scene videos: a drawn sequence played over time")
struct SceneVideoTests {
    static func steps() -> [SceneTruth] {
        var rng = SeededGenerator(seed: 21)
        return SceneComposer.sequence(SceneSettings(), frames: 6, rng: &rng)
    }

    @Test("the frame at the start of each step is that step; the moving half glides between steps")
    func frames() {
        let steps = Self.steps()
        let video = SceneVideo(steps: steps, stepSeconds: 1, framesPerSecond: 10)
        #expect(video.frameCount == 60 && video.duration == 6)
        for (index, step) in steps.enumerated() {
            #expect(video.scene(atFrame: index * 10) == step)
            #expect(video.scene(atFrame: index * 10 + 4) == step, "the first half of a step stands still")
        }
        // Halfway through the moving half, a moving object is halfway between its places.
        for step in 0..<(steps.count - 1) {
            let midway = video.scene(atFrame: step * 10 + 7)
            for object in midway.objects {
                guard let from = steps[step].objects.first(where: { $0.id == object.id }),
                    let to = steps[step + 1].objects.first(where: { $0.id == object.id })
                else { continue }
                #expect(abs(object.centerX - (from.centerX + (to.centerX - from.centerX) * 0.4)) < 1e-9)
            }
        }
    }

    @Test("the timeline says what the steps show: appearances, disappearances and moves, in the moving halves")
    func timeline() {
        let steps = Self.steps()
        let segments = SceneVideo(steps: steps, stepSeconds: 2, framesPerSecond: 10).timeline()
        #expect(!segments.isEmpty)
        for segment in segments {
            // Segments start in the middle of a step and end at a step boundary.
            #expect(segment.start.truncatingRemainder(dividingBy: 2) == 1 && segment.end.truncatingRemainder(dividingBy: 2) == 0)
            let step = Int(segment.start / 2)
            let before = Set(steps[step].objects.map { Phrasing.noun($0) })
            let after = Set(steps[Int(segment.end / 2)].objects.map { Phrasing.noun($0) })
            if segment.text.hasSuffix(" appears") {
                let noun = String(segment.text.dropLast(" appears".count).split(separator: " ", maxSplits: 1)[1])
                #expect(!before.contains(noun) || after.contains(noun))
            } else if segment.text.hasSuffix(" disappears") {
                let noun = String(segment.text.dropFirst("the ".count).dropLast(" disappears".count))
                #expect(before.contains(noun) && !Set(steps[step + 1].objects.map { Phrasing.noun($0) }).contains(noun))
            } else {
                #expect(segment.text.contains(" moves "))
            }
        }
    }
}
