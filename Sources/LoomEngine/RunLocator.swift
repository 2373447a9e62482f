import Foundation
import LoomCore
import LoomGenerate
import LoomRecipe
import LoomScenes
import LoomStore

/// Finds the run a command means: a recipe file (its output folder) or a run directory.
public enum RunLocator {
    /// True when the path names a recipe rather than a run directory.
    public static func isRecipe(_ path: String) -> Bool {
        path.hasSuffix(".yaml") || path.hasSuffix(".yml")
    }

    /// Loads a recipe, validating domain names against the bundled templates. `checksKeys`: whether the API keys'
    /// variables must be set (a run's), or not (a command that only reads the run).
    public static func loadRecipe(_ path: String, checksKeys: Bool = true) throws -> (recipe: Recipe, url: URL, catalog: TemplateCatalog) {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let catalog = try TemplateCatalog.bundled()
        let recipe = try RecipeLoader.load(
            contentsOf: url, knownDomains: catalog.domainNames,
            sceneCheck: { SceneSettings($0).validate() }, checksKeys: checksKeys)
        return (recipe, url, catalog)
    }

    /// The run directory of a recipe or the directory itself.
    public static func runDirectory(_ path: String, reads: RunStore.ReadPattern = .scans) throws -> RunDirectory {
        if isRecipe(path) {
            // Finding a run sends no request: the keys' variables need not be set.
            let (recipe, url, _) = try loadRecipe(path, checksKeys: false)
            return try RunDirectory(existing: RunDirectory.url(for: recipe, recipeURL: url), reads: reads)
        }
        return try RunDirectory(existing: URL(fileURLWithPath: path).standardizedFileURL, reads: reads)
    }
}
