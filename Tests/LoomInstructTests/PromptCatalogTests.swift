import Foundation
import LoomCore
import LoomInstruct
import Testing

@Suite("Prompt files")
struct PromptCatalogTests {
    @Test func theShippedPromptsLoadWithEveryDomainAndSubset() throws {
        let catalog = try PromptCatalog.load()
        #expect(catalog.domains.map(\.id) == Domain.mmInstruct.map(\.rawValue))
        #expect(catalog.domains.allSatisfy { $0.seedQuestions.count >= 3 })
        for id in ["llava_conversation", "llava_detail", "llava_reasoning", "spot_the_difference", "sequence_events"] {
            let subset = try #require(catalog.syphus[id], "subset \(id)")
            #expect(!subset.examples.isEmpty)
        }
        #expect(catalog.syphus["spot_the_difference"]?.scope == .pair)
        #expect(catalog.syphus["sequence_events"]?.scope == .sequence)
    }

    @Test func aUserFolderOverridesOneFileAndAnUnknownPlaceholderIsAnError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loom-prompts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("conversation.yaml")
        try """
            id: conversation
            system: "Be brief."
            instruction: "Caption: {caption}. Write {turns} turns."
            schema: '{"type":"object"}'
            """.write(to: file, atomically: true, encoding: .utf8)
        let catalog = try PromptCatalog.load(overrides: folder)
        #expect(catalog.conversation.system == "Be brief.")
        #expect(catalog.caption.id == "caption")  // the other files stay the shipped ones

        try """
            id: conversation
            system: "Be brief."
            instruction: "Caption: {caption}. Write {turn_count} turns."
            schema: '{"type":"object"}'
            """.write(to: file, atomically: true, encoding: .utf8)
        let error = try #require(throws: LoomError.self) { try PromptCatalog.load(overrides: folder) }
        #expect(error.description.contains("conversation.yaml"))
        #expect(error.description.contains("{turn_count}"))
    }

    @Test func placeholdersAreFilledAndEmptyOnesLeaveNoBlankRuns() {
        let text = PromptText.fill("A {x}\n\n{empty}\n\nB {y}", ["x": "1", "y": "2", "empty": ""])
        #expect(text == "A 1\n\nB 2")
        #expect(PromptText.placeholders(in: "{a} and {b_c} but not { d } or {}") == ["a", "b_c"])
    }
}
