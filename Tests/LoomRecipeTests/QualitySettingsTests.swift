import Foundation
import LoomCore
import Testing

@testable import LoomRecipe

@Suite("Recipe quality settings")
struct QualitySettingsTests {
    static let base = """
        name: q
        sources:
          scenes: {singles: 2}
        stages:
          quality:

        """

    @Test func aFullQualitySectionIsRead() throws {
        let recipe = try RecipeLoader.parse(Self.base + """
                lengths: {short_vqa: {max_words: 10}, long_vqa: {min_words: 30}}
                grounding: {threshold: 0.7}
                dedup:
                  exact: false
                  near: {threshold: 0.9, permutations: 64, shingle: 2, scope: dataset}
                balance:
                  yes_no: false
                  quotas: {type: {judgement: 10, others: 5}, skill: {temporal: 3}}
            """, file: "r.yaml")
        let quality = recipe.quality
        #expect(quality.lengths[.shortVQA] == WordBounds(min: nil, max: 10))
        #expect(quality.groundingThreshold == 0.7)
        #expect(quality.dedup.exact == false && quality.dedup.threshold == 0.9 && quality.dedup.permutations == 64)
        #expect(quality.dedup.scope == .dataset)
        #expect(quality.balance.yesNo == false && quality.balance.letters)
        #expect(quality.balance.quotas[.type] == ["judgement": 10, "others": 5])
        #expect(quality.balance.quotas[.skill] == ["temporal": 3])
    }

    @Test func groundingAndNearDedupCanBeTurnedOff() throws {
        let recipe = try RecipeLoader.parse(Self.base + """
                grounding: false
                dedup: {near: false}
            """, file: "r.yaml")
        #expect(recipe.quality.groundingThreshold == nil)
        #expect(recipe.quality.dedup.near == false)
    }

    @Test func mistakesAreReportedWithTheirLines() {
        do {
            _ = try RecipeLoader.parse(Self.base + """
                    lengths: {short_answer: {max_words: 10}}
                    balance:
                      quotas: {type: {judgment: 10}, skill: {counting: 3}, colour: {red: 1}}
                    dedupe: {}
                """, file: "r.yaml")
            Issue.record("the recipe should be refused")
        } catch let error as RecipeError {
            let messages = error.diagnostics.map(\.message)
            #expect(messages.contains { $0.contains("'short_answer' is not a question type") })
            #expect(messages.contains { $0.contains("'judgment' is not a question type") })
            #expect(messages.contains { $0.contains("'counting' is not a skill") })
            #expect(messages.contains { $0.contains("not 'colour'") })
            #expect(messages.contains { $0.contains("unknown key 'dedupe'") && $0.contains("dedup") })
            #expect(error.diagnostics.allSatisfy { $0.line >= 6 })
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
