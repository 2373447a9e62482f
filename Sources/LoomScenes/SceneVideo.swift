import LoomCore

/// A drawn frame sequence played as a video: each frame of the sequence is a step of `stepSeconds`. For the
/// first half of a step the scene stands still; in the second half moving objects glide to their place in the
/// next step, objects that leave stay until the step ends and objects that come in appear when it ends. So the
/// video at `k × stepSeconds` shows exactly sequence frame `k`, and the timeline of what happens when is exact.
public struct SceneVideo: Sendable {
    public let steps: [SceneTruth]
    public let stepSeconds: Double
    public let framesPerSecond: Int

    public init(steps: [SceneTruth], stepSeconds: Double, framesPerSecond: Int) {
        self.steps = steps
        self.stepSeconds = stepSeconds
        self.framesPerSecond = framesPerSecond
    }

    /// Video frames per step (at least 2, so that there is a still half and a moving half).
    public var framesPerStep: Int { max(2, Int((stepSeconds * Double(framesPerSecond)).rounded())) }
    public var frameCount: Int { framesPerStep * steps.count }
    public var duration: Double { Double(frameCount) / Double(framesPerSecond) }

    /// The scene shown by video frame `index`.
    public func scene(atFrame index: Int) -> SceneTruth {
        let step = min(index / framesPerStep, steps.count - 1)
        let phase = Double(index % framesPerStep) / Double(framesPerStep)
        guard phase >= 0.5, step + 1 < steps.count else { return steps[step] }
        let progress = (phase - 0.5) * 2
        let next = Dictionary(steps[step + 1].objects.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var scene = steps[step]
        scene.objects = scene.objects.map { object in
            guard let target = next[object.id] else { return object }
            var moving = object
            func blend(_ a: Double, _ b: Double) -> Double { a + (b - a) * progress }
            moving.centerX = blend(object.centerX, target.centerX)
            moving.centerY = blend(object.centerY, target.centerY)
            moving.radius = blend(object.radius, target.radius)
            moving.box = Box(
                x: blend(object.box.x, target.box.x), y: blend(object.box.y, target.box.y),
                width: blend(object.box.width, target.box.width), height: blend(object.box.height, target.box.height))
            return moving
        }
        return scene
    }

    /// What happens when, from the steps' exact truth: for each change between step k and k + 1, a segment over
    /// the moving half of step k — "a small yellow star appears", "the red square disappears", "the large blue
    /// circle moves to the right" (an object that keeps moving the same way over several steps is one segment).
    public func timeline() -> [VideoSegment] {
        var segments: [VideoSegment] = []
        // The open motion segment of each object: its index in `segments` and its direction.
        var moving: [Int: (index: Int, direction: String)] = [:]
        for step in steps.indices.dropLast() {
            let (before, after) = (steps[step], steps[step + 1])
            let start = (Double(step) + 0.5) * stepSeconds
            let end = Double(step + 1) * stepSeconds
            let previous = Dictionary(before.objects.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let following = Dictionary(after.objects.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            var stillMoving: [Int: (index: Int, direction: String)] = [:]
            for object in after.objects where previous[object.id] == nil {
                segments.append(VideoSegment(start: start, end: end, text: "\(Phrasing.indefinite(Phrasing.noun(object))) appears"))
            }
            for object in before.objects where following[object.id] == nil {
                segments.append(VideoSegment(start: start, end: end, text: "the \(Phrasing.noun(object)) disappears"))
            }
            for object in after.objects {
                guard let old = previous[object.id], let direction = Self.direction(from: old, to: object, width: after.width) else { continue }
                if let open = moving[object.id], open.direction == direction {
                    segments[open.index].end = end
                    stillMoving[object.id] = open
                } else {
                    segments.append(VideoSegment(start: start, end: end, text: "the \(Phrasing.noun(object)) moves \(direction)"))
                    stillMoving[object.id] = (segments.count - 1, direction)
                }
            }
            moving = stillMoving
        }
        return segments.sorted { ($0.start, $0.end, $0.text) < ($1.start, $1.end, $1.text) }
    }

    /// "to the right", "up", … when the object moves more than 2% of the width, along its larger axis.
    static func direction(from old: SceneObject, to new: SceneObject, width: Int) -> String? {
        let (dx, dy) = (new.centerX - old.centerX, new.centerY - old.centerY)
        guard max(abs(dx), abs(dy)) > Double(width) * 0.02 else { return nil }
        if abs(dx) >= abs(dy) { return dx > 0 ? "to the right" : "to the left" }
        return dy > 0 ? "down" : "up"
    }
}
