import Foundation
import LoomEngine
import LoomGenerate
import LoomRecipe

/// A small recipe in a fresh temporary folder.
struct RunFixture {
    let folder: URL
    let recipeURL: URL
    let recipe: Recipe

    init(singles: Int = 10, pairs: Int = 4, sets: Int = 3, sequences: Int = 3, batchSize: Int = 4, seed: Int = 5) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        recipeURL = folder.appendingPathComponent("recipe.yaml")
        let text = """
            name: fixture
            seed: \(seed)
            output: run
            sources:
              scenes:
                singles: \(singles)
                pairs: \(pairs)
                sets: {count: \(sets), images: {min: 3, max: 4}}
                sequences: {count: \(sequences), frames: {min: 4, max: 6}}
                image: {width: 320, height: 240}
                objects: {min: 2, max: 6}
            store:
              batch_size: \(batchSize)
            exports:
              - format: llava
                path: export/llava
              - format: mantis
                path: export/mantis
            """
        try text.write(to: recipeURL, atomically: true, encoding: .utf8)
        recipe = try RecipeLoader.load(contentsOf: recipeURL)
    }

    var runDirectory: URL { folder.appendingPathComponent("run") }

    func runner(faults: FaultPlan = FaultPlan(), recipe: Recipe? = nil) throws -> RecipeRunner {
        RecipeRunner(recipe: recipe ?? self.recipe, recipeURL: recipeURL, catalog: try TemplateCatalog.bundled(), faults: faults, threads: 2)
    }
}
