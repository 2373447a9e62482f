import LoomCore

/// Intents whose answers are attribute values.
enum AttributeIntents {
    static func attributeOf(_ attribute: Attribute) -> Intent {
        { context, rng in
            guard context.kind == .single, let scene = context.scenes.first else { return nil }
            return instance(in: scene, image: 0, attribute: attribute, extra: [:], rng: &rng)
        }
    }

    static func colorInMedium(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .set || context.kind == .sequence, !context.scenes.isEmpty else { return nil }
        let index = rng.int(in: 0...(context.scenes.count - 1))
        return instance(
            in: context.scenes[index], image: index, attribute: .color, extra: ["medium": context.medium(index)],
            rng: &rng)
    }

    static func mostCommon(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .single, let scene = context.scenes.first else { return nil }
        let attribute: Attribute = rng.chance(0.5) ? .color : .shape
        var counts: [String: Int] = [:]
        for object in scene.objects { counts[object.value(of: attribute), default: 0] += 1 }
        guard let top = counts.values.max(), top >= 2, counts.values.filter({ $0 == top }).count == 1,
            let winner = counts.first(where: { $0.value == top })?.key
        else { return nil }
        let others: [FactValue] =
            attribute == .color
            ? SceneQueries.otherValues(ObjectColor(rawValue: winner)!, rng: &rng)
            : SceneQueries.otherValues(Shape(rawValue: winner)!, rng: &rng)
        // Values present in the scene make the most tempting wrong answers: put them first.
        let present = others.filter { if case .text(let v) = $0 { counts[v] != nil } else { false } }
        let absent = others.filter { !present.contains($0) }
        return IntentInstance(
            fact: .mostCommon(image: 0, attribute: attribute), value: .text(winner), distractors: present + absent,
            bindings: ["attribute": attribute.rawValue],
            candidateBindings: { ["candidate": $0.rendered(mediumNoun: "image")] })
    }

    private static func instance(
        in scene: SceneTruth, image: Int, attribute: Attribute, extra: TemplateBindings, rng: inout SeededGenerator
    ) -> IntentInstance? {
        for object in scene.objects.shuffled(using: &rng) {
            guard let selector = SceneQueries.uniqueSelector(for: object, among: scene.objects, excluding: attribute)
            else { continue }
            let distractors: [FactValue] =
                switch attribute {
                case .color: SceneQueries.otherValues(object.color, rng: &rng)
                case .shape: SceneQueries.otherValues(object.shape, rng: &rng)
                case .size: SceneQueries.otherValues(object.size, rng: &rng)
                case .pattern: SceneQueries.otherValues(object.pattern, rng: &rng)
                }
            var bindings = extra
            bindings["object"] = Phrasing.noun(selector)
            bindings["attribute"] = attribute.rawValue
            return IntentInstance(
                fact: .attribute(image: image, selector: selector, attribute: attribute),
                value: .text(object.value(of: attribute)), distractors: distractors, bindings: bindings,
                candidateBindings: { ["candidate": $0.rendered(mediumNoun: "image")] })
        }
        return nil
    }
}
