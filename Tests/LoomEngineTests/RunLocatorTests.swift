import Foundation
import LoomCore
import LoomEngine
import LoomStore
import Testing

@Suite("Finding the run a command means")
struct RunLocatorTests {
    @Test("a recipe whose settings differ from its run's store is refused by the commands that read the run, naming the store's recipe")
    func aChangedRecipeIsNotReadAsItsRun() async throws {
        let fixture = try RunFixture()
        _ = try await fixture.runner().run()
        #expect(try RunLocator.runDirectory(fixture.recipeURL.path).url.standardizedFileURL == fixture.runDirectory.standardizedFileURL)
        // The same output, another seed: its dataset would be another one.
        let text = try String(contentsOf: fixture.recipeURL, encoding: .utf8)
        let other = fixture.folder.appendingPathComponent("Other.YAML")
        try text.replacingOccurrences(of: "seed: 5", with: "seed: 6").write(to: other, atomically: true, encoding: .utf8)
        #expect(RunLocator.isRecipe(other.path))
        let error = try #require(throws: LoomError.self) { try RunLocator.runDirectory(other.path) }
        #expect(error.message.contains("holds the store of 'fixture'") && error.message.contains("name the run directory instead"))
        // The run directory itself is read as it is.
        #expect(try RunLocator.runDirectory(fixture.runDirectory.path).recipeName() == "fixture")
    }

    @Test("a recipe never run yet is named as such, with the command that runs it")
    func aRecipeNotRunYet() throws {
        let fixture = try RunFixture()
        let error = try #require(throws: LoomError.self) { try RunLocator.runDirectory(fixture.recipeURL.path) }
        #expect(error.message.contains("has not been run yet") && error.message.contains("loom run"))
        #expect(!FileManager.default.fileExists(atPath: fixture.runDirectory.path))
    }

    @Test("an id prefix that several things start with is an error listing them, not an answer")
    func anAmbiguousPrefixIsAnError() async throws {
        let fixture = try RunFixture()
        _ = try await fixture.runner().run()
        let run = try RunLocator.runDirectory(fixture.runDirectory.path)
        let error = try #require(throws: LoomError.self) { try Inspector.describe(id: "rec-", in: run) }
        #expect(error.message.contains("is ambiguous") && error.message.contains("record rec-"))
        let one = try #require(try run.store.ids(startingWith: "rec-").first?.id)
        #expect(try Inspector.describe(id: one, in: run).hasPrefix("record \(one)"))
    }

    @Test("an export selection naming a type, skill, domain or language no record has is refused with what there is")
    func selectionNamesMustMatch() async throws {
        let fixture = try RunFixture()
        _ = try await fixture.runner().run()
        let store = try RunLocator.runDirectory(fixture.runDirectory.path).store
        var selection = RecordSelection()
        selection.types = ["judgement"]
        selection.domains = ["counting"]
        selection.languages = ["en"]
        try store.checkNamesMatch(selection)
        selection.types = ["judgment"]
        let types = try #require(throws: LoomError.self) { try store.checkNamesMatch(selection) }
        #expect(types.message.contains("'judgment'") && types.message.contains("judgement, multiple_choice"))
        selection.types = []
        selection.languages = ["english"]
        let languages = try #require(throws: LoomError.self) { try store.checkNamesMatch(selection) }
        #expect(languages.message.contains("languages here: en"))
    }
}
