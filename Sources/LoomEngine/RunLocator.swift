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
        let lowercased = path.lowercased()
        return lowercased.hasSuffix(".yaml") || lowercased.hasSuffix(".yml")
    }

    /// Loads a recipe, validating domain names against the bundled templates. `checksEnvironment`: whether the API
    /// keys' variables must be set and the source paths exist (a run's), or not (a command that only reads the run).
    public static func loadRecipe(_ path: String, checksEnvironment: Bool = true) throws -> (recipe: Recipe, url: URL, catalog: TemplateCatalog) {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let catalog = try TemplateCatalog.bundled()
        let recipe = try RecipeLoader.load(
            contentsOf: url, knownDomains: catalog.domainNames,
            sceneCheck: { SceneSettings($0).validate() }, checksEnvironment: checksEnvironment)
        return (recipe, url, catalog)
    }

    /// The run directory of a recipe or the directory itself.
    public static func runDirectory(_ path: String, reads: RunStore.ReadPattern = .scans) throws -> RunDirectory {
        if isRecipe(path) {
            // Finding a run sends no request and reads no source: the keys' variables need not be set, nor the sources be there.
            let (recipe, url, catalog) = try loadRecipe(path, checksEnvironment: false)
            let runURL = RunDirectory.url(for: recipe, recipeURL: url)
            guard FileManager.default.fileExists(atPath: runURL.appendingPathComponent(RunStore.fileName).path) else {
                throw LoomError(
                    .usage, "\(url.lastPathComponent) has not been run yet (no run at \(runURL.path)): `loom run \(path)` makes it",
                    subject: url.path)
            }
            let directory = try RunDirectory(existing: runURL, reads: reads)
            // The run must be this recipe's, as `loom run` insists: another recipe's store would be shown, or
            // exported, as if it were this one's.
            let runner = RecipeRunner(recipe: recipe, recipeURL: url, catalog: catalog)
            // Changed prompts do not make it another run (`RecipeRunner.promptsFingerprint`); a store from before
            // they were kept apart holds one fingerprint of both.
            let keptApart = try directory.store.meta(RunDirectory.Key.promptsFingerprint) != nil
            if let stored = try directory.store.meta(RunDirectory.Key.fingerprint),
                stored != (keptApart ? runner.fingerprint : runner.legacyFingerprint)
            {
                let name = try directory.recipeName() ?? "another recipe"
                let file = try directory.store.meta(RunDirectory.Key.recipeFile).map { " (\($0))" } ?? ""
                throw LoomError(
                    .usage,
                    "this run directory holds the store of '\(name)'\(file), made with other settings than \(url.path) has now; name the run directory instead of the recipe to read it as it is, or run the recipe first",
                    subject: directory.url.path)
            }
            return directory
        }
        return try RunDirectory(existing: URL(fileURLWithPath: path).standardizedFileURL, reads: reads)
    }
}
