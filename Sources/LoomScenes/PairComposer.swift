import LoomCore

/// Composes two images that differ by exactly one controlled change.
///
/// The change kind is drawn uniformly first; then a first scene is composed and the change applied. When the
/// change cannot be applied within the layout rules (no room to move or grow an object), the pair starts over
/// with a new first scene.
enum PairComposer {
    /// The least distance a moved object's centre travels, as a fraction of the image width or height.
    static let minimumMove = 0.25

    /// A first scene and its changed copy.
    static func pair(_ settings: SceneSettings, using rng: inout SeededGenerator) -> PairTruth {
        let settings = settings.sanitized
        let kind = rng.pick(PairChange.Kind.allCases) ?? .recolored
        // The chosen kind first; should it keep failing (tiny canvases), the others, recolouring last since it
        // needs no room at all.
        var kinds = [kind] + PairChange.Kind.allCases.filter { $0 != kind && $0 != .recolored }
        if kind != .recolored { kinds.append(.recolored) }
        for candidate in kinds {
            for _ in 0..<40 {
                let first = SingleComposer.scene(settings, request(for: candidate, settings, using: &rng), using: &rng)
                if let (second, change) = apply(candidate, to: first, settings: settings, using: &rng) {
                    return PairTruth(first: first, second: second, change: change)
                }
            }
        }
        // Unreachable for any image that holds one object; keep the pair well-formed regardless.
        let scene = SingleComposer.scene(settings, using: &rng)
        return PairTruth(first: scene, second: scene, change: PairChange(kind: .recolored, objectID: -1))
    }

    /// Object and sign counts for the first scene, keeping the second scene's object count within the settings.
    private static func request(
        for kind: PairChange.Kind, _ settings: SceneSettings, using rng: inout SeededGenerator
    ) -> SingleComposer.Request {
        var range = settings.minObjects...settings.maxObjects
        switch kind {
        case .added where range.count > 1: range = range.lowerBound...(range.upperBound - 1)
        case .removed: range = max(2, min(range.upperBound, range.lowerBound + 1))...max(2, range.upperBound)
        default: break
        }
        return SingleComposer.Request(
            objectCount: rng.int(in: range), labelCount: LabelPlacer.randomCount(settings, using: &rng))
    }

    /// The second scene and the change, or nil when the change does not fit the first scene.
    static func apply(
        _ kind: PairChange.Kind, to first: SceneTruth, settings: SceneSettings, using rng: inout SeededGenerator
    ) -> (SceneTruth, PairChange)? {
        let objects: [SceneObject]?
        let changedID: Int?
        switch kind {
        case .removed:
            guard first.objects.count >= 2, let victim = rng.pick(first.objects) else { return nil }
            (objects, changedID) = (first.objects.filter { $0.id != victim.id }, victim.id)
        case .added:
            let added = add(to: first, settings: settings, using: &rng)
            (objects, changedID) = (added.map { first.objects + [$0] }, added?.id)
        case .moved:
            let moved = move(in: first, settings: settings, using: &rng)
            (objects, changedID) = (moved.map { replacing($0, in: first.objects) }, moved?.id)
        case .recolored:
            let recolored = recolor(in: first, using: &rng)
            (objects, changedID) = (recolored.map { replacing($0, in: first.objects) }, recolored?.id)
        case .resized:
            let resized = resize(in: first, settings: settings, using: &rng)
            (objects, changedID) = (resized.map { replacing($0, in: first.objects) }, resized?.id)
        }
        guard let objects, let changedID else { return nil }
        let annotated = VisibilityEstimator.annotated(objects)
        guard SceneLayout.meetsVisibility(annotated, minVisible: settings.minVisibleFraction) else { return nil }
        var second = first
        second.objects = annotated
        return (second, PairChange(kind: kind, objectID: changedID))
    }

    private static func replacing(_ object: SceneObject, in objects: [SceneObject]) -> [SceneObject] {
        objects.map { $0.id == object.id ? object : $0 }
    }

    /// A new object on top of the others, with attributes no object has, clear of every object and sign.
    private static func add(to scene: SceneTruth, settings: SceneSettings, using rng: inout SeededGenerator)
        -> SceneObject?
    {
        guard let attributes = ObjectAttributes.random(avoiding: scene.objects.map(ObjectAttributes.init), using: &rng)
        else { return nil }
        let id = (scene.objects.map(\.id).max() ?? -1) + 1
        let z = (scene.objects.map(\.z).max() ?? -1) + 1
        return SingleComposer.placeSeparate(
            attributes, id: id, z: z, among: scene.objects, labels: scene.labels, settings: settings, using: &rng)
    }

    /// One object at a new spot in another 3×3 region, at least `minimumMove` of the width or height away,
    /// clear of every other object and sign. Objects near a grid line are not moved.
    private static func move(in scene: SceneTruth, settings: SceneSettings, using rng: inout SeededGenerator)
        -> SceneObject?
    {
        let (width, height) = (scene.width, scene.height)
        let candidates = scene.objects.filter {
            SceneLayout.region(of: $0, width: width, height: height).margin >= SceneLayout.regionMargin
        }
        for object in candidates.shuffled(using: &rng) {
            let origin = SceneLayout.region(of: object, width: width, height: height).region
            let others = scene.objects.filter { $0.id != object.id }
            guard
                let range = SceneLayout.centerRange(
                    shape: object.shape, radius: object.radius, rotation: object.rotation, width: width, height: height)
            else { continue }
            for _ in 0..<100 {
                let center = ScenePoint(
                    x: SceneLayout.rounded(rng.double(in: range.x)), y: SceneLayout.rounded(rng.double(in: range.y)))
                let moved = SceneLayout.moved(object, to: center)
                let target = SceneLayout.region(of: moved, width: width, height: height)
                let farEnough =
                    abs(center.x - object.centerX) >= minimumMove * Double(width)
                    || abs(center.y - object.centerY) >= minimumMove * Double(height)
                if farEnough, target.region != origin, target.margin >= SceneLayout.regionMargin,
                    SceneLayout.isClear(moved.box, of: scene.labels), SceneLayout.isSeparate(moved.box, from: others)
                {
                    return moved
                }
            }
        }
        return nil
    }

    /// One object in another colour, keeping every attribute combination unique.
    private static func recolor(in scene: SceneTruth, using rng: inout SeededGenerator) -> SceneObject? {
        for object in scene.objects.shuffled(using: &rng) {
            let taken = scene.objects.filter { $0.id != object.id }.map(ObjectAttributes.init)
            for color in ObjectColor.allCases.shuffled(using: &rng) where color != object.color {
                var recolored = object
                recolored.color = color
                if !taken.contains(ObjectAttributes(recolored)) { return recolored }
            }
        }
        return nil
    }

    /// One object in another size class around the same centre, still inside the image, clear of the signs and
    /// touching no object it did not touch before; attribute combinations stay unique.
    private static func resize(in scene: SceneTruth, settings: SceneSettings, using rng: inout SeededGenerator)
        -> SceneObject?
    {
        let side = Double(min(scene.width, scene.height))
        for object in scene.objects.shuffled(using: &rng) {
            let others = scene.objects.filter { $0.id != object.id }
            let taken = others.map(ObjectAttributes.init)
            let apart = others.filter { SceneLayout.isSeparate(object.box, from: [$0]) }
            for size in SizeClass.allCases.shuffled(using: &rng) where size != object.size {
                var attributes = ObjectAttributes(object)
                attributes.size = size
                guard !taken.contains(attributes) else { continue }
                for _ in 0..<10 {
                    let radius = attributes.randomRadius(side: side, using: &rng)
                    let resized = SceneLayout.makeObject(
                        id: object.id, attributes: attributes, center: ScenePoint(x: object.centerX, y: object.centerY),
                        radius: radius, rotation: object.rotation, z: object.z)
                    if SceneLayout.isInside(resized.box, width: scene.width, height: scene.height),
                        SceneLayout.isClear(resized.box, of: scene.labels),
                        SceneLayout.isSeparate(resized.box, from: apart)
                    {
                        return resized
                    }
                }
            }
        }
        return nil
    }
}
