import Foundation
import LoomStore
import Testing

@testable import LoomRecipe

@Suite("Review settings in recipes")
struct ReviewSettingsTests {
    private let header = """
        name: x
        seed: 9
        sources:
          scenes:
            singles: 2
        """

    @Test func theReviewSectionAndTheExportsReviewSelectionAreRead() throws {
        let recipe = try RecipeLoader.parse(header + """

            review: {passes: 2, policy: any-reject, lease_minutes: 5}
            exports:
              - format: llava
                path: out/llava
                select: {review: accepted}
            """, file: "r.yaml")
        let review = try #require(recipe.review)
        #expect(review.passes == 2 && review.policy == "any-reject" && review.leaseMinutes == 5)
        #expect(recipe.exports.first?.options.selection.review == .accepted)
    }

    @Test func withoutTheSectionTheStoreKeepsItsSettings() throws {
        let recipe = try RecipeLoader.parse(header, file: "r.yaml")
        #expect(recipe.review == nil)
    }

    @Test func badReviewSettingsAreNamed() throws {
        do {
            _ = try RecipeLoader.parse(header + "\nreview: {passes: 0, policy: unanimous, lease: 3}\n", file: "r.yaml")
            Issue.record("the recipe should not load")
        } catch let error as RecipeError {
            let messages = error.diagnostics.map { "\($0.path): \($0.message)" }
            #expect(messages.contains { $0.hasPrefix("review.passes") })
            #expect(messages.contains { $0.hasPrefix("review.policy") && $0.contains("unanimous") })
            #expect(messages.contains { $0.contains("lease") })
        }
    }
}
