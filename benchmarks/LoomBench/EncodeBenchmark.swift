import Foundation
import LoomCore
import LoomGenerate
import LoomRecipe

/// `loom-bench encode RECIPE`: the JSON the store keeps for every sample and record (`canonicalJSON`, and each
/// record's ShareGPT conversation), on one thread. The recipe's samples and records are made first, untimed; then
/// all of them are encoded five times over and the fastest pass is reported.
func encodeBenchmark(recipe: Recipe, catalog: TemplateCatalog) {
    guard let scenes = InMemoryScenes(recipe: recipe, catalog: catalog) else { exit(2) }
    var samples: [Sample] = []
    var records: [Record] = []
    for planned in scenes.plan.samples {
        let (sample, made) = scenes.sampleAndRecords(planned, truth: scenes.truth(of: planned))
        samples.append(sample)
        records += made
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
