import LoomCore

/// Intents that compare images: the change within a pair, what a set has in common.
enum ComparisonIntents {
    static func pairChange(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard case .pair(let pair) = context.truth else { return nil }
        let before = pair.first.objects.first { $0.id == pair.change.objectID }
        let after = pair.second.objects.first { $0.id == pair.change.objectID }
        let (width, height) = (pair.first.width, pair.first.height)
        let sentence = Phrasing.change(kind: pair.change.kind, before: before, after: after, width: width, height: height)

        // Wrong answers: the same kinds of change, told of other objects or with other values.
        var wrong: [String] = []
        for object in pair.first.objects.shuffled(using: &rng).prefix(4) {
            wrong.append(Phrasing.change(kind: .removed, before: object, after: nil, width: width, height: height))
            var recolored = object
            recolored.color = rng.pick(ObjectColor.allCases.filter { $0 != object.color }) ?? object.color
            wrong.append(
                Phrasing.change(kind: .recolored, before: object, after: recolored, width: width, height: height))
            var resized = object
            resized.size = rng.pick(SizeClass.allCases.filter { $0 != object.size }) ?? object.size
            wrong.append(Phrasing.change(kind: .resized, before: object, after: resized, width: width, height: height))
        }
        var invented = pair.first.objects.first ?? pair.second.objects[0]
        invented.shape = rng.pick(Shape.allCases) ?? .circle
        invented.color = rng.pick(ObjectColor.allCases) ?? .red
        wrong.append(Phrasing.change(kind: .added, before: nil, after: invented, width: width, height: height))
        var seen: Set<String> = [sentence]
        let distractors = wrong.shuffled(using: &rng).filter { seen.insert($0).inserted }
        return IntentInstance(
            fact: .pairChange, value: .text(sentence), distractors: distractors.map(FactValue.text), bindings: [:],
            candidateBindings: { ["candidate": $0.rendered(mediumNoun: "image")] })
    }

    static func sharedByAll(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .set else { return nil }
        let shapeSets = context.scenes.map { Set($0.objects.map(\.shape)) }
        guard let common = shapeSets.first.map({ shapeSets.dropFirst().reduce($0) { $0.intersection($1) } }),
            common.count == 1, let shape = common.first
        else { return nil }
        let seenSomewhere = shapeSets.reduce(Set<Shape>()) { $0.union($1) }
        let others = SceneQueries.otherValues(shape, rng: &rng)
        let tempting = others.filter { if case .text(let v) = $0 { seenSomewhere.contains(Shape(rawValue: v)!) } else { false } }
        return IntentInstance(
            fact: .sharedByAll(attribute: .shape), value: .text(shape.rawValue),
            distractors: tempting + others.filter { !tempting.contains($0) }, bindings: [:],
            candidateBindings: { ["candidate": $0.rendered(mediumNoun: "image")] })
    }
}
