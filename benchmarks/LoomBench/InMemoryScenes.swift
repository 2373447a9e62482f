import LoomCore
import LoomEngine
import LoomGenerate
import LoomRecipe
import LoomScenes

/// What the in-memory scenarios (`generate`, `compose`, `encode`) make from a recipe's drawn scenes: its plan, its
/// generator, and each planned sample's ground truth, drawn from the same seeds a run uses.
struct InMemoryScenes {
    let recipe: Recipe
    let source: SceneSource
    let plan: WorkPlan
    let generator: TemplateGenerator
    let settings: SceneSettings

    /// nil when the recipe draws no scenes.
    init?(recipe: Recipe, catalog: TemplateCatalog) {
        guard let source = recipe.scenes else { return nil }
        self.recipe = recipe
        self.source = source
        plan = WorkPlan(recipe: recipe)
        generator = TemplateGenerator(
            catalog: catalog, types: recipe.generate.types, domains: recipe.generate.domains,
            language: recipe.generate.language)
        settings = SceneSettings(
            width: source.width, height: source.height, minObjects: source.objects.lowerBound,
            maxObjects: source.objects.upperBound, minLabels: source.labels.lowerBound,
            maxLabels: source.labels.upperBound, maxOcclusion: source.maxOcclusion)
    }

    /// The planned sample's ground truth.
    func truth(of planned: PlannedSample) -> SampleTruth {
        var rng = SeededGenerator(seed: StableID.seed(recipe.seed, planned.id, "scene"))
        return switch planned.kind {
        case .single: .single(SceneComposer.single(settings, rng: &rng))
        case .pair: .pair(SceneComposer.pair(settings, rng: &rng))
        case .set: .set(SceneComposer.set(settings, count: rng.int(in: source.setImages), rng: &rng))
        case .sequence: .sequence(SceneComposer.sequence(settings, frames: rng.int(in: source.sequenceFrames), rng: &rng))
        }
    }

    /// The planned sample with its truth, media named `m0`, `m1`, …, and its records.
    func sampleAndRecords(_ planned: PlannedSample, truth: SampleTruth) -> (Sample, [Record]) {
        let sample = Sample(
            id: planned.id, kind: planned.kind, ordinal: planned.ordinal, media: truth.scenes.indices.map { "m\($0)" },
            truth: truth)
        return (sample, try! generator.records(for: sample, seed: StableID.seed(recipe.seed, planned.id, "generate")))
    }
}
