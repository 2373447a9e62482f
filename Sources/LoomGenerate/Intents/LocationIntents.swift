import LoomCore

/// Intents about where objects are: grid regions, boxes, relations, which image.
enum LocationIntents {
    /// Objects whose centre lies closer than this (fraction of the side) to a grid line are not asked about.
    static let regionMargin = 0.04

    static func regionOf(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .single, let scene = context.scenes.first else { return nil }
        for object in scene.objects.shuffled(using: &rng) {
            let (x, y) = (object.box.centerX, object.box.centerY)
            guard Region.margin(x: x, y: y, width: scene.width, height: scene.height) >= regionMargin,
                let selector = SceneQueries.uniqueSelector(for: object, among: scene.objects)
            else { continue }
            let region = Region.containing(x: x, y: y, width: scene.width, height: scene.height)
            return IntentInstance(
                fact: .region(image: 0, selector: selector), value: .text(region.rawValue),
                distractors: SceneQueries.otherValues(region, rng: &rng), bindings: ["object": Phrasing.noun(selector)],
                candidateBindings: { candidate in
                    guard case .text(let text) = candidate, let region = Region(rawValue: text) else { return [:] }
                    return ["candidate_where": region.phrase]
                })
        }
        return nil
    }

    static func boundingBoxOf(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .single, let scene = context.scenes.first else { return nil }
        for object in scene.objects.shuffled(using: &rng) {
            guard let selector = SceneQueries.uniqueSelector(for: object, among: scene.objects) else { continue }
            let w = Double(scene.width)
            let h = Double(scene.height)
            let corners = [object.box.x / w, object.box.y / h, object.box.maxX / w, object.box.maxY / h]
            let text = "[" + corners.map(Phrasing.twoDecimals).joined(separator: ", ") + "]"
            return IntentInstance(
                fact: .boundingBox(image: 0, selector: selector), value: .text(text), distractors: [],
                bindings: ["object": Phrasing.noun(selector)])
        }
        return nil
    }

    static func mediumContaining(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .set else { return nil }
        var candidates: [(index: Int, filter: ObjectFilter)] = []
        for (index, scene) in context.scenes.enumerated() {
            for object in scene.objects {
                let filter = ObjectFilter(shape: object.shape, color: object.color)
                let holders = context.scenes.indices.filter { i in context.scenes[i].objects.contains(where: filter.matches) }
                if holders == [index] { candidates.append((index, filter)) }
            }
        }
        guard let chosen = rng.pick(candidates) else { return nil }
        return IntentInstance(
            fact: .mediumContaining(filter: chosen.filter), value: .medium(chosen.index),
            distractors: SceneQueries.otherMedia(chosen.index, count: context.scenes.count, rng: &rng),
            bindings: ["object": Phrasing.noun(chosen.filter), "an_object": Phrasing.indefinite(Phrasing.noun(chosen.filter))],
            candidateBindings: { ["candidate": $0.rendered(mediumNoun: context.mediumNoun)] })
    }

    static func relation(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .single, let scene = context.scenes.first, scene.objects.count >= 2 else { return nil }
        let side = Double(min(scene.width, scene.height))
        for _ in 0..<12 {
            let pair = scene.objects.shuffled(using: &rng).prefix(2)
            let (subject, reference) = (pair.first!, pair.last!)
            let dx = subject.box.centerX - reference.box.centerX
            let dy = subject.box.centerY - reference.box.centerY
            let (major, minor) = (max(abs(dx), abs(dy)), min(abs(dx), abs(dy)))
            // Only clear-cut relations: one axis dominates and the offset is visible.
            guard major >= 1.5 * minor, major >= 0.12 * side,
                let subjectSelector = SceneQueries.uniqueSelector(for: subject, among: scene.objects),
                let referenceSelector = SceneQueries.uniqueSelector(for: reference, among: scene.objects)
            else { continue }
            let relation: SpatialRelation =
                abs(dx) > abs(dy) ? (dx < 0 ? .leftOf : .rightOf) : (dy < 0 ? .above : .below)
            return IntentInstance(
                fact: .relation(image: 0, subject: subjectSelector, reference: referenceSelector),
                value: .text(relation.rawValue), distractors: SceneQueries.otherValues(relation, rng: &rng),
                bindings: ["subject": Phrasing.noun(subjectSelector), "reference": Phrasing.noun(referenceSelector)],
                candidateBindings: { candidate in
                    guard case .text(let text) = candidate, let relation = SpatialRelation(rawValue: text) else { return [:] }
                    return ["candidate_relation": relationPhrase(relation)]
                })
        }
        return nil
    }

    /// "to the left of", "above", … as a judgement reads it.
    static func relationPhrase(_ relation: SpatialRelation) -> String {
        switch relation {
        case .leftOf: "to the left of"
        case .rightOf: "to the right of"
        case .above: "above"
        case .below: "below"
        }
    }
}
