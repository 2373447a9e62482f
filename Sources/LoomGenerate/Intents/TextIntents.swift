import LoomCore

/// Intents about the text on signs (OCR ground truth).
enum TextIntents {
    static func labelText(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .single, let scene = context.scenes.first, let label = rng.pick(scene.labels) else {
            return nil
        }
        let signColor: String?
        if scene.labels.count == 1 {
            signColor = nil
        } else if scene.labels.filter({ $0.signColor == label.signColor }).count == 1 {
            signColor = label.signColor
        } else {
            return nil
        }
        let others = (scene.labels.map(\.text) + context.distractorWords).filter {
            Phrasing.normalized($0) != Phrasing.normalized(label.text)
        }
        var seen: Set<String> = []
        let distractors = others.shuffled(using: &rng).filter { seen.insert(Phrasing.normalized($0)).inserted }
        return IntentInstance(
            fact: .labelText(image: 0, signColor: signColor), value: .text(label.text),
            distractors: distractors.map(FactValue.text),
            bindings: ["sign": signColor.map { "the \($0) sign" } ?? "the sign"],
            candidateBindings: { ["candidate": $0.rendered(mediumNoun: "image")] })
    }

    static func numberSum(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .single, let scene = context.scenes.first else { return nil }
        let numbers = scene.labels.compactMap(\.numericValue)
        guard numbers.count >= 2 else { return nil }
        let sum = numbers.reduce(0, +)
        return IntentInstance(
            fact: .numberSum(image: 0), value: .int(sum), distractors: SceneQueries.nearbyNumbers(sum, rng: &rng),
            bindings: [:], candidateBindings: { ["candidate": $0.rendered(mediumNoun: "image")] })
    }
}
