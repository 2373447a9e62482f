import Foundation
import LoomEngine
import LoomRecipe
import LoomReview
import LoomStore
import Testing

@Suite("A recipe's review settings reach the run's store")
struct ReviewSettingsRunTests {
    @Test func runningARecipeKeepsItsReviewSettingsForTheReviewApp() async throws {
        let fixture = try RunFixture(singles: 2, pairs: 0, sets: 0, sequences: 0)
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        var recipe = fixture.recipe
        var review = ReviewRecipeSettings()
        review.passes = 2
        review.policy = "any-reject"
        review.leaseMinutes = 3
        review.hourlyRate = 18.5
        recipe.review = review
        _ = try await fixture.runner(recipe: recipe).run()
        let store = try RunStore(directory: fixture.runDirectory)
        let settings = try ReviewService.storedSettings(store)
        #expect(settings.passes == 2 && settings.policy == .anyReject && settings.leaseSeconds == 180)
        #expect(settings.hourlyRate == 18.5)
    }
}
