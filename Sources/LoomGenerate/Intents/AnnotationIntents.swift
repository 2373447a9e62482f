import LoomCore

/// Intents grounded in the annotations of the user's images (COCO boxes and categories, a manifest's
/// objects): counting, presence with absent categories from the collection, where an object is, relations
/// and sizes from box geometry, and questions across several images.
enum AnnotationIntents {
    // MARK: - One image

    static func countCategory(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .single, let image = context.truth.annotatedImages.first,
            let chosen = rng.pick(AnnotationQueries.countable(image))
        else { return nil }
        return countInstance(.count(image: 0, filter: .category(chosen.category)), chosen.count, chosen.category, extra: [:], rng: &rng)
    }

    /// "Is there a dog in the image?" as a yes record about a category the image shows and a no record about
    /// one of the collection's categories it does not: yes and no stay balanced, and "no" is never a guess
    /// about an unannotated category of another collection.
    static func presence(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .single, let image = context.truth.annotatedImages.first,
            let present = rng.pick(AnnotationQueries.salientCategories(image))
        else { return nil }
        let annotated = AnnotationQueries.categories(of: image)
        guard let absent = rng.pick(context.categories.filter { !annotated.contains($0) }) else { return nil }
        return IntentInstance(
            fact: .presence(image: 0, filter: .category(present)), value: .text("yes"), distractors: [],
            bindings: nounBindings(present),
            negative: (.presence(image: 0, filter: .category(absent)), nounBindings(absent)))
    }

    static func region(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .single, let image = context.truth.annotatedImages.first else { return nil }
        for object in AnnotationQueries.singletons(image).shuffled(using: &rng) {
            let (x, y) = (object.box.centerX, object.box.centerY)
            guard Region.margin(x: x, y: y, width: image.width, height: image.height) >= LocationIntents.regionMargin
            else { continue }
            let region = Region.containing(x: x, y: y, width: image.width, height: image.height)
            return IntentInstance(
                fact: .region(image: 0, selector: .category(object.category)), value: .text(region.rawValue),
                distractors: SceneQueries.otherValues(region, rng: &rng), bindings: nounBindings(object.category),
                candidateBindings: { candidate in
                    guard case .text(let text) = candidate, let region = Region(rawValue: text) else { return [:] }
                    return ["candidate_where": region.phrase]
                })
        }
        return nil
    }

    static func boundingBox(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .single, let image = context.truth.annotatedImages.first,
            let object = rng.pick(AnnotationQueries.singletons(image))
        else { return nil }
        let (w, h) = (Double(image.width), Double(image.height))
        let corners = [object.box.x / w, object.box.y / h, object.box.maxX / w, object.box.maxY / h]
        return IntentInstance(
            fact: .boundingBox(image: 0, selector: .category(object.category)),
            value: .text("[" + corners.map(Phrasing.twoDecimals).joined(separator: ", ") + "]"), distractors: [],
            bindings: nounBindings(object.category))
    }

    static func relation(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .single, let image = context.truth.annotatedImages.first else { return nil }
        let singles = AnnotationQueries.singletons(image)
        guard singles.count >= 2 else { return nil }
        let side = Double(min(image.width, image.height))
        for _ in 0..<12 {
            let pair = singles.shuffled(using: &rng).prefix(2)
            let (subject, reference) = (pair.first!, pair.last!)
            let dx = subject.box.centerX - reference.box.centerX
            let dy = subject.box.centerY - reference.box.centerY
            let (major, minor) = (max(abs(dx), abs(dy)), min(abs(dx), abs(dy)))
            // Only clear-cut relations: one axis dominates and the offset is plain to see.
            guard major >= 1.5 * minor, major >= 0.12 * side else { continue }
            let relation: SpatialRelation =
                abs(dx) > abs(dy) ? (dx < 0 ? .leftOf : .rightOf) : (dy < 0 ? .above : .below)
            return IntentInstance(
                fact: .relation(image: 0, subject: .category(subject.category), reference: .category(reference.category)),
                value: .text(relation.rawValue), distractors: SceneQueries.otherValues(relation, rng: &rng),
                bindings: ["subject": subject.category, "reference": reference.category],
                candidateBindings: { candidate in
                    guard case .text(let text) = candidate, let relation = SpatialRelation(rawValue: text) else { return [:] }
                    return ["candidate_relation": LocationIntents.relationPhrase(relation)]
                })
        }
        return nil
    }

    /// Which of two objects takes up more of the image, by box area; asked only when one box is at least
    /// twice the other, well past the checker's own 1.5× margin.
    static func larger(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        guard context.kind == .single, let image = context.truth.annotatedImages.first else { return nil }
        let singles = AnnotationQueries.singletons(image)
        guard singles.count >= 2 else { return nil }
        for _ in 0..<8 {
            let pair = singles.shuffled(using: &rng).prefix(2)
            let (first, second) = (pair.first!, pair.last!)
            let (a, b) = (first.box.width * first.box.height, second.box.width * second.box.height)
            guard max(a, b) >= 2 * min(a, b) else { continue }
            let (big, small) = a > b ? (first.category, second.category) : (second.category, first.category)
            return IntentInstance(
                fact: .larger(image: 0, first: .category(first.category), second: .category(second.category)),
                value: .text(big), distractors: [.text(small)],
                bindings: ["first": first.category, "second": second.category],
                candidateBindings: { candidate in
                    guard case .text(let name) = candidate else { return [:] }
                    return ["candidate": name, "other": name == big ? small : big]
                })
        }
        return nil
    }

    // MARK: - Several images

    static func countInMedium(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        let images = context.truth.annotatedImages
        guard context.kind != .single, !images.isEmpty else { return nil }
        let index = rng.int(in: 0...(images.count - 1))
        guard let chosen = rng.pick(AnnotationQueries.countable(images[index])) else { return nil }
        return countInstance(
            .count(image: index, filter: .category(chosen.category)), chosen.count, chosen.category,
            extra: ["medium": context.medium(index)], rng: &rng)
    }

    /// The total over distinct photos of a category countable in every one of them.
    static func totalCount(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        let images = context.truth.annotatedImages
        guard context.kind != .single, images.count >= 2 else { return nil }
        let candidates = Set(images.flatMap { AnnotationQueries.countable($0).map(\.category) }).sorted().compactMap {
            category -> (String, Int)? in
            let counts = images.map { AnnotationQueries.count(of: category, in: $0) }
            guard counts.allSatisfy({ $0 != nil }), counts.filter({ $0! > 0 }).count >= 2 else { return nil }
            return (category, counts.reduce(0) { $0 + $1! })
        }
        guard let (category, total) = rng.pick(candidates) else { return nil }
        return countInstance(
            .totalCount(filter: .category(category)), total, category,
            extra: ["media": context.mediumNoun + "s", "medium_noun": context.mediumNoun], rng: &rng)
    }

    /// The only image showing a category that none of the others has annotated at all.
    static func mediumContaining(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        let images = context.truth.annotatedImages
        guard context.kind != .single, images.count >= 2 else { return nil }
        var candidates: [(index: Int, category: String)] = []
        for (index, image) in images.enumerated() {
            for category in AnnotationQueries.salientCategories(image) {
                let elsewhere = images.indices.contains { $0 != index && AnnotationQueries.categories(of: images[$0]).contains(category) }
                if !elsewhere { candidates.append((index, category)) }
            }
        }
        guard let chosen = rng.pick(candidates) else { return nil }
        return IntentInstance(
            fact: .mediumContaining(filter: .category(chosen.category)), value: .medium(chosen.index),
            distractors: SceneQueries.otherMedia(chosen.index, count: images.count, rng: &rng),
            bindings: nounBindings(chosen.category),
            candidateBindings: { ["candidate": $0.rendered(mediumNoun: context.mediumNoun)] })
    }

    /// The image with more of a category than any other, among images where it can be counted.
    static func mediumWithMost(_ context: IntentContext, _ rng: inout SeededGenerator) -> IntentInstance? {
        let images = context.truth.annotatedImages
        guard context.kind != .single, images.count >= 2 else { return nil }
        var candidates: [(index: Int, category: String)] = []
        for category in Set(images.flatMap { AnnotationQueries.countable($0).map(\.category) }).sorted() {
            let counts = images.map { AnnotationQueries.count(of: category, in: $0) }
            guard counts.allSatisfy({ $0 != nil }) else { continue }
            let values = counts.map { $0! }
            guard values.filter({ $0 > 0 }).count >= 2, let most = values.max(), values.filter({ $0 == most }).count == 1
            else { continue }
            candidates.append((values.firstIndex(of: most)!, category))
        }
        guard let chosen = rng.pick(candidates) else { return nil }
        return IntentInstance(
            fact: .mediumWithMost(filter: .category(chosen.category)), value: .medium(chosen.index),
            distractors: SceneQueries.otherMedia(chosen.index, count: images.count, rng: &rng),
            bindings: ["objects": EnglishPlural.of(chosen.category)],
            candidateBindings: { ["candidate": $0.rendered(mediumNoun: context.mediumNoun)] })
    }

    // MARK: - Helpers

    /// "{object}" and "{an_object}" ("dog", "a dog"; "apple", "an apple").
    private static func nounBindings(_ category: String) -> TemplateBindings {
        ["object": category, "an_object": Phrasing.indefinite(category)]
    }

    private static func countInstance(
        _ fact: Fact, _ count: Int, _ category: String, extra: TemplateBindings, rng: inout SeededGenerator
    ) -> IntentInstance {
        var bindings = extra
        bindings["objects"] = EnglishPlural.of(category)
        return IntentInstance(
            fact: fact, value: .int(count), distractors: SceneQueries.nearbyNumbers(count, rng: &rng), bindings: bindings,
            candidateBindings: { candidate in
                guard case .int(let value) = candidate else { return [:] }
                return ["candidate_objects": "\(value) \(value == 1 ? category : EnglishPlural.of(category))", "candidate": String(value)]
            })
    }
}
