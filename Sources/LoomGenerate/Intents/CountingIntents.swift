import LoomCore

/// Intents whose answers are counts of objects.
enum CountingIntents {
    static func countFilter(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .single, let scene = context.scenes.first else { return nil }
        let filter = SceneQueries.countingFilter(in: scene.objects, rng: &rng)
        let count = scene.objects.filter { filter.matches($0) }.count
        return countInstance(.count(image: 0, filter: filter), count, filter, extra: [:], rng: &rng)
    }

    static func countInMedium(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind != .single, !context.scenes.isEmpty else { return nil }
        let index = rng.int(in: 0...(context.scenes.count - 1))
        let objects = context.scenes[index].objects
        let filter = SceneQueries.countingFilter(in: objects, rng: &rng)
        let count = objects.filter { filter.matches($0) }.count
        return countInstance(
            .count(image: index, filter: filter), count, filter, extra: ["medium": context.medium(index)], rng: &rng)
    }

    static func totalCount(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind != .single, let anchor = rng.pick(context.scenes.flatMap(\.objects)) else { return nil }
        let filter = rng.chance(0.5) ? ObjectFilter(shape: anchor.shape) : ObjectFilter(color: anchor.color)
        var total = 0
        for scene in context.scenes { total += scene.objects.filter { filter.matches($0) }.count }
        return countInstance(
            .totalCount(filter: filter), total, filter,
            extra: ["media": context.mediumNoun + "s", "medium_noun": context.mediumNoun], rng: &rng)
    }

    static func countDifference(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .single, let scene = context.scenes.first else { return nil }
        var counts: [Shape: Int] = [:]
        for object in scene.objects { counts[object.shape, default: 0] += 1 }
        guard let more = counts.filter({ $0.value >= 2 }).keys.sorted(by: { $0.rawValue < $1.rawValue }).randomElement(using: &rng)
        else { return nil }
        let fewer = Shape.allCases.filter { counts[$0, default: 0] < counts[more]! }
        guard let less = rng.pick(fewer) else { return nil }
        let difference = counts[more]! - counts[less, default: 0]
        return IntentInstance(
            fact: .countDifference(image: 0, more: ObjectFilter(shape: more), less: ObjectFilter(shape: less)),
            value: .int(difference), distractors: SceneQueries.nearbyNumbers(difference, rng: &rng),
            bindings: ["more": more.plural, "less": less.plural],
            candidateBindings: { ["candidate": $0.rendered(mediumNoun: "image")] })
    }

    static func remainingAfterRemoval(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .single, let scene = context.scenes.first, let anchor = rng.pick(scene.objects) else {
            return nil
        }
        let filter = rng.chance(0.5) ? ObjectFilter(shape: anchor.shape) : ObjectFilter(color: anchor.color)
        let remaining = scene.objects.filter { !filter.matches($0) }.count
        return IntentInstance(
            fact: .remainingAfterRemoval(image: 0, removed: filter), value: .int(remaining),
            distractors: SceneQueries.nearbyNumbers(remaining, rng: &rng),
            bindings: [
                "objects": Phrasing.noun(filter, plural: true), "objects_any": Phrasing.noun(filter),
            ],
            candidateBindings: { candidate in
                guard case .int(let count) = candidate else { return [:] }
                return ["candidate_objects_left": Phrasing.counted(count, ObjectFilter())]
            })
    }

    static func mediumWithMostObjects(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .set else { return nil }
        let counts = context.scenes.map(\.objects.count)
        guard let most = counts.max(), counts.filter({ $0 == most }).count == 1, let index = counts.firstIndex(of: most)
        else { return nil }
        return IntentInstance(
            fact: .mediumWithMostObjects, value: .medium(index),
            distractors: SceneQueries.otherMedia(index, count: counts.count, rng: &rng), bindings: [:],
            candidateBindings: { ["candidate": $0.rendered(mediumNoun: context.mediumNoun)] })
    }

    private static func countInstance(
        _ fact: Fact, _ count: Int, _ filter: ObjectFilter, extra: TemplateBindings, rng: inout SeededGenerator
    ) -> IntentInstance {
        var bindings = extra
        bindings["objects"] = Phrasing.noun(filter, plural: true)
        return IntentInstance(
            fact: fact, value: .int(count), distractors: SceneQueries.nearbyNumbers(count, rng: &rng),
            bindings: bindings,
            candidateBindings: { candidate in
                guard case .int(let value) = candidate else { return [:] }
                return ["candidate_objects": Phrasing.counted(value, filter), "candidate": String(value)]
            })
    }
}
