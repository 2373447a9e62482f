import Foundation
import LoomCore
import LoomInstruct
import LoomLLM
import Testing

private func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

@Suite("Translations keep placeholders, numbers and option letters")
struct TranslationTests {
    /// A two-image multiple-choice record as the template generator writes one.
    static let source = Record(
        id: "rec-1", sampleID: "smp-1", media: ["m1", "m2"],
        turns: [
            Turn(role: .user, text: "Image 1: <image>\nImage 2: <image>\nHow many cubes are in image 2?\nA. 3\nB. 12\nC. 4\nD. 7\nAnswer with the letter."),
            Turn(role: .assistant, text: "B"),
        ],
        type: .multipleChoice, domain: Domain(rawValue: "counting"), skill: .coreference, language: "en",
        options: ["3", "12", "4", "7"], answerKey: "B", checks: [],
        provenance: Provenance(generator: "template", template: "count", phrasing: 0, seed: 1))

    @Test func aFaithfulTranslationIsRead() throws {
        let reply = try json(#"""
            {"turns": ["图像 1: <image>\n图像 2: <image>\n图像 2 中有多少个立方体？\nA. 3\nB. 12\nC. 4\nD. 7\n请用字母回答。", "B"],
             "options": ["3", "12", "4", "7"]}
            """#)
        let texts = try TranslateTask.decode(reply, source: Self.source)
        #expect(texts.turns.count == 2)
        #expect(TextSearch.count(of: "<image>", in: texts.turns[0]) == 2)
        #expect(texts.options == ["3", "12", "4", "7"])
    }

    @Test func aDroppedPlaceholderIsNamed() throws {
        let reply = try json(#"""
            {"turns": ["图像 1: <image>\n图像 2:\n图像 2 中有多少个立方体？\nA. 3\nB. 12\nC. 4\nD. 7\n请用字母回答。", "B"], "options": ["3", "12", "4", "7"]}
            """#)
        let problem = try #require(throws: ReplyProblem.self) { try TranslateTask.decode(reply, source: Self.source) }
        #expect(problem.message.contains("turns[0] has 1 <image> placeholders, but the source has 2"))
    }

    @Test func aChangedNumberALostLetterAndAWrittenOutNumberAreNamed() throws {
        let reply = try json(#"""
            {"turns": ["图像 1: <image>\n图像 2: <image>\n图像二中有多少个立方体？\nA. 3\nB. 十二\nC. 4\nD. 7\n请用字母回答。", "第二个"], "options": ["3", "十二", "4", "7"]}
            """#)
        let problem = try #require(throws: ReplyProblem.self) { try TranslateTask.decode(reply, source: Self.source) }
        #expect(problem.message.contains("turns[0] changes the numbers"))
        #expect(problem.message.contains("turns[1] must keep the answer letter B"))
        #expect(problem.message.contains("options[1] changes the numbers"))
    }

    @Test("numbers written with another language's separators are the same numbers; a changed digit is not")
    func decimalCommasAndThousandsPoints() {
        func problems(_ source: String, _ translated: String) -> [String] {
            TranslationCheck.problems(source: [source], translated: [translated], sourceOptions: nil, translatedOptions: nil, answerKey: nil)
        }
        #expect(problems("It is 3.5 m long and weighs 1,000 kg.", "Es ist 3,5 m lang und wiegt 1.000 kg.").isEmpty)
        #expect(problems("It is 3.5 m long.", "Es ist 3,6 m lang.").contains { $0.contains("changes the numbers") })
    }

    @Test("the labels before a record's images stay in their order: swapped, \"image 2\" would name the other picture")
    func imageLabelsKeepTheirOrder() {
        let source = ["Image 1: <image>\nImage 2: <image>\nWhat changed in image 2?", "A cube was added."]
        let swapped = ["图像2：<image>\n图像1：<image>\n图像2中有什么变化？", "添加了一个立方体。"]
        let problems = TranslationCheck.problems(source: source, translated: swapped, sourceOptions: nil, translatedOptions: nil, answerKey: nil)
        #expect(problems.contains { $0.contains("labels before each <image> in their order") })
        let kept = ["图像1：<image>\n图像2：<image>\n图像2中有什么变化？", "添加了一个立方体。"]
        #expect(TranslationCheck.problems(source: source, translated: kept, sourceOptions: nil, translatedOptions: nil, answerKey: nil).isEmpty)
    }

    @Test func optionLinesAndCountsMustSurvive() {
        let source = Self.source.turns.map(\.text)
        var translated = source
        translated[0] = translated[0].replacingOccurrences(of: "\nC. 4", with: "\n(C) 4")
        #expect(TranslationCheck.problems(source: source, translated: translated, sourceOptions: nil, translatedOptions: nil, answerKey: "B")
            .contains { $0.contains("option lines") })
        #expect(TranslationCheck.problems(source: source, translated: [source[0]], sourceOptions: nil, translatedOptions: nil, answerKey: nil)
            .first?.contains("turns has 1 texts, but the source has 2") == true)
        #expect(TranslationCheck.problems(source: source, translated: source, sourceOptions: ["a"], translatedOptions: nil, answerKey: nil)
            .contains { $0.contains("options is missing") })
        // A letter answer right after a CJK character still counts.
        #expect(TranslationCheck.problems(source: ["Q?", "The answer is B."], translated: ["问？", "答案是B。"], sourceOptions: nil, translatedOptions: nil, answerKey: "B").isEmpty)
    }

    @Test func theRequestNamesBothLanguagesAndCarriesTheRecordAsJSON() throws {
        let task = TranslateTask(catalog: try PromptCatalog.load(), sampling: SamplingSettings())
        let request = task.request(model: "m", record: Self.source, target: "ja")
        let text = request.messages.map(\.text).joined(separator: "\n")
        #expect(text.contains("from English into Japanese"))
        #expect(text.contains(#""options":["3","12","4","7"]"#) || text.contains(#""options": ["3", "12", "4", "7"]"#))
        #expect(try PromptCatalog.load().translate.languages.keys.sorted() == ["ar", "de", "en", "es", "fr", "ja", "ko", "zh"])
    }
}
