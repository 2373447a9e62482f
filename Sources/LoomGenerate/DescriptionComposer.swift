import LoomCore

/// Long VQA: a detailed description of the sample composed from ground truth, sentence by sentence, with a
/// check for every claim it makes.
struct DescriptionComposer {
    let templates: DescriptionTemplates
    let instructions: AnswerInstructions

    func record(composer: RecordComposer, rng: inout SeededGenerator) throws -> Record? {
        let sample = composer.sample
        guard let questions = templates.questions[sample.kind.rawValue], let question = rng.pick(questions) else {
            return nil
        }
        var parts: [String] = []
        var checks: [AnswerCheck] = []
        let s = templates.sentences

        switch sample.truth {
        case .single(let scene):
            parts += try describe(scene, image: 0, subject: "the image", withLabels: true, checks: &checks, rng: &rng)
        case .pair(let pair):
            parts += try describe(pair.first, image: 0, subject: "image 1", withLabels: true, checks: &checks, rng: &rng)
            let before = pair.first.objects.first { $0.id == pair.change.objectID }
            let after = pair.second.objects.first { $0.id == pair.change.objectID }
            let change = Phrasing.change(
                kind: pair.change.kind, before: before, after: after, width: pair.first.width, height: pair.first.height)
            let sentence = try sentence(s.change, ["change": change], rng: &rng)
            parts.append(sentence)
            checks.append(AnswerCheck(turn: 1, kind: .mentions(.pairChange), expected: .text(change), span: sentence))
        case .set(let scenes):
            for (index, scene) in scenes.enumerated() {
                let nouns = listing(scene.objects.map { Phrasing.indefinite(Phrasing.noun($0)) })
                let line = try sentence(
                    s.setItem,
                    ["index": String(index + 1), "count_phrase": Phrasing.counted(scene.objects.count, ObjectFilter()), "nouns": nouns],
                    rng: &rng)
                parts.append(line)
                checks.append(
                    AnswerCheck(turn: 1, kind: .describes(claim(scene, image: index, labels: false)), expected: nil, span: line))
            }
        case .sequence(let frames):
            parts += try describe(frames[0], image: 0, subject: "the first frame", withLabels: true, checks: &checks, rng: &rng)
            let side = Double(min(frames[0].width, frames[0].height))
            let all = SceneQueries.distinctObjects(frames)
            var everyOtherStill = true
            for track in TemporalIntents.tracks(frames) {
                guard let selector = SceneQueries.uniqueSelector(for: track.object, among: all) else { continue }
                let noun = Phrasing.noun(selector)
                if let direction = TemporalIntents.direction(of: track, side: side) {
                    let line = try sentence(s.motion, ["noun": noun, "direction": direction.rawValue], rng: &rng)
                    parts.append(line)
                    checks.append(
                        AnswerCheck(turn: 1, kind: .mentions(.motionDirection(selector: selector)),
                            expected: .text(direction.rawValue), span: line))
                } else if track.firstBox != track.lastBox {
                    everyOtherStill = false
                }
                if track.frames[0] > 0 {
                    let line = try sentence(s.appears, ["noun": noun, "frame": String(track.frames[0] + 1)], rng: &rng)
                    parts.append(line)
                    checks.append(
                        AnswerCheck(turn: 1, kind: .mentions(.firstFrame(selector: selector)),
                            expected: .medium(track.frames[0]), span: line))
                }
                if let last = track.frames.last, last < frames.count - 1 {
                    let line = try sentence(s.disappears, ["noun": noun, "frame": String(last + 1)], rng: &rng)
                    parts.append(line)
                    checks.append(
                        AnswerCheck(turn: 1, kind: .mentions(.lastFrame(selector: selector)), expected: .medium(last),
                            span: line))
                }
            }
            if everyOtherStill, let line = rng.pick(s.still) { parts.append(line) }
        case .annotated, .converted, .described, .video:
            return nil  // a photo's annotations are not a complete description of it
        }
        let instruction = rng.pick(instructions.longVQA).map { "\n" + $0 } ?? ""
        return composer.record(
            slot: "\(TemplateGenerator.descriptionDomain).long_vqa", question: question + instruction,
            answer: parts.joined(separator: " "), type: .longVQA, domain: TemplateGenerator.descriptionDomain,
            skill: sample.kind == .sequence ? .temporal : .comparison, checks: checks,
            template: "\(TemplateGenerator.descriptionDomain).\(sample.kind.rawValue)", phrasing: 0)
    }

    /// Sentences describing one scene: an opening with the object count, one sentence per object in reading
    /// order, and the signs.
    private func describe(
        _ scene: SceneTruth, image: Int, subject: String, withLabels: Bool, checks: inout [AnswerCheck],
        rng: inout SeededGenerator
    ) throws -> [String] {
        let s = templates.sentences
        var parts: [String] = []
        let opening = try sentence(
            s.opening,
            [
                "subject": subject, "count_phrase": Phrasing.counted(scene.objects.count, ObjectFilter()),
                "background": "a \(scene.backgroundName) background",
            ], rng: &rng)
        parts.append(opening)
        checks.append(
            AnswerCheck(turn: 1, kind: .mentions(.count(image: image, filter: ObjectFilter())),
                expected: .int(scene.objects.count), span: opening))
        // Reading order: by region (top left first), then left to right. The keys are worked out once per object,
        // not in every comparison.
        let ordered = scene.objects.map { object in
            let region = region(object, scene)
            return (object: object, region: region, rank: Region.readingRank[region]!)
        }.sorted { a, b in a.rank != b.rank ? a.rank < b.rank : a.object.box.centerX < b.object.box.centerX }
        for (object, region, _) in ordered {
            parts.append(
                try sentence(
                    s.object, ["noun": Phrasing.indefinite(Phrasing.noun(object)), "where": region.phrase],
                    rng: &rng))
            if object.visibleFraction < 0.9, let line = rng.pick(s.occluded) { parts.append(line) }
        }
        if withLabels {
            if scene.labels.isEmpty {
                if let line = rng.pick(s.noLabels) { parts.append(line) }
            } else {
                for label in scene.labels {
                    parts.append(try sentence(s.label, ["sign_color": label.signColor, "a_sign_color": Phrasing.indefinite(label.signColor), "text": label.text], rng: &rng))
                }
            }
        }
        checks.append(AnswerCheck(turn: 1, kind: .describes(claim(scene, image: image, labels: withLabels)), expected: nil))
        return parts
    }

    private func claim(_ scene: SceneTruth, image: Int, labels: Bool) -> DescriptionClaim {
        DescriptionClaim(
            image: image,
            items: scene.objects.map { .init(shape: $0.shape, color: $0.color, size: $0.size, pattern: $0.pattern) },
            labels: labels ? scene.labels.map(\.text) : nil)
    }

    private func region(_ object: SceneObject, _ scene: SceneTruth) -> Region {
        Region.containing(x: object.box.centerX, y: object.box.centerY, width: scene.width, height: scene.height)
    }

    private func sentence(_ variants: [String], _ bindings: TemplateBindings, rng: inout SeededGenerator) throws -> String {
        guard let template = rng.pick(variants) else { return "" }
        return try TemplateText.fill(template, bindings)
    }

    /// "a, b and c".
    private func listing(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "nothing" }
        return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
