import Foundation
import LoomLinking
import Testing

@testable import LoomRecipe

@Suite("In-context settings in recipes")
struct InContextSettingsTests {
    private let header = """
        name: x
        seed: 9
        sources:
          scenes:
            singles: 2
        """

    @Test func theStageIsReadWithTheRecipeSeed() throws {
        let recipe = try RecipeLoader.parse(
            header + "\nstages:\n  in_context: {strategy: text, k: 5, example_share: 0.3, same_sample: true}\n", file: "r.yaml")
        #expect(recipe.inContext == LinkSettings(strategy: .text, k: 5, exampleShare: 0.3, sameSample: true, seed: 9))
        #expect(try RecipeLoader.parse(header, file: "r.yaml").inContext == nil)
        #expect(try RecipeLoader.parse(header + "\nstages:\n  in_context: {}\n", file: "r.yaml").inContext == LinkSettings(seed: 9))
    }

    @Test func badSettingsAreNamedWithTheirPath() throws {
        do {
            _ = try RecipeLoader.parse(header + "\nstages:\n  in_context: {strategy: images, k: 0, examples: 3}\n", file: "r.yaml")
            Issue.record("the recipe should not load")
        } catch let error as RecipeError {
            let messages = error.diagnostics.map { "\($0.path): \($0.message)" }
            #expect(messages.contains { $0.hasPrefix("stages.in_context.strategy") && $0.contains("images") })
            #expect(messages.contains { $0.hasPrefix("stages.in_context.k") })
            #expect(messages.contains { $0.contains("examples") })
        }
    }
}
