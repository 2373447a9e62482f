import LoomCore

/// Five-turn conversations about one image, each turn building on the previous ones: how many objects,
/// where one of them is, one of its attributes, how many share its colour, and the text in the image (or
/// what would remain without it).
struct ConversationComposer {
    let templates: ConversationTemplates

    func record(composer: RecordComposer, rng: inout SeededGenerator) throws -> Record? {
        guard case .single(let scene) = composer.sample.truth, templates.turns.count == 5 else { return nil }
        // The object the conversation is about: referable and clearly inside one grid region.
        let focus = scene.objects.shuffled(using: &rng).first { object in
            Region.margin(x: object.box.centerX, y: object.box.centerY, width: scene.width, height: scene.height)
                >= LocationIntents.regionMargin && SceneQueries.uniqueSelector(for: object, among: scene.objects) != nil
        }
        guard let object = focus, let selector = SceneQueries.uniqueSelector(for: object, among: scene.objects) else {
            return nil
        }
        let asked = [Attribute.pattern, .size, .color].filter { attribute in
            switch attribute {
            case .pattern: selector.pattern == nil
            case .size: selector.size == nil
            case .color: selector.color == nil
            case .shape: false
            }
        }
        let attribute = rng.pick(asked) ?? .pattern
        let region = Region.containing(x: object.box.centerX, y: object.box.centerY, width: scene.width, height: scene.height)
        let sameColor = scene.objects.filter { $0.color == object.color }.count
        let all = ObjectFilter()
        let label = scene.labels.count == 1 ? scene.labels.first : nil
        let objectNoun = Phrasing.noun(selector)

        var bindings: TemplateBindings = [
            "n_objects": Phrasing.counted(scene.objects.count, all), "object": objectNoun, "where": region.phrase,
            "attribute": attribute.rawValue, "value": object.value(of: attribute), "color": object.color.rawValue,
            "n_same_color": Phrasing.counted(sameColor, ObjectFilter(color: object.color)),
            "n_remaining": Phrasing.counted(scene.objects.count - 1, all),
        ]
        if let label {
            bindings["sign"] = "the \(label.signColor) sign"
            bindings["text"] = label.text
        }
        let facts: [(Fact, FactValue)] = [
            (.count(image: 0, filter: all), .int(scene.objects.count)),
            (.region(image: 0, selector: selector), .text(region.rawValue)),
            (.attribute(image: 0, selector: selector, attribute: attribute), .text(object.value(of: attribute))),
            (.count(image: 0, filter: ObjectFilter(color: object.color)), .int(sameColor)),
            label != nil
                ? (.labelText(image: 0, signColor: nil), .text(label!.text))
                : (.remainingAfterRemoval(image: 0, removed: exact(object)), .int(scene.objects.count - 1)),
        ]

        var exchanges: [(String, String)] = []
        var checks: [AnswerCheck] = []
        for (index, turn) in templates.turns.enumerated() {
            let questions = (label != nil ? turn.questionWithText : turn.questionWithoutText) ?? turn.question ?? []
            let answers = (label != nil ? turn.answerWithText : turn.answerWithoutText) ?? turn.answer ?? []
            guard let question = rng.pick(questions), let answer = rng.pick(answers) else { return nil }
            let answerText = try TemplateText.fill(answer, bindings)
            exchanges.append((try TemplateText.fill(question, bindings), answerText))
            checks.append(AnswerCheck(turn: index * 2 + 1, kind: .mentions(facts[index].0), expected: facts[index].1))
        }
        return composer.conversation(
            slot: "\(TemplateGenerator.conversationDomain).conversation", exchanges: exchanges, type: .multiRound,
            domain: TemplateGenerator.conversationDomain, skill: nil, checks: checks,
            template: "\(TemplateGenerator.conversationDomain).five_turns", phrasing: 0)
    }

    /// A filter that matches exactly this object's attribute combination.
    private func exact(_ object: SceneObject) -> ObjectFilter {
        ObjectFilter(shape: object.shape, color: object.color, size: object.size, pattern: object.pattern)
    }
}
