import LoomCore
import Testing

@testable import LoomRecipe

/// The diagnostics parsing `yaml` (as "r.yaml") gives: none when it parses.
func recipeDiagnostics(_ yaml: String, knownDomains: [Domain]? = ["counting", "ocr"]) -> [RecipeDiagnostic] {
    do {
        _ = try RecipeLoader.parse(yaml, file: "r.yaml", knownDomains: knownDomains)
        return []
    } catch let error as RecipeError {
        return error.diagnostics
    } catch {
        Issue.record("unexpected error \(error)")
        return []
    }
}
