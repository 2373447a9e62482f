import Foundation
import LoomEngine
import LoomGenerate
import LoomMedia
import LoomRecipe

/// `loom-bench export-corpus RECIPE OUT RECORDS`: a run directory for the export benchmark. The recipe's scene
/// counts are scaled up until the run holds at least RECORDS records, made the way `loom run` makes them but
/// without drawing (and without the quality stage, which the export benchmark does not measure); every medium
/// is then a hard link to a small PNG, so exports can link or copy real files. One PNG copy serves 1,000 media:
/// ext4 allows 65,000 links to one inode, and the exports add their own.
func writeExportCorpus(recipePath: String, output: String, records wanted: Int) async throws -> (records: Int, media: Int) {
    let (recipe, recipeURL, catalog) = try RunLocator.loadRecipe(recipePath)
    guard var scenes = recipe.scenes else { throw CocoaError(.featureUnsupported) }
    // The quickstart recipe makes about 12 records per sample.
    let perSample = 12.0
    let samples = Double(scenes.singles + scenes.pairs + scenes.sets + scenes.sequences)
    let scale = max(1.0, Double(wanted) / (perSample * samples) * 1.02)
    scenes.singles = Int(Double(scenes.singles) * scale)
    scenes.pairs = Int(Double(scenes.pairs) * scale)
    scenes.sets = Int(Double(scenes.sets) * scale)
    scenes.sequences = Int(Double(scenes.sequences) * scale)
    var scratch = recipe
    scratch.scenes = scenes
    scratch.output = output
    scratch.exports = []
    scratch.quality.enabled = false
    let summary = try await RecipeRunner(recipe: scratch, recipeURL: recipeURL, catalog: catalog, threads: ProcessInfo.processInfo.activeProcessorCount, renderImages: false).run()

    let folder = URL(fileURLWithPath: output)
    let image = RGBImage(width: 64, height: 48, pixels: (0..<(64 * 48 * 3)).map { UInt8(($0 * 31) % 251) })
    let png = Data(try ImageEncoder.encodePNG(image))
    let originals = folder.appendingPathComponent("corpus-images")
    try FileManager.default.createDirectory(at: originals, withIntermediateDirectories: true)
    let run = try RunDirectory(existing: folder)
    var media = 0
    var original = originals.appendingPathComponent("0.png")
    try run.store.forEachMediaPath { path in
        if media % 1000 == 0 {
            original = originals.appendingPathComponent("\(media / 1000).png")
            try png.write(to: original)
        }
        let target = folder.appendingPathComponent(path)
        if link(original.path, target.path) == 0 || errno == EEXIST { media += 1 }
    }
    return (summary.records, media)
}
