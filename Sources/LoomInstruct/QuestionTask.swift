import Foundation
import LoomCore
import LoomLLM

/// MMInstruct's steps c–d: for one image, domain and question type, N seed questions of the domain are shown
/// as references and the model writes K questions with answers from the image's caption. The template
/// generator's invariants are checked on the reply: four distinct options with one correct letter, yes/no
/// judgements, short short answers and long long ones.
public struct QuestionTask: Sendable {
    public let prompt: QuestionPrompt
    public let sampling: SamplingSettings

    public init(catalog: PromptCatalog, sampling: SamplingSettings) {
        prompt = catalog.questions
        self.sampling = sampling
    }

    /// Most words a short answer may have.
    public static let shortAnswerWords = 8
    /// Fewest words a long answer may have.
    public static let longAnswerWords = 25

    /// The request for one image, domain and type.
    public func request(
        model: String, image: ChatImage, caption: String, ocr: [String], domain: DomainPrompt, seeds: [String],
        type: QuestionType, count: Int
    ) -> ChatRequest {
        let instruction = PromptText.fill(prompt.instruction, [
            "caption": caption, "ocr": ocr.isEmpty ? "" : "Text in the image: " + ocr.map { "\"\($0)\"" }.joined(separator: "; "),
            "domain": domain.id.replacingOccurrences(of: "_", with: " "), "domain_description": domain.description,
            "seed_questions": seeds.map { "- " + $0 }.joined(separator: "\n"), "count": String(count),
            "type_instruction": prompt.typeInstructions[type.rawValue] ?? "",
        ])
        return ChatRequest(
            model: model,
            messages: [.system(prompt.system), ChatMessage(role: .user, parts: [.image(image), .text(instruction)])],
            temperature: sampling.temperature, maxTokens: sampling.maxTokens,
            schema: ResponseSchema(name: "questions", json: prompt.schema))
    }

    /// Reads the reply: at least one and at most `count` usable questions of `type`. Questions asked twice
    /// are a problem; so is any question that breaks its type's rules.
    public static func decode(_ value: JSONValue, type: QuestionType, count: Int) throws(ReplyProblem) -> [WrittenQuestion] {
        let items = try ReplyFields(value).objects("questions")
        if items.isEmpty { throw ReplyProblem("questions is empty: write \(count) questions") }
        var written: [WrittenQuestion] = []
        var seen = Set<String>()
        for item in items.prefix(count) {
            let question = try item.text("question", maxLength: 1000)
            let normalized = ModelText.comparisonKey(question)
            if !seen.insert(normalized).inserted { throw ReplyProblem("\(item.path).question repeats an earlier question") }
            written.append(try decodeAnswer(item, question: question, type: type))
        }
        return written
    }

    private static func decodeAnswer(_ item: ReplyFields, question: String, type: QuestionType) throws(ReplyProblem) -> WrittenQuestion {
        let answer = try item.text("answer")
        switch type {
        case .judgement:
            let word = ModelText.comparisonKey(answer)
            guard word == "yes" || word == "no" else {
                throw ReplyProblem("\(item.name("answer")) must be exactly yes or no for a judgement question, not \"\(answer.prefix(40))\"")
            }
            return WrittenQuestion(question: question, answerKey: word, answer: word == "yes" ? "Yes" : "No")
        case .multipleChoice:
            let options = try item.texts("options", maxLength: OptionLabels.maxOptionLength) ?? []
            guard options.count == 4 else {
                throw ReplyProblem("\(item.name("options")): expected 4 options, got \(options.count)")
            }
            if OptionLabels.questionListsOptions(question, options: options.map { OptionLabels.label(of: $0).map { String($0.rest) } ?? $0 }) {
                // Loom adds the lettered options after moving the correct one: the question's own list would
                // contradict them.
                throw ReplyProblem(
                    "\(item.name("question")) lists lettered options itself: write only the question, and the options in options")
            }
            let stripped = try OptionLabels.stripped(options, field: item.name("options"))
            if Set(stripped.map(ModelText.comparisonKey)).count != 4 {
                throw ReplyProblem("\(item.name("options")): the 4 options must all differ")
            }
            if stripped.contains(where: \.isEmpty) { throw ReplyProblem("\(item.name("options")): an option is empty") }
            // The options are shown one per line: a line break inside one would show more than four.
            if stripped.contains(where: { $0.contains("\n") }) {
                throw ReplyProblem("\(item.name("options")): each option must be one line, without line breaks")
            }
            let key = try answerLetter(answer, options: stripped, field: item.name("answer"))
            return WrittenQuestion(question: question, options: stripped, answerKey: key, answer: key)
        case .shortVQA:
            if ModelText.wordCount(answer) > shortAnswerWords {
                throw ReplyProblem("\(item.name("answer")) must be a word or short phrase (at most \(shortAnswerWords) words)")
            }
            return WrittenQuestion(question: question, answer: answer)
        case .longVQA, .multiRound, .caption:
            if ModelText.wordCount(answer) < longAnswerWords {
                throw ReplyProblem("\(item.name("answer")) must be a detailed answer of several sentences (at least \(longAnswerWords) words)")
            }
            return WrittenQuestion(question: question, answer: answer)
        }
    }

    /// "B", "B.", "(B)", "Option B" or the exact text of one option → that option's letter.
    static func answerLetter(_ answer: String, options: [String], field: String) throws(ReplyProblem) -> String {
        let trimmed = answer.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))
        let upper = trimmed.uppercased()
        for candidate in [upper, upper.replacingOccurrences(of: "OPTION ", with: "")] where optionLetters.contains(candidate) {
            return candidate
        }
        if let first = upper.first, optionLetters.contains(String(first)),
            upper.count > 1, [".", ")", ":"].contains(String(upper[upper.index(after: upper.startIndex)]))
        {
            // "B: blue" where B is green: the letter and the text disagree, and either could be the mistake.
            let text = ModelText.comparisonKey(String(trimmed.dropFirst(2)))
            let letter = String(first)
            if !text.isEmpty, let named = options.indices.first(where: { ModelText.comparisonKey(options[$0]) == text }),
                optionLetters[named] != letter
            {
                throw ReplyProblem(
                    "\(field) \"\(answer.prefix(40))\" gives the letter \(letter) but the text of option \(optionLetters[named]); give the letter of the one correct option")
            }
            return letter
        }
        let text = OptionLabels.label(of: answer).map { String($0.rest) } ?? answer
        let matching = options.indices.filter { ModelText.comparisonKey(options[$0]) == ModelText.comparisonKey(text) }
        if matching.count == 1 { return optionLetters[matching[0]] }
        throw ReplyProblem("\(field) must be the letter (A, B, C or D) of the one correct option, not \"\(answer.prefix(40))\"")
    }
}
