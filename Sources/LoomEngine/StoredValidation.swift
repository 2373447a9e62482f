import Foundation
import LoomCore
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
        let recipe: Recipe
        do {
            recipe = try RecipeLoader.load(contentsOf: URL(fileURLWithPath: path))
        } catch {
            return .defaults("its recipe file \(path) cannot be read now")
        }
        let settings = QualityStage.validator(recipe.quality).settings
        try store.setMeta(ValidationSettings.metaKey, String(decoding: try JSONEncoder().encode(settings), as: UTF8.self))
        return .fromRecipe(path)
    }
}
