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

    /// Adds `sections` (top-level YAML: `models:`, `stages:` …) before the recipe's `store:` and returns the recipe
    /// read again.
    func adding(_ sections: String) throws -> Recipe {
        var text = try String(contentsOf: recipeURL, encoding: .utf8)
        text = text.replacingOccurrences(of: "store:\n", with: sections.hasSuffix("\n") ? sections + "store:\n" : sections + "\nstore:\n")
        try text.write(to: recipeURL, atomically: true, encoding: .utf8)
        return try RecipeLoader.load(contentsOf: recipeURL)
    }

    /// A mock endpoint named `mock` at `baseURL` and the given `stages:` lines (indented two spaces).
    func addingMockModel(baseURL: String, model: String, stages: String) throws -> Recipe {
        try adding(Self.mockModel(baseURL: baseURL, model: model) + """
            stages:
            \(stages)

            """)
    }

    /// A recipe's `models:` section with one endpoint named `mock` at `baseURL`, ending in a line break.
    static func mockModel(baseURL: String, model: String) -> String {
        """
        models:
          - name: mock
            base_url: \(baseURL)
            model: \(model)
            concurrency: 4
            timeout: 5
            retries: 2

        """
    }

    func runner(faults: FaultPlan = FaultPlan(), recipe: Recipe? = nil) throws -> RecipeRunner {
        RecipeRunner(recipe: recipe ?? self.recipe, recipeURL: recipeURL, catalog: try TemplateCatalog.bundled(), faults: faults, threads: 2)
    }
}
