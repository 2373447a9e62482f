import LoomCore

/// Composes procedural scenes with exact ground truth.
///
/// Composition is pure and deterministic: the result depends only on the settings and the generator's state,
/// and the generator is advanced in a fixed order. Nothing is drawn here; `SceneRenderer` turns the truth into
/// pixels.
///
/// Every scene keeps these rules: each object lies fully inside the image (with a small margin); every object
/// keeps at least `1 − maxOcclusion` of its area visible; no two objects share all four attributes; signs touch
/// no object and no other sign, and carry distinct texts and distinct sign colours. Settings that fail
/// `SceneSettings.validate()` are clamped to usable values first.
public enum SceneComposer {
    /// One scene: a random background, `minObjects...maxObjects` objects and up to `maxLabels` signs.
    ///
    /// About a third of the scenes have one object partly hidden by another.
    public static func single(_ settings: SceneSettings, rng: inout SeededGenerator) -> SceneTruth {
        SingleComposer.scene(settings, using: &rng)
    }

    /// Two scenes that differ by exactly one change of a uniformly drawn kind: an object added (new id, on top),
    /// removed, moved (to another 3×3 region, at least a quarter of the width or height away), recoloured or
    /// resized (another size class). Every other object and sign is the same in both; only visible fractions are
    /// recomputed for the second scene.
    public static func pair(_ settings: SceneSettings, rng: inout SeededGenerator) -> PairTruth {
        PairComposer.pair(settings, using: &rng)
    }

    /// `count` independent scenes (object ids are per image). In about half of the sets exactly one shape
    /// appears in every image.
    public static func set(_ settings: SceneSettings, count: Int, rng: inout SeededGenerator) -> [SceneTruth] {
        SetComposer.set(settings, count: count, using: &rng)
    }

    /// `frames` frames of one scene over time (at least 2).
    ///
    /// Background and signs are static; every object keeps its id and attributes. One or two objects move with a
    /// constant per-frame step straight left, right, up or down, covering at least a fifth of the image side on
    /// that axis; the others stand still. About 40% of sequences have an object that appears after the first
    /// frame, and about 40% one that disappears before the last.
    public static func sequence(_ settings: SceneSettings, frames: Int, rng: inout SeededGenerator) -> [SceneTruth] {
        SequenceComposer.sequence(settings, frames: frames, using: &rng)
    }
}
