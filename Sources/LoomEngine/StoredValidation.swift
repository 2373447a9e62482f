import Foundation
import LoomCore
import LoomGenerate
import LoomQuality
import LoomRecipe

/// The validation settings a run's corrections in the review app are checked with. The quality stage stores them
/// when it runs (`ValidationSettings.metaKey`); a run whose quality stage ran before Loom stored them gets them from
/// the recipe file it was run with, when that file is still there.
public enum StoredValidation {
    /// What was found.
    public enum Outcome: Sendable, Equatable {
        /// The run has them stored.
        case stored
        /// Taken from the recipe file at this path and stored now.
        case fromRecipe(String)
        /// Neither: corrections are checked with the default settings; the reason.
        case defaults(String)
    }

    /// Stores the recipe's validation settings in a run that has none.
    public static func fillIn(_ directory: RunDirectory) throws -> Outcome {
        let store = directory.store
        if try store.meta(ValidationSettings.metaKey) != nil { return .stored }
        guard let path = try store.meta(RunDirectory.Key.recipeFile) else {
            return .defaults("the run names no recipe file")
        }
        let url = URL(fileURLWithPath: path)
        let runner: RecipeRunner
        do {
            // Read as the commands that only read a run read it: no key variable or source folder is needed.
            let recipe = try RecipeLoader.load(contentsOf: url, checksEnvironment: false)
            runner = RecipeRunner(recipe: recipe, recipeURL: url, catalog: try TemplateCatalog.bundled())
        } catch {
            return .defaults("its recipe file \(path) cannot be read now (\(error))")
        }
        // Only the settings the run validated with count: a file edited since may hold others. Where the quality
        // stage ran, its stamp covers its settings, the seed and the record count; where it never ran, the recipe
        // must still be the run's.
        if let stamp = try store.meta(QualityStage.Key.settings) {
            let records = try store.recordCounts().total
            guard stamp == (try QualityStage.settingsStamp(runner.recipe.quality, seed: runner.recipe.seed, records: records)) else {
                return .defaults("the quality settings in its recipe file \(path) are not (or no longer) the ones its quality stage ran with")
            }
        } else {
            let keptApart = try store.meta(RunDirectory.Key.promptsFingerprint) != nil
            guard try store.meta(RunDirectory.Key.fingerprint) == (keptApart ? runner.fingerprint : runner.legacyFingerprint) else {
                return .defaults("its recipe file \(path) has other settings than the run now")
            }
        }
        let settings = QualityStage.validator(runner.recipe.quality).settings
        // Set only if still missing, in one transaction: a quality stage running meanwhile stores its own.
        let json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
        if try store.meta(ValidationSettings.metaKey, orSetting: [(ValidationSettings.metaKey, json)]) != nil { return .stored }
        return .fromRecipe(path)
    }
}
