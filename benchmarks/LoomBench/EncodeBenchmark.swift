import Foundation
import LoomCore
import LoomEngine
import LoomGenerate
import LoomRecipe
import LoomScenes

/// `loom-bench encode RECIPE`: the JSON the store keeps for every sample and record (`canonicalJSON`, and each
/// record's ShareGPT conversation), on one thread. The recipe's samples and records are made first, untimed; then
/// all of them are encoded five times over and the fastest pass is reported.
func encodeBenchmark(recipe: Recipe, catalog: TemplateCatalog) {
    guard let source = recipe.scenes else { exit(2) }
    let plan = WorkPlan(recipe: recipe)
    let generator = TemplateGenerator(
        catalog: catalog, types: recipe.generate.types, domains: recipe.generate.domains, language: recipe.generate.language)
    let settings = SceneSettings(
        width: source.width, height: source.height, minObjects: source.objects.lowerBound,
        maxObjects: source.objects.upperBound, minLabels: source.labels.lowerBound, maxLabels: source.labels.upperBound,
        maxOcclusion: source.maxOcclusion)
    var samples: [Sample] = []
    var records: [Record] = []
    for planned in plan.samples {
        var rng = SeededGenerator(seed: StableID.seed(recipe.seed, planned.id, "scene"))
        let truth: SampleTruth =
            switch planned.kind {
            case .single: .single(SceneComposer.single(settings, rng: &rng))
            case .pair: .pair(SceneComposer.pair(settings, rng: &rng))
            case .set: .set(SceneComposer.set(settings, count: rng.int(in: source.setImages), rng: &rng))
            case .sequence: .sequence(SceneComposer.sequence(settings, frames: rng.int(in: source.sequenceFrames), rng: &rng))
            }
        let sample = Sample(
            id: planned.id, kind: planned.kind, ordinal: planned.ordinal, media: truth.scenes.indices.map { "m\($0)" },
            truth: truth)
        records += try! generator.records(for: sample, seed: StableID.seed(recipe.seed, planned.id, "generate"))
        samples.append(sample)
    }
    var fastest = Double.infinity
    var bytes = 0
    for _ in 0..<5 {
        let started = Date()
        bytes = 0
        for sample in samples { bytes += sample.canonicalJSON.utf8.count }
        for record in records { bytes += record.canonicalJSON.utf8.count + record.shareGPTJSON.utf8.count }
        fastest = min(fastest, Date().timeIntervalSince(started))
    }
    FileHandle.standardError.write(Data("encode: \(bytes) bytes of JSON per pass\n".utf8))
    report("encode", samples: samples.count, records: records.count, seconds: fastest)
}
