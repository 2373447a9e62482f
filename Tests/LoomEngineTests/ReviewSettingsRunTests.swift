import Foundation
import LoomEngine
import LoomRecipe
import LoomReview
import LoomQuality
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

@Suite("The validation settings review corrections are checked with")
struct StoredValidationTests {
    @Test("a run whose quality stage stored no settings gets its recipe's; one that stored them keeps them")
    func settingsComeFromTheRecipeWhenTheRunHasNone() async throws {
        let fixture = try RunFixture(singles: 2, pairs: 0, sets: 0, sequences: 0)
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        // Quality left out: nothing stores the settings, as in runs from before Loom stored them.
        let recipe = try fixture.adding("stages:\n  quality:\n    enabled: false\n    lengths:\n      short_vqa: {min_words: 1, max_words: 3}\n")
        _ = try await fixture.runner(recipe: recipe).run()
        let directory = try RunDirectory(existing: fixture.runDirectory)
        #expect(try directory.store.meta(ValidationSettings.metaKey) == nil)
        #expect(try StoredValidation.fillIn(directory) == .fromRecipe(fixture.recipeURL.path))
        let stored = try #require(try directory.store.meta(ValidationSettings.metaKey))
        let settings = try JSONDecoder().decode(ValidationSettings.self, from: Data(stored.utf8))
        #expect(settings.lengthBounds[.shortVQA]?.maxWords == 3)
        #expect(try StoredValidation.fillIn(directory) == .stored)
    }

    @Test("a run whose quality stage ran takes its recipe's settings only while the recipe's quality settings are the ones it ran with")
    func aQualityStageThatRanIsMatchedByItsStamp() async throws {
        let fixture = try RunFixture(singles: 2, pairs: 0, sets: 0, sequences: 0)
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let recipe = try fixture.adding("stages:\n  quality:\n    lengths:\n      short_vqa: {min_words: 1, max_words: 4}\n")
        _ = try await fixture.runner(recipe: recipe).run()
        let directory = try RunDirectory(existing: fixture.runDirectory)
        // As an older Loom left it: the quality stage ran, and stored no validation settings.
        try directory.store.removeMeta(ValidationSettings.metaKey)
        #expect(try StoredValidation.fillIn(directory) == .fromRecipe(fixture.recipeURL.path))

        // The quality settings edited since (not part of the run's fingerprint): the run's own are not known.
        try directory.store.removeMeta(ValidationSettings.metaKey)
        let text = try String(contentsOf: fixture.recipeURL, encoding: .utf8)
        try text.replacingOccurrences(of: "max_words: 4", with: "max_words: 9").write(to: fixture.recipeURL, atomically: true, encoding: .utf8)
        guard case .defaults(let reason) = try StoredValidation.fillIn(directory) else {
            Issue.record("expected the defaults")
            return
        }
        #expect(reason.contains("quality settings"))
    }

    @Test("without its recipe file, a run that stored no settings is checked with the defaults, saying why")
    func withoutTheRecipeTheDefaults() async throws {
        let fixture = try RunFixture(singles: 2, pairs: 0, sets: 0, sequences: 0)
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let recipe = try fixture.adding("stages:\n  quality:\n    enabled: false\n")
        _ = try await fixture.runner(recipe: recipe).run()
        let directory = try RunDirectory(existing: fixture.runDirectory)
        // A recipe file edited since the run says nothing of how the run validated.
        let text = try String(contentsOf: fixture.recipeURL, encoding: .utf8)
        try text.replacingOccurrences(of: "seed: 5", with: "seed: 6").write(to: fixture.recipeURL, atomically: true, encoding: .utf8)
        #expect(try StoredValidation.fillIn(directory) == .defaults("its recipe file \(fixture.recipeURL.path) has other settings than the run now"))
        try FileManager.default.removeItem(at: fixture.recipeURL)
        guard case .defaults(let reason) = try StoredValidation.fillIn(directory) else {
            Issue.record("expected the defaults")
            return
        }
        #expect(reason.contains(fixture.recipeURL.path))
        #expect(try directory.store.meta(ValidationSettings.metaKey) == nil)
    }
}
