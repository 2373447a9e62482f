import Foundation
import LoomCheck
import LoomCore
import Testing

@testable import LoomGenerate

@Suite("Template generator")
struct TemplateGeneratorTests {
    @Test("every intent of every domain is instantiated, in every question type it offers")
    func everyDomainAndType() throws {
        var seen: Set<String> = []
        for record in GeneratedSamples.records { seen.insert("\(record.provenance.template)|\(record.type.rawValue)") }
        // Timeline intents are asked of videos only.
        let generator = GeneratedSamples.generator()
        for ordinal in 0..<300 {
            for record in try generator.records(for: VideoSamples.sample(ordinal), seed: UInt64(ordinal)) {
                seen.insert("\(record.provenance.template)|\(record.type.rawValue)")
            }
        }
        for domain in GeneratedSamples.catalog.domains {
            for intent in domain.intents {
                for type in [QuestionType.judgement, .multipleChoice, .shortVQA] where intent.phrasings(for: type) != nil {
                    #expect(seen.contains("\(domain.domain).\(intent.id)|\(type.rawValue)"), "never generated: \(domain.domain).\(intent.id) as \(type.rawValue)")
                }
            }
        }
        let types = Set(GeneratedSamples.records.map(\.type))
        #expect(types == [.judgement, .multipleChoice, .shortVQA, .longVQA, .multiRound])
        let skills = Set(GeneratedSamples.records.compactMap(\.skill))
        #expect(skills == Set(Skill.allCases))
    }

    @Test("the independent checker agrees with every generated answer")
    func checkerAgreesWithGenerator() {
        var disagreements: [String] = []
        for (sample, records) in GeneratedSamples.all {
            for record in records {
                let flags = AnswerChecker.check(record, truth: sample.truth)
                if !flags.isEmpty { disagreements.append("\(record.provenance.template): \(flags.map(\.reason))\n\(record.turns.map(\.text))") }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.first ?? "")")
    }

    @Test("each record has one <image> per medium, all in the first user turn")
    func placeholders() {
        for record in GeneratedSamples.records {
            #expect(record.placeholderCount == record.media.count)
            #expect(record.turns.dropFirst().allSatisfy { !$0.text.contains(Record.imagePlaceholder) })
            #expect(record.turns.count.isMultiple(of: 2))
        }
    }

    @Test("multiple choice: 4 distinct options, exactly one correct, letters spread evenly")
    func multipleChoiceInvariants() throws {
        let choices = GeneratedSamples.records.filter { $0.type == .multipleChoice }
        #expect(choices.count > 200)
        var letters: [String: Int] = [:]
        for record in choices {
            let options = try #require(record.options)
            #expect(options.count == 4)
            #expect(Set(options.map(Phrasing.normalized)).count == 4)
            let key = try #require(record.answerKey)
            letters[key, default: 0] += 1
            #expect(record.turns[1].text == key)
            for (letter, option) in zip(optionLetters, options) {
                #expect(record.turns[0].text.contains("\(letter). \(option)"))
            }
        }
        let expected = Double(choices.count) / 4
        for letter in optionLetters {
            let share = Double(letters[letter, default: 0])
            #expect(abs(share - expected) <= 0.2 * expected, "letter \(letter): \(share) of \(choices.count)")
        }
    }

    @Test("with multiple choice the only type asked, each intent's correct letter steps by one from sample to sample")
    func lettersStepWhenOnlyMultipleChoiceIsAsked() throws {
        let generator = GeneratedSamples.generator(types: [.multipleChoice])
        var letters: [String: [Int: Int]] = [:]  // template -> ordinal -> letter index
        for ordinal in 0..<40 {
            let sample = GeneratedSamples.sample(.single, ordinal)
            for record in try generator.records(for: sample, seed: UInt64(ordinal)) where record.type == .multipleChoice {
                let key = try #require(record.answerKey)
                letters[record.provenance.template, default: [:]][ordinal] = optionLetters.firstIndex(of: key)
            }
        }
        var steps = 0
        for (template, byOrdinal) in letters {
            for (ordinal, letter) in byOrdinal {
                guard let next = byOrdinal[ordinal + 1] else { continue }
                #expect((next - letter + 4) % 4 == 1, "\(template): sample \(ordinal) has \(optionLetters[letter]), the next \(optionLetters[next])")
                steps += 1
            }
        }
        #expect(steps > 100)
    }

    @Test("judgements are answered yes exactly as often as no in every domain")
    func yesNoBalance() {
        var tally: [Domain: (yes: Int, no: Int)] = [:]
        for record in GeneratedSamples.records where record.type == .judgement {
            if record.answerKey == "yes" { tally[record.domain, default: (0, 0)].yes += 1 } else { tally[record.domain, default: (0, 0)].no += 1 }
        }
        #expect(tally.count >= 8)
        for (domain, counts) in tally { #expect(counts.yes == counts.no, "\(domain): \(counts)") }
    }

    @Test("each type ends with its own instruction on how to answer")
    func answerInstructions() {
        let instructions = GeneratedSamples.catalog.instructions
        let overrides = Dictionary(uniqueKeysWithValues: GeneratedSamples.catalog.domains.flatMap { domain in
            domain.intents.map { ("\(domain.domain).\($0.id)", $0.shortInstruction) }
        })
        for record in GeneratedSamples.records where record.type != .multiRound {
            let override = record.type == .shortVQA ? overrides[record.provenance.template] ?? nil : nil
            let variants = override ?? instructions.variants(for: record.type)
            #expect(variants.contains { record.turns[0].text.hasSuffix($0) }, "\(record.type): \(record.turns[0].text)")
        }
    }

    @Test("multi-round conversations have five exchanges, each checked")
    func conversations() {
        let conversations = GeneratedSamples.records.filter { $0.type == .multiRound }
        #expect(conversations.count > 100)
        for record in conversations {
            #expect(record.turns.count == 10)
            #expect(record.checks.map(\.turn) == [1, 3, 5, 7, 9])
        }
    }

    @Test("the same sample and seed give the same records and ids")
    func deterministic() throws {
        let sample = GeneratedSamples.sample(.set, 3)
        let a = try GeneratedSamples.generator().records(for: sample, seed: 99)
        let b = try GeneratedSamples.generator().records(for: sample, seed: 99)
        #expect(a == b)
        #expect(Set(a.map(\.id)).count == a.count)
    }

    @Test("a recipe's type and domain choices restrict what is generated")
    func restrictions() throws {
        let generator = TemplateGenerator(
            catalog: GeneratedSamples.catalog, types: [.shortVQA], domains: ["counting", "ocr"])
        let records = try (0..<20).flatMap { try generator.records(for: GeneratedSamples.sample(.single, $0), seed: 1) }
        #expect(!records.isEmpty)
        #expect(records.allSatisfy { $0.type == .shortVQA && ["counting", "ocr"].contains($0.domain) })
    }
}
