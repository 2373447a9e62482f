import Foundation
import LoomCheck
import LoomCore
import LoomQuality
import LoomRecipe
import LoomStore
import Testing
@testable import LoomEngine

@Suite("Quality stage in a run")
struct QualityRunTests {
    /// Unflagged records of a finished run.
    func keptRecords(_ fixture: RunFixture) throws -> [Record] {
        var kept: [Record] = []
        try RunStore(directory: fixture.runDirectory).forEachRecord(unflaggedOnly: true) { record, _ in kept.append(record) }
        return kept
    }

    @Test func quotasAreMetExactlyWithEvenYesNoAndLetters() async throws {
        let fixture = try RunFixture(singles: 40, pairs: 4, sets: 2, sequences: 2)
        var recipe = fixture.recipe
        recipe.quality.balance.quotas = [.type: ["judgement": 20, "multiple_choice": 12], .skill: ["temporal": 3]]
        let summary = try await fixture.runner(recipe: recipe).run()
        let kept = try keptRecords(fixture)
        #expect(kept.filter { $0.type == .judgement }.count == 20)
        #expect(kept.filter { $0.type == .multipleChoice }.count == 12)
        #expect(kept.filter { $0.skill == .temporal }.count == 3)
        let answers = kept.filter { $0.type == .judgement }.map { $0.turns[1].text.lowercased().hasPrefix("yes") }
        #expect(answers.filter { $0 }.count == 10)
        let letters = Dictionary(grouping: kept.filter { $0.type == .multipleChoice }, by: { $0.answerKey ?? "" }).mapValues(\.count)
        #expect(letters == ["A": 3, "B": 3, "C": 3, "D": 3])
        // Re-lettered records still pass the independent checker: the options moved with the key.
        for record in kept where record.type == .multipleChoice {
            let sample = try #require(try RunStore(directory: fixture.runDirectory).sample(id: record.sampleID))
            #expect(AnswerChecker.check(record, truth: sample.truth).isEmpty)
        }
        #expect(try #require(summary.quality).overQuota > 0)
    }

    @Test func hostileRecordsAreFlaggedAndTheRunGoesOn() async throws {
        let fixture = try RunFixture(singles: 4, pairs: 0, sets: 0, sequences: 0)
        _ = try await fixture.runner().run()
        let store = try RunStore(directory: fixture.runDirectory)
        var original: Record?
        try store.forEachRecord(unflaggedOnly: true) { record, _ in if original == nil, record.type == .shortVQA { original = record } }
        let base = try #require(original)
        func variant(_ slot: String, answer: String) -> Record {
            var record = base
            record.id = "rec-hostile-" + slot
            record.checks = []
            record.provenance.generator = "model"
            record.turns[1].text = answer
            return record
        }
        var copy = base
        copy.id = "rec-zz-copy"
        let hostile = [
            variant("utf8", answer: String(decoding: [0x52, 0xC3, 0x28, 0x64] as [UInt8], as: UTF8.self)),
            variant("control", answer: "red\u{0000}\u{001B}[31m"),
            variant("huge", answer: String(repeating: "a very long answer ", count: 60_000)),
            variant("refusal", answer: "I'm sorry, but I cannot see the image."),
            variant("invented", answer: "Barack Obama stands beside the Eiffel Tower holding 57 balloons."),
            copy,
        ]
        try store.commit([StoreWrite(records: hostile)])
        let summary = try await fixture.runner().run()
        #expect(try #require(summary.quality).ranNow)
        let flags = Dictionary(uniqueKeysWithValues: try store.records(ids: hostile.map(\.id)).map { ($0.id, Set($0.flags.map(\.code))) })
        #expect(flags["rec-hostile-utf8"]?.contains(QualityCode.invalidUTF8) == true)
        #expect(flags["rec-hostile-control"]?.contains(QualityCode.controlCharacters) == true)
        #expect(flags["rec-hostile-huge"] == [QualityCode.oversized])
        #expect(flags["rec-hostile-refusal"]?.contains(QualityCode.boilerplate) == true)
        #expect(flags["rec-hostile-invented"]?.contains(QualityCode.unsupported) == true)
        #expect(flags["rec-hostile-invented"]?.contains(QualityCode.underivableNumber) == true)
        // The copy sorts after the original, so it is the duplicate; the original stays.
        #expect(flags["rec-zz-copy"]?.contains(where: { $0.hasPrefix("duplicate.") }) == true)
        #expect(try store.records(ids: [base.id]).first?.flags.isEmpty == true)
    }

    @Test func changedQualitySettingsRerunOnlyTheQualityStage() async throws {
        let fixture = try RunFixture(singles: 6, pairs: 0, sets: 0, sequences: 0)
        let first = try await fixture.runner().run()
        #expect(first.flaggedRecords == 0)
        var strict = fixture.recipe
        strict.quality.lengths[.longVQA] = WordBounds(min: 500)
        let second = try await fixture.runner(recipe: strict).run()
        #expect(second.samplesMadeNow == 0)
        #expect(try #require(second.quality).flags[QualityCode.tooShort] == second.flaggedRecords)
        #expect(second.flaggedRecords > 0)
        let again = try await fixture.runner(recipe: strict).run()
        #expect(again.quality?.ranNow == false)
        #expect(again.contentHash == second.contentHash)
    }
}
