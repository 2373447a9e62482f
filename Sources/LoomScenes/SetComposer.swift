import LoomCore

/// Composes a set of independent images for cross-image questions.
///
/// In about half of the sets one shape is planted in every image, and the last image avoids the other shapes
/// all earlier images share, so that exactly one shape is common to the whole set.
enum SetComposer {
    /// The share of sets with one shape common to every image.
    static let sharedShapeShare = 0.5

    /// `count` scenes (at least 1).
    static func set(_ settings: SceneSettings, count: Int, using rng: inout SeededGenerator) -> [SceneTruth] {
        let settings = settings.sanitized
        let count = max(1, count)
        let shared: Shape? = rng.chance(sharedShapeShare) ? rng.pick(Shape.allCases) : nil
        var scenes: [SceneTruth] = []
        for index in 0..<count {
            var request = SingleComposer.Request(
                objectCount: rng.int(in: settings.minObjects...settings.maxObjects),
                labelCount: LabelPlacer.randomCount(settings, using: &rng), requiredShape: shared)
            if let shared, index == count - 1, index > 0 {
                request.forbiddenShapes = Shape.allCases.filter { shape in
                    shape != shared && scenes.allSatisfy { scene in scene.objects.contains { $0.shape == shape } }
                }
            }
            scenes.append(SingleComposer.scene(settings, request, using: &rng))
        }
        return scenes
    }
}
