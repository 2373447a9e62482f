import Foundation
import LoomEngine
import LoomGenerate
import LoomRecipe
import LoomStore

/// `loom-bench ingest DIR THREADS [HASHES_OUT]`: runs the real ingest stage (read, SHA-256, decode with DCT
/// scaling, orientation, pHash, 512-px JPEG, thumbnail, store) over every image in DIR with THREADS CPU
/// workers, and optionally writes {file name: pHash hex} for the agreement check against imagehash.
func runIngestBenchmark(folder: String, threads: Int, hashesOut: String?) async throws -> (images: Int, seconds: Double) {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("loom-bench-ingest-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: work) }
    let recipeURL = work.appendingPathComponent("recipe.yaml")
    try """
        name: ingest-benchmark
        output: run
        sources:
          folders:
            - path: \(URL(fileURLWithPath: folder).standardizedFileURL.path)
        stages:
          ingest: {longest_side: 512, thumbnail_side: 160, jpeg_quality: 90}
        """.write(to: recipeURL, atomically: true, encoding: .utf8)
    let recipe = try RecipeLoader.load(contentsOf: recipeURL)
    let runner = RecipeRunner(recipe: recipe, recipeURL: recipeURL, catalog: try TemplateCatalog.bundled(), threads: threads)
    let started = Date()
    let summary = try await runner.run()
    let seconds = Date().timeIntervalSince(started)
    if let hashesOut {
        let store = try RunStore(directory: work.appendingPathComponent("run"))
        var hashes: [String: String] = [:]
        try store.forEachImage { image in
            let name = image.sourcePath.split(separator: "/").last.map(String.init) ?? image.sourcePath
            let hex = String(image.perceptualHash, radix: 16)
            hashes[name] = String(repeating: "0", count: 16 - hex.count) + hex
        }
        try JSONSerialization.data(withJSONObject: hashes, options: [.sortedKeys]).write(to: URL(fileURLWithPath: hashesOut))
    }
    return (summary.ingest?.images ?? 0, seconds)
}
