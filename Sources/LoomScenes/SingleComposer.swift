import Foundation
import LoomCore

/// Composes one still scene by rejection sampling.
///
/// Signs are placed first; objects follow in drawing order, each at a random spot where its box keeps a gap to
/// every sign and every other object. In about a third of the scenes one object (the occluder) is instead placed
/// to overlap an earlier one, hiding part of it but never more than the settings allow.
enum SingleComposer {
    /// The share of scenes that try to include one partial occlusion.
    static let occlusionShare = 0.36
    /// The most of its target an occluder may leave visible, so that the occlusion can actually be seen.
    static let occlusionCeiling = 0.93
    /// Attempts per object before the whole scene is started over.
    static let placementTries = 150

    /// What a scene must contain, beyond the settings.
    struct Request: Sendable {
        var objectCount: Int
        var labelCount: Int
        /// One object must have this shape.
        var requiredShape: Shape? = nil
        /// No object may have these shapes (other than `requiredShape`).
        var forbiddenShapes: [Shape] = []
    }

    /// A scene with the settings' random object and sign counts. Always succeeds: when the canvas cannot hold
    /// the drawn number of objects it settles for fewer.
    static func scene(_ settings: SceneSettings, using rng: inout SeededGenerator) -> SceneTruth {
        let settings = settings.sanitized
        let request = Request(
            objectCount: rng.int(in: settings.minObjects...settings.maxObjects),
            labelCount: LabelPlacer.randomCount(settings, using: &rng))
        return scene(settings, request, using: &rng)
    }

    /// A scene that fulfils `request`, or, when that keeps failing, one with fewer objects.
    static func scene(_ settings: SceneSettings, _ request: Request, using rng: inout SeededGenerator) -> SceneTruth {
        var request = request
        while true {
            for _ in 0..<40 {
                if let scene = compose(settings, request, using: &rng) { return scene }
            }
            if request.objectCount > 1 {
                request.objectCount -= 1
            } else if request.labelCount > 0 {
                request.labelCount = 0
            } else {
                // Nothing fits (an image too small for a single object): an empty scene is all there is.
                let background = BackgroundCatalog.random(using: &rng)
                return SceneTruth(
                    width: settings.width, height: settings.height, background: background.style,
                    backgroundName: background.name, objects: [], labels: [])
            }
        }
    }

    /// One attempt at a scene that fulfils `request`; nil when some object found no place.
    static func compose(_ settings: SceneSettings, _ request: Request, using rng: inout SeededGenerator)
        -> SceneTruth?
    {
        let background = BackgroundCatalog.random(using: &rng)
        let labels = LabelPlacer.place(
            count: request.labelCount, width: settings.width, height: settings.height, using: &rng)
        let count = request.objectCount
        let occluderIndex = count >= 2 && rng.chance(occlusionShare) ? rng.int(in: 1...(count - 1)) : nil
        let requiredIndex = request.requiredShape != nil ? rng.int(in: 0...(count - 1)) : nil

        var objects: [SceneObject] = []
        for index in 0..<count {
            guard
                let attributes = ObjectAttributes.random(
                    avoiding: objects.map(ObjectAttributes.init),
                    shape: index == requiredIndex ? request.requiredShape : nil,
                    forbiddenShapes: request.forbiddenShapes, using: &rng)
            else { return nil }
            var placed: SceneObject? = nil
            if index == occluderIndex {
                placed = placeOccluding(
                    attributes, id: index, z: index, over: objects, labels: labels, settings: settings, using: &rng)
            }
            if placed == nil {
                placed = placeSeparate(
                    attributes, id: index, z: index, among: objects, labels: labels, settings: settings, using: &rng)
            }
            guard let placed else { return nil }
            objects.append(placed)
        }
        let annotated = VisibilityEstimator.annotated(objects)
        guard SceneLayout.meetsVisibility(annotated, minVisible: settings.minVisibleFraction) else { return nil }
        return SceneTruth(
            width: settings.width, height: settings.height, background: background.style,
            backgroundName: background.name, objects: annotated, labels: labels)
    }

    /// The object at a random spot inside the image whose box keeps the gap to every sign and every object of
    /// `others`; nil when no such spot was found.
    static func placeSeparate(
        _ attributes: ObjectAttributes, id: Int, z: Int, among others: [SceneObject], labels: [TextLabel],
        settings: SceneSettings, using rng: inout SeededGenerator
    ) -> SceneObject? {
        let side = Double(min(settings.width, settings.height))
        for _ in 0..<placementTries {
            let radius = attributes.randomRadius(side: side, using: &rng)
            let rotation = attributes.randomRotation(using: &rng)
            guard
                let center = SceneLayout.randomCenter(
                    shape: attributes.shape, radius: radius, rotation: rotation, width: settings.width,
                    height: settings.height, using: &rng)
            else { continue }
            let object = SceneLayout.makeObject(
                id: id, attributes: attributes, center: center, radius: radius, rotation: rotation, z: z)
            if SceneLayout.isClear(object.box, of: labels), SceneLayout.isSeparate(object.box, from: others) {
                return object
            }
        }
        return nil
    }

    /// The object drawn partly over one of `others` (the target), hiding a visible but allowed share of it, and
    /// clear of every other object and sign; nil when no such spot was found.
    static func placeOccluding(
        _ attributes: ObjectAttributes, id: Int, z: Int, over others: [SceneObject], labels: [TextLabel],
        settings: SceneSettings, using rng: inout SeededGenerator
    ) -> SceneObject? {
        let side = Double(min(settings.width, settings.height))
        for _ in 0..<placementTries {
            guard let target = rng.pick(others) else { return nil }
            let radius = attributes.randomRadius(side: side, using: &rng)
            let rotation = attributes.randomRotation(using: &rng)
            let angle = rng.double(in: 0...(2 * .pi))
            let distance = (target.radius + radius) * rng.double(in: 0.45...0.9)
            let center = ScenePoint(
                x: SceneLayout.rounded(target.centerX + distance * cos(angle)),
                y: SceneLayout.rounded(target.centerY + distance * sin(angle)))
            let object = SceneLayout.makeObject(
                id: id, attributes: attributes, center: center, radius: radius, rotation: rotation, z: z)
            guard SceneLayout.isInside(object.box, width: settings.width, height: settings.height),
                SceneLayout.isClear(object.box, of: labels),
                SceneLayout.isSeparate(object.box, from: others.filter { $0.id != target.id }),
                object.box.intersects(target.box)
            else { continue }
            let visible = VisibilityEstimator.visibleFraction(of: target, under: [object])
            if visible >= settings.minVisibleFraction + 0.02, visible <= occlusionCeiling { return object }
        }
        return nil
    }
}
