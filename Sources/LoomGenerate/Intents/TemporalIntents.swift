import LoomCore

/// Intents about what happens over the frames of a sequence.
enum TemporalIntents {
    /// One object over the frames: the frames it is visible in, and its first and last box.
    struct Track {
        var object: SceneObject
        var frames: [Int]
        var firstBox: Box
        var lastBox: Box
    }

    static func tracks(_ scenes: [SceneTruth]) -> [Track] {
        SceneQueries.distinctObjects(scenes).map { object in
            var frames: [Int] = []
            var boxes: [Box] = []
            for (index, scene) in scenes.enumerated() {
                if let match = scene.objects.first(where: { $0.id == object.id }) {
                    frames.append(index)
                    boxes.append(match.box)
                }
            }
            return Track(object: object, frames: frames, firstBox: boxes[0], lastBox: boxes[boxes.count - 1])
        }
    }

    /// The direction a track moves in, when it clearly moves along one axis.
    static func direction(of track: Track, side: Double) -> MotionDirection? {
        let dx = track.lastBox.centerX - track.firstBox.centerX
        let dy = track.lastBox.centerY - track.firstBox.centerY
        let (major, minor) = (max(abs(dx), abs(dy)), min(abs(dx), abs(dy)))
        guard track.frames.count >= 2, major >= 0.1 * side, minor <= 0.2 * major else { return nil }
        return abs(dx) > abs(dy) ? (dx < 0 ? .left : .right) : (dy < 0 ? .up : .down)
    }

    static func motionDirection(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .sequence, let first = context.scenes.first else { return nil }
        let side = Double(min(first.width, first.height))
        let all = SceneQueries.distinctObjects(context.scenes)
        for track in tracks(context.scenes).shuffled(using: &rng) {
            guard let direction = direction(of: track, side: side),
                let selector = SceneQueries.uniqueSelector(for: track.object, among: all)
            else { continue }
            return IntentInstance(
                fact: .motionDirection(selector: selector), value: .text(direction.rawValue),
                distractors: SceneQueries.otherValues(direction, rng: &rng),
                bindings: ["object": Phrasing.noun(selector)],
                candidateBindings: { ["candidate": $0.rendered(mediumNoun: "frame")] })
        }
        return nil
    }

    static func firstFrame(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .sequence else { return nil }
        let all = SceneQueries.distinctObjects(context.scenes)
        let late = tracks(context.scenes).filter { $0.frames[0] > 0 }
        guard let track = rng.pick(late), let selector = SceneQueries.uniqueSelector(for: track.object, among: all)
        else { return nil }
        return IntentInstance(
            fact: .firstFrame(selector: selector), value: .medium(track.frames[0]),
            distractors: SceneQueries.otherMedia(track.frames[0], count: context.scenes.count, rng: &rng),
            bindings: ["object": Phrasing.noun(selector)],
            candidateBindings: { ["candidate": $0.rendered(mediumNoun: "frame")] })
    }

    static func framesContaining(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .sequence else { return nil }
        let all = SceneQueries.distinctObjects(context.scenes)
        // Prefer objects that come or go: counting frames is only interesting for them.
        let tracks = tracks(context.scenes)
        let partial = tracks.filter { $0.frames.count < context.scenes.count }
        guard let track = rng.pick(partial.isEmpty ? tracks : partial),
            let selector = SceneQueries.uniqueSelector(for: track.object, among: all)
        else { return nil }
        let count = track.frames.count
        return IntentInstance(
            fact: .mediaContaining(filter: selector), value: .int(count),
            distractors: SceneQueries.nearbyNumbers(count, rng: &rng).filter {
                if case .int(let v) = $0 { v >= 1 && v <= context.scenes.count } else { false }
            },
            bindings: ["object": Phrasing.noun(selector)],
            candidateBindings: { ["candidate": $0.rendered(mediumNoun: "frame")] })
    }

    /// Four frames shown shuffled; the question names an object and its direction of motion, and the answer
    /// is the shown positions in time order.
    static func frameOrder(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .sequence, context.scenes.count >= 4, let first = context.scenes.first else { return nil }
        let side = Double(min(first.width, first.height))
        let all = SceneQueries.distinctObjects(context.scenes)
        for track in tracks(context.scenes).shuffled(using: &rng) where track.frames.count == context.scenes.count {
            guard let direction = direction(of: track, side: side),
                let selector = SceneQueries.uniqueSelector(for: track.object, among: all)
            else { continue }
            let chosen = Array(Array(0..<context.scenes.count).shuffled(using: &rng).prefix(4)).sorted()
            var shown = chosen.shuffled(using: &rng)
            if shown == chosen { shown.swapAt(0, 1) }  // never already in order
            // Shown positions (from 1) in time order: the position of each chosen frame, earliest first.
            let order = chosen.map { frame in shown.firstIndex(of: frame)! + 1 }
            let value = order.map(String.init).joined(separator: ", ")
            var wrong: [String] = []
            var seen: Set<String> = [value]
            for _ in 0..<12 {
                let candidate = order.shuffled(using: &rng).map(String.init).joined(separator: ", ")
                if seen.insert(candidate).inserted { wrong.append(candidate) }
            }
            return IntentInstance(
                fact: .frameOrder(selector: selector, direction: direction, shown: shown), value: .text(value),
                distractors: wrong.map(FactValue.text),
                bindings: ["object": Phrasing.noun(selector), "direction": direction.rawValue],
                mediaOrder: shown, candidateBindings: { ["candidate": $0.rendered(mediumNoun: "frame")] })
        }
        return nil
    }
}
